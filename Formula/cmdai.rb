# Generated from the release's SHA256SUMS by the release workflow, which publishes it to the tap
# and commits it here (`bun run release` writes it to dist/release/cmdai.rb only). Do not edit by hand.
class Cmdai < Formula
  desc "Turn plain-English requests into safety-checked shell commands, offline"
  homepage "https://github.com/cmdai/cmdai"
  version "0.1.0"
  license "MIT"

  on_macos do
    on_arm do
      url "https://github.com/cmdai/cmdai/releases/download/v0.1.0/cmdai-0.1.0-darwin-arm64.tar.xz"
      sha256 "10be047d5689826be051d1bb09c51aeafa9e01d31e2913fc6c71bcb4a264b7dd"
    end
    on_intel do
      url "https://github.com/cmdai/cmdai/releases/download/v0.1.0/cmdai-0.1.0-darwin-x64.tar.xz"
      sha256 "6442b2ef98aab5e87ca453cdcbbb5a2b9b92702e4092d06484f0706cb0f248ac"
    end
  end

  on_linux do
    on_arm do
      url "https://github.com/cmdai/cmdai/releases/download/v0.1.0/cmdai-0.1.0-linux-arm64.tar.xz"
      sha256 "15503d1cf19b5ce4be2c1b7c177ebea82be5df4129fa34d62101ac20af00a1e8"
    end
    on_intel do
      url "https://github.com/cmdai/cmdai/releases/download/v0.1.0/cmdai-0.1.0-linux-x64.tar.xz"
      sha256 "5b3400716235bd49636eac3bbffa741d5be9cbbe659cddcfe1e48511ca5ef668"
    end
  end

  def install
    bin.install "cmdai"
    bash_completion.install "completions/cmdai.bash" => "cmdai"
    zsh_completion.install "completions/_cmdai"
    fish_completion.install "completions/cmdai.fish"
    pkgshare.install "shell"
  end

  def caveats
    <<~EOS
      Press Ctrl-G at the prompt to turn a request into a command. Add the line for your shell:
        zsh  (~/.zshrc):                   eval "$(cmdai init zsh)"
        bash (~/.bashrc):                  eval "$(cmdai init bash)"
        fish (~/.config/fish/config.fish): cmdai init fish | source

      cmdai runs a local model (~1.1 GB), downloaded on first use, or now with:
        cmdai model pull
    EOS
  end

  test do
    assert_match "cmdai #{version}", shell_output("#{bin}/cmdai --version")
    assert_match "safe", shell_output("#{bin}/cmdai check -- 'ls -la'")
    assert_match "cmdai init zsh", shell_output("#{bin}/cmdai init zsh")
  end
end
