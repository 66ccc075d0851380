// Secret stores and keys: deleting, destroying or exporting them.
import { rule } from "./rule.ts";
import type { Pack } from "./types.ts";

export const credentials: Pack = {
  name: "credentials",
  description: "secrets, keys and tokens: Vault, keychains, GPG, cloud secret managers",
  rules: [
    rule(
      "credentials.vault-destroy",
      "high",
      "destroys or deletes secrets, or disables a secrets engine or auth method with all its data",
      {
        program: ["vault", "bao"],
        sub: ["kv|secrets|auth|lease|token|delete|policy|write", "destroy|delete|metadata|disable|revoke|rm|undelete|.*"],
        word: "destroy|delete|disable|revoke|-prefix|-force|sys/seal",
      },
      [
        "vault kv destroy -versions=1 secret/x",
        "vault kv metadata delete secret/x",
        "vault secrets disable secret/",
        "vault auth disable userpass",
        "vault lease revoke -prefix aws/",
        "vault kv delete secret/app",
        "vault token revoke -self",
        "vault delete secret/x",
        "vault policy delete admin",
      ],
      ["vault kv get secret/x", "vault secrets list", "vault status"],
    ),
    rule(
      "credentials.vault-seal",
      "high",
      "seals Vault: every client loses access until it is unsealed",
      { program: ["vault", "bao"], sub: ["operator", "seal|step-down|rekey|generate-root|raft"] },
      ["vault operator seal", "vault operator step-down"],
      ["vault operator members"],
    ),
    rule(
      "credentials.secret-manager-delete",
      "high",
      "deletes or destroys secrets in a cloud secret manager",
      { program: ["gcloud"], valued: ["--project", "--format", "--account"], sub: ["secrets|beta|alpha"], word: "destroy|delete|disable" },
      ["gcloud secrets versions destroy 3 --secret=s", "gcloud secrets delete s", "gcloud secrets versions disable 2 --secret=s"],
      ["gcloud secrets list", "gcloud secrets versions access latest --secret=s"],
    ),
    rule(
      "credentials.password-manager-delete",
      "high",
      "deletes secrets from a password manager or secrets service",
      { program: ["op", "doppler", "infisical", "bw", "lpass", "pass"], word: "delete|rm|remove|purge" },
      ["op item delete x --archive", "doppler secrets delete TOKEN", "bw delete item 1234", "pass rm -r email"],
      ["op item get x", "pass show email"],
    ),
    rule(
      "credentials.keychain-delete",
      "high",
      "deletes a keychain or secret keys",
      {
        program: ["security", "gpg", "gpg2", "ssh-add", "keyctl", "secret-tool"],
        word: "delete-keychain|delete-generic-password|delete-internet-password|delete-identity|--delete-secret-keys|--delete-secret-and-public-key|--delete-keys|-D|purge|clear|unlink",
      },
      [
        "security delete-keychain login.keychain",
        "gpg --delete-secret-keys ABCD",
        "ssh-add -D",
        "keyctl purge user",
        "secret-tool clear service x",
      ],
      ["security find-generic-password -s x", "gpg --list-keys", "ssh-add -l"],
    ),
    rule(
      "credentials.metadata-token",
      "moderate",
      "fetches this cloud machine's role credentials or access token from the metadata service",
      {
        program: ["curl", "wget", "http", "xh"],
        word: "(https?://)?(169\\.254\\.169\\.254|169\\.254\\.170\\.2|metadata\\.google\\.internal)/.*(security-credentials|identity/oauth2/token|service-accounts/[^/]+/(token|identity)|/v2/credentials|api/token).*",
      },
      [
        "curl -s http://169.254.169.254/latest/meta-data/iam/security-credentials/role",
        "curl -H 'Metadata-Flavor: Google' http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token",
        "curl -H Metadata:true 'http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com/'",
      ],
      [
        "curl -s http://169.254.169.254/latest/meta-data/instance-id",
        "curl http://metadata.google.internal/computeMetadata/v1/instance/zone",
      ],
    ),
    rule(
      "credentials.export-secret-keys",
      "moderate",
      "prints secret keys or access tokens (to the terminal, a file or a pipe)",
      {
        program: ["gpg", "gpg2", "security", "gcloud", "az"],
        word: "--export-secret-keys|--export-secret-subkeys|dump-keychain|print-access-token|print-identity-token|get-access-token",
      },
      [
        "gpg --export-secret-keys -a me > k.asc",
        "security dump-keychain -d",
        "gcloud auth print-access-token",
        "az account get-access-token",
      ],
      ["gpg --export -a me", "gcloud auth list", "az vm run-command invoke -g rg -n vm"],
    ),
  ],
};
