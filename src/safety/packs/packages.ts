// Package registries and installed packages, beyond rules/system.ts.
import { rule } from "./rule.ts";
import type { Pack } from "./types.ts";

export const packages: Pack = {
  name: "packages",
  description: "package managers: installing, removing and publishing packages",
  rules: [
    rule(
      "packages.unpublish",
      "high",
      "removes a published package or version that others may depend on",
      { program: ["npm", "pnpm", "yarn", "bun", "cargo", "gem", "twine", "poetry"], word: "unpublish|yank|deprecate" },
      ["npm unpublish pkg --force", "pnpm unpublish pkg@1.0.0", "yarn npm unpublish", "gem yank x -v 1.0", "npm deprecate pkg@1 'gone'"],
      ["npm publish --dry-run", "npm view pkg", "npm pkg delete scripts.build"],
    ),
    rule(
      "packages.uninstall-global",
      "high",
      "uninstalls a globally installed package or tool that other programs may use",
      {
        program: ["npm", "pnpm", "yarn", "bun"],
        word: "uninstall|remove|rm|un|r|unlink",
        flags: [["-g", "--global", "global", "--location=global"]],
      },
      ["npm uninstall -g npm", "pnpm remove -g typescript", "yarn global remove create-react-app", "bun rm -g x"],
      ["npm uninstall lodash", "npm ls -g"],
    ),
    rule(
      "packages.uninstall-python",
      "high",
      "uninstalls Python packages (without asking, with -y)",
      {
        program: ["pip", "pip3", "pipx", "conda", "mamba", "micromamba", "uv"],
        word: "uninstall|remove|uninstall-all",
        unless: ["--help", "-h"],
      },
      [
        "pip uninstall -y requests",
        "pip3 uninstall setuptools",
        "pipx uninstall-all",
        "conda remove --all -n base -y",
        "conda env remove -n prod",
        "uv pip uninstall numpy",
      ],
      ["pip list", "pip show requests", "conda env list"],
    ),
    rule(
      "packages.uninstall-tool",
      "high",
      "uninstalls an installed application or its data",
      {
        program: ["brew", "gem", "snap", "flatpak", "choco", "winget", "scoop", "rustup", "nvm", "pyenv", "sdk"],
        word: "uninstall|remove|rm|purge|zap|--zap",
        unless: ["--help", "-n", "--dry-run"],
      },
      [
        "brew uninstall --force --zap docker",
        "gem uninstall rails -a -x",
        "snap remove --purge firefox",
        "flatpak uninstall --all -y",
        "rustup toolchain remove stable",
      ],
      ["brew list", "brew info git"],
    ),
    rule(
      "packages.remove-lockstep",
      "moderate",
      "removes a dependency from the project",
      { program: ["npm", "pnpm", "yarn", "bun", "cargo", "poetry"], sub: ["uninstall|remove|rm|un|r"] },
      ["npm uninstall lodash", "yarn remove react", "cargo remove serde", "poetry remove flask"],
      ["npm install lodash"],
    ),
    rule(
      "packages.registry-change",
      "high",
      "points the package manager at another registry or turns off its checks",
      {
        program: ["npm", "pnpm", "yarn", "pip", "pip3"],
        sub: ["config", "set"],
        word: "registry|strict-ssl|global\\.index-url|global\\.trusted-host|index-url|trusted-host|ignore-scripts=false",
      },
      [
        "npm config set registry http://198.51.100.3/",
        "npm config set strict-ssl false",
        "pip config set global.index-url http://x.dev/simple",
      ],
      ["npm config get registry", "npm config list"],
    ),
  ],
};
