// Infrastructure as code: applies and destroys that skip the confirmation.
import { rule } from "./rule.ts";
import type { Pack } from "./types.ts";

export const iac: Pack = {
  name: "iac",
  description: "infrastructure as code: Terraform/OpenTofu, Terragrunt, Pulumi, CDK, Serverless, Ansible",
  rules: [
    rule(
      "iac.apply-unattended",
      "high",
      "applies infrastructure changes without showing the plan or asking",
      {
        program: ["terraform", "tofu", "terragrunt"],
        sub: ["apply|run-all"],
        flags: [["-auto-approve", "--auto-approve", "--terragrunt-non-interactive", "--non-interactive"]],
      },
      ["terraform apply -auto-approve", "tofu apply -auto-approve -var x=1", "terragrunt run-all apply --terragrunt-non-interactive"],
      ["terraform apply", "terraform plan"],
      "terraform plan -out tfplan, read it, then terraform apply tfplan",
    ),
    rule(
      "iac.destroy",
      "high",
      "destroys the infrastructure the configuration manages",
      { program: ["terragrunt", "cdk", "cdktf", "serverless", "sls", "sst", "copilot", "amplify"], word: "destroy|remove|rm|delete" },
      [
        "cdk destroy --force",
        "cdktf destroy --auto-approve",
        "serverless remove",
        "terragrunt run-all destroy",
        "amplify delete",
        "copilot app delete",
      ],
      ["pulumi preview", "cdk diff", "pulumi stack ls"],
      "preview first (pulumi preview --diff, cdk diff)",
    ),
    rule(
      "iac.pulumi-destroy",
      "high",
      "destroys a Pulumi stack's resources or removes the stack",
      { program: ["pulumi"], sub: ["destroy|down|stack"], word: "destroy|down|rm|remove" },
      ["pulumi destroy --yes", "pulumi destroy", "pulumi stack rm prod --force", "pulumi down -y"],
      ["pulumi stack ls", "pulumi config rm key", "pulumi preview"],
    ),
    rule(
      "iac.up-unattended",
      "high",
      "applies infrastructure changes without a preview or confirmation",
      {
        program: ["pulumi", "cdk", "cdktf", "sst"],
        sub: ["up|update|deploy"],
        flags: [["--yes", "-y", "--skip-preview", "-f", "--force", "--require-approval=never", "--auto-approve"]],
      },
      ["pulumi up --yes", "pulumi up -y --skip-preview", "cdk deploy --require-approval=never", "cdktf deploy --auto-approve"],
      ["pulumi up", "pulumi preview"],
    ),
    rule(
      "iac.state-change",
      "high",
      "edits the infrastructure state by hand (resources can be orphaned or destroyed later)",
      { program: ["pulumi"], sub: ["state", "delete|unprotect"] },
      ["pulumi state delete urn:x", "pulumi state unprotect urn:x"],
      ["pulumi stack export"],
    ),
    rule(
      "iac.terraform-state-push",
      "high",
      "overwrites the Terraform state or drops resources from it (they are orphaned, or destroyed by a later apply)",
      { program: ["terraform", "tofu", "terragrunt"], sub: ["state|workspace", "push|rm|replace-provider|delete"] },
      [
        "terraform state push -force x.tfstate",
        "terraform state push x.tfstate",
        "terraform state rm aws_db_instance.main",
        "terraform workspace delete prod",
      ],
      ["terraform state list", "terraform workspace list"],
    ),
  ],
};
