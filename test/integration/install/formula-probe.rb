# Loads a Homebrew formula with a stand-in for Homebrew's class-level DSL and
# prints, as JSON, the url and sha256 it declares for each OS and CPU, plus
# its metadata and instance methods. Usage: ruby formula-probe.rb FORMULA.rb
require "json"

class Formula
  PLATFORMS = %w[darwin-arm64 darwin-x64 linux-arm64 linux-x64].freeze

  class << self
    attr_reader :facts

    def inherited(sub)
      super
      sub.instance_variable_set(:@facts, { "platforms" => {} })
      sub.instance_variable_set(:@scope, PLATFORMS)
    end

    %w[desc homepage version license].each do |name|
      define_method(name) { |value| @facts[name] = value }
    end

    # Homebrew's `test do ... end` (Kernel#test otherwise): recorded, not run.
    def test(&block) = (@facts["test"] = !block.nil?)
    def url(value) = record("url", value)
    def sha256(value) = record("sha256", value)
    def on_macos(&) = within(%w[darwin-arm64 darwin-x64], &)
    def on_linux(&) = within(%w[linux-arm64 linux-x64], &)
    def on_arm(&) = within(%w[darwin-arm64 linux-arm64], &)
    def on_intel(&) = within(%w[darwin-x64 linux-x64], &)

    private

    def within(platforms)
      outer = @scope
      @scope = outer & platforms
      yield
    ensure
      @scope = outer
    end

    def record(key, value)
      raise "#{key} outside a single platform: #{@scope}" unless @scope.length == 1

      (@facts["platforms"][@scope.first] ||= {})[key] = value
    end
  end
end

path = ARGV.fetch(0)
load path
klass = Object.const_get(File.basename(path, ".rb").capitalize)
facts = klass.facts.merge("class" => klass.name, "methods" => klass.instance_methods(false).map(&:to_s).sort)
puts JSON.generate(facts)
