// AWS beyond the verb rule in rules/dev.ts (delete-*, terminate-*): storage
// APIs and the tools around the CLI.
import { rule } from "./rule.ts";
import type { Pack } from "./types.ts";

const AWS = ["--profile", "--region", "--output", "--query", "--endpoint-url", "--cli-input-json"];

export const cloudAws: Pack = {
  name: "cloud-aws",
  description: "Amazon Web Services: aws CLI, S3, IAM, the copilot/sam/eb tools",
  rules: [
    rule(
      "cloud-aws.account-close",
      "critical",
      "closes an AWS account or deletes the organization: every resource in it goes",
      {
        program: ["aws"],
        valued: AWS,
        sub: ["organizations|account", "close-account|delete-organization|remove-account-from-organization"],
      },
      ["aws organizations close-account --account-id 111122223333", "aws organizations delete-organization"],
      ["aws organizations list-accounts", "aws organizations describe-organization"],
    ),
    rule(
      "cloud-aws.dns-record-delete",
      "high",
      "deletes DNS records: the names stop resolving",
      {
        program: ["aws"],
        valued: AWS,
        sub: ["route53", "change-resource-record-sets"],
        word: '.*"?Action"?\\s*[:=]\\s*"?DELETE.*',
      },
      [
        'aws route53 change-resource-record-sets --hosted-zone-id Z1 --change-batch \'{"Changes":[{"Action":"DELETE","ResourceRecordSet":{}}]}\'',
        "aws route53 change-resource-record-sets --hosted-zone-id Z1 --change-batch Changes=[{Action=DELETE}]",
      ],
      [
        "aws route53 change-resource-record-sets --hosted-zone-id Z1 --change-batch file://upsert.json",
        "aws route53 list-resource-record-sets --hosted-zone-id Z1",
      ],
    ),
    rule(
      "cloud-aws.dns-change",
      "moderate",
      "changes DNS records",
      { program: ["aws"], valued: AWS, sub: ["route53", "change-resource-record-sets"] },
      ["aws route53 change-resource-record-sets --hosted-zone-id Z1 --change-batch file://batch.json"],
      ["aws route53 list-hosted-zones"],
    ),
    rule(
      "cloud-aws.s3-delete-objects",
      "high",
      "deletes objects or every version in a bucket through the S3 API",
      {
        program: ["aws"],
        valued: AWS,
        sub: [
          "s3api",
          "delete-objects|delete-bucket|delete-object|put-bucket-lifecycle-configuration|delete-bucket-policy|put-bucket-policy|put-bucket-acl|put-public-access-block",
        ],
      },
      [
        "aws s3api delete-bucket --bucket b",
        "aws s3api delete-objects --bucket b --delete file://x.json",
        "aws s3api put-bucket-acl --bucket b --acl public-read",
      ],
      ["aws s3api list-buckets", "aws s3api get-bucket-acl --bucket b"],
    ),
    rule(
      "cloud-aws.s3-sync-delete",
      "high",
      "mirrors to a bucket and deletes what is not in the source",
      { program: ["aws"], valued: AWS, sub: ["s3", "sync"], flags: [["--delete"]] },
      ["aws s3 sync . s3://bucket --delete", "aws s3 sync s3://a s3://b --delete"],
      ["aws s3 sync . s3://bucket"],
    ),
    rule(
      "cloud-aws.s3-remove-recursive",
      "high",
      "deletes every object under a prefix or removes a bucket with its contents",
      { program: ["aws"], valued: AWS, sub: ["s3", "rm|rb"], flags: [["--recursive", "--force"]] },
      ["aws s3 rm s3://b --recursive", "aws s3 rb s3://b --force", "aws --profile prod s3 rm s3://b/logs/ --recursive"],
      ["aws s3 rm s3://b/key.txt", "aws s3 ls"],
    ),
    rule(
      "cloud-aws.access-change",
      "high",
      "grants or removes access (IAM policies, keys, security groups opened to everyone)",
      {
        program: ["aws"],
        valued: AWS,
        sub: [
          "iam|ec2|sts|organizations|kms|lambda",
          "attach-.*-policy|put-.*-policy|create-access-key|update-assume-role-policy|authorize-security-group-ingress|delete-access-key|schedule-key-deletion|disable-key|leave-organization|add-permission|create-login-profile|update-login-profile",
        ],
      },
      [
        "aws iam attach-user-policy --user-name x --policy-arn arn:aws:iam::aws:policy/AdministratorAccess",
        "aws iam create-access-key --user-name bob",
        "aws ec2 authorize-security-group-ingress --group-id sg-1 --protocol -1 --cidr 0.0.0.0/0",
        "aws kms schedule-key-deletion --key-id k",
      ],
      ["aws iam list-users", "aws sts get-caller-identity"],
    ),
    rule(
      "cloud-aws.stack-delete",
      "high",
      "deletes a deployed application or stack",
      { program: ["sam", "eb", "copilot", "cdk"], sub: ["delete|terminate|destroy|app|env|svc", ".*"], word: "delete|terminate|destroy" },
      ["sam delete --no-prompts", "eb terminate prod --force", "copilot svc delete --name api --yes"],
      ["sam build", "eb status"],
    ),
  ],
};
