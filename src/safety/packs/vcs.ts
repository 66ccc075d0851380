// Version control beyond what rules/dev.ts judges: forges and hosted repositories.
import { rule } from "./rule.ts";
import type { Pack } from "./types.ts";

export const vcs: Pack = {
  name: "vcs",
  description: "git and code forges: history, refs, working tree, hosted repositories",
  rules: [
    rule(
      "vcs.add-secret",
      "high",
      "adds a secret file (.env, a private key, credentials) to the repository: once pushed, it has leaked",
      {
        program: ["git"],
        valued: ["-C", "-c", "--git-dir", "--work-tree"],
        sub: ["add|stage"],
        operand:
          "(.*/)?(\\.env(\\.(local|prod|production|development|staging))?|id_(rsa|dsa|ecdsa|ed25519)|[^/]*\\.(pem|p12|pfx|key)|credentials(\\.json)?|\\.netrc|\\.npmrc|\\.pypirc|\\.git-credentials|secrets?\\.(ya?ml|json|toml))",
        unless: ["-n", "--dry-run"],
      },
      ["git add .env && git commit -m wip && git push", "git add -f config/.env.production", "git -C app add deploy/id_ed25519"],
      ["git add .env.example", "git add src/main.ts", "git add -n .env"],
    ),
    rule(
      "vcs.forge-delete",
      "high",
      "deletes a hosted repository, release, or its secrets and keys",
      {
        program: ["gh", "glab", "tea"],
        sub: [
          "repo|release|secret|variable|ssh-key|gpg-key|deploy-key|project|gist|environment|issue|label|cache|run",
          "delete|del|rm|remove|purge|delete-asset",
        ],
      },
      [
        "gh repo delete me/repo --yes",
        "gh release delete v1 --yes",
        "gh secret delete TOKEN",
        "glab repo delete grp/x",
        "gh issue delete 12",
        "gh release delete-asset v2.0 app.zip --yes",
      ],
      ["gh repo view", "gh release list", "gh secret list"],
    ),
    rule(
      "vcs.forge-make-public",
      "high",
      "makes a repository public: its code and whole history become readable by anyone",
      {
        program: ["gh", "glab"],
        sub: ["repo", "edit|update"],
        word: "--visibility=public|public|--public",
        unless: ["--help"],
      },
      ["gh repo edit --visibility public --accept-visibility-change-consequences", "gh repo edit acme/x --visibility=public"],
      ["gh repo edit --visibility private", "gh repo edit --description public-api"],
    ),
    rule(
      "vcs.forge-archive",
      "moderate",
      "archives or renames a hosted repository, or changes who can see it",
      { program: ["gh", "glab"], sub: ["repo", "archive|rename|edit|transfer|unarchive"] },
      ["gh repo archive me/x --yes", "gh repo edit --visibility public"],
      ["gh repo view me/x"],
    ),
    rule(
      "vcs.forge-workflow-stop",
      "moderate",
      "disables a CI workflow or cancels its runs",
      { program: ["gh", "glab"], sub: ["workflow|run|ci|pipeline", "disable|cancel|stop"] },
      ["gh workflow disable deploy.yml", "gh run cancel 1234", "glab ci cancel"],
      ["gh workflow list", "gh run view 1234"],
    ),
    rule(
      "vcs.forge-run-delete",
      "high",
      "deletes CI runs or pipelines with their logs and artifacts",
      { program: ["gh", "glab"], sub: ["run|ci|pipeline|cache", "delete|rm"] },
      ["glab ci delete 123", "gh run delete 456", "gh cache delete --all"],
      ["gh run list", "glab ci list"],
    ),
    rule(
      "vcs.forge-api-delete",
      "high",
      "sends a DELETE request to the forge's API",
      { program: ["gh", "glab"], sub: ["api"], option: { names: ["-X", "--method"], value: "DELETE|delete" } },
      ["gh api -X DELETE repos/me/x", "gh api --method DELETE /repos/o/r/git/refs/heads/main"],
      ["gh api repos/me/x"],
    ),
    rule(
      "vcs.svn-revert",
      "high",
      "discards uncommitted changes in the working copy",
      { program: ["svn", "hg"], sub: ["revert|purge|strip|update"], word: "-R|--all|--recursive|purge|strip|-C|--clean|\\." },
      ["svn revert -R .", "hg revert --all", "hg purge", "hg strip -r 3", "hg update -C"],
      ["svn status", "hg diff"],
    ),
    rule(
      "vcs.discard-uncommitted",
      "high",
      "discards uncommitted changes or deletes unversioned files in the working tree",
      { program: ["bzr", "brz", "fossil", "darcs"], sub: ["revert|clean-tree|uncommit|clean|purge|obliterate|unrecord"] },
      ["bzr revert", "brz clean-tree --unknown --force", "fossil revert", "fossil clean --force", "darcs revert -a"],
      ["bzr status", "fossil status", "darcs whatsnew"],
    ),
    rule(
      "vcs.config-command",
      "high",
      "makes every later git command run programs from a hooks folder or a file-system monitor",
      {
        program: ["git"],
        sub: ["config"],
        word: "core\\.([hH]ooks[pP]ath|fsmonitor)",
        unless: ["--unset", "--unset-all", "--get", "--get-all"],
      },
      ["git config --global core.hooksPath /tmp/hooks", "git config core.fsmonitor ./watch.sh"],
      ["git config --global user.name Me", "git config --global --list", "git config --get core.hooksPath"],
    ),
    rule(
      "vcs.bigquery-delete",
      "high",
      "deletes a BigQuery dataset or table",
      { program: ["bq"], sub: ["rm"] },
      ["bq rm -r -f mydataset", "bq rm -f -t ds.table"],
      ["bq ls", "bq show ds.table"],
    ),
  ],
};
