// Start-up hooks that outlive the command: launchd, systemd units, login
// items, preloaded libraries.
import { rule } from "./rule.ts";
import type { Pack } from "./types.ts";

export const persistence: Pack = {
  name: "persistence",
  description: "things that run again later: launchd jobs, systemd units, login hooks, preloaded libraries",
  rules: [
    rule(
      "persistence.launchd-load",
      "high",
      "installs a launchd job that runs at every login or boot",
      { program: ["launchctl"], sub: ["load|bootstrap|enable|submit|kickstart|asuser"] },
      [
        "launchctl load ~/Library/LaunchAgents/com.x.plist",
        "launchctl load -w /Library/LaunchDaemons/x.plist",
        "launchctl bootstrap gui/501 x.plist",
        "launchctl submit -l x -- /tmp/run",
      ],
      ["launchctl list", "launchctl print system"],
    ),
    rule(
      "persistence.launchd-unload",
      "moderate",
      "stops or removes a launchd job",
      { program: ["launchctl"], sub: ["unload|bootout|disable|remove|stop"] },
      ["launchctl unload ~/Library/LaunchAgents/com.x.plist", "launchctl bootout gui/501/com.x"],
      ["launchctl list"],
    ),
    rule(
      "persistence.unit-from-file",
      "high",
      "enables a service from a file: it runs at every boot",
      { program: ["systemctl"], sub: ["enable|link|reenable"], operand: "(/|\\./|~/|\uE002).*" },
      ["systemctl enable /tmp/x.service", "systemctl link /home/me/agent.service", "systemctl enable --now ./evil.service"],
      ["systemctl enable nginx", "systemctl status x.service"],
    ),
    rule(
      "persistence.user-unit",
      "moderate",
      "enables a per-user service or timer: it runs at every login",
      { program: ["systemctl"], sub: ["enable|link|reenable"], flags: [["--user", "--global"]] },
      ["systemctl --user enable --now agent.timer", "systemctl --user enable x.service"],
      ["systemctl --user status x.service", "systemctl enable nginx"],
    ),
    rule(
      "persistence.login-hook",
      "high",
      "installs a login or logout hook that runs a program as root",
      { program: ["defaults"], word: "LoginHook|LogoutHook|com\\.apple\\.loginwindow", sub: ["write"] },
      ["defaults write com.apple.loginwindow LoginHook /tmp/x.sh"],
      ["defaults read com.apple.loginwindow"],
    ),
    rule(
      "persistence.login-item",
      "high",
      "adds a program that starts at every login",
      { program: ["osascript"], word: ".*login item.*" },
      ['osascript -e \'tell application "System Events" to make login item at end with properties {path:"/tmp/x.app"}\''],
      ["osascript -e 'display dialog \"hi\"'"],
    ),
    rule(
      "persistence.crontab-empty",
      "high",
      "replaces your crontab with an empty one: every job is gone",
      { program: ["crontab"], operand: "/dev/null" },
      ["crontab /dev/null", "crontab -u bob /dev/null"],
      ["crontab -l", "crontab jobs.txt"],
    ),
  ],
};
