// Google Cloud: gsutil and gcloud storage, which rules/dev.ts does not read.
import { rule } from "./rule.ts";
import type { Pack } from "./types.ts";

const GSUTIL = ["-o", "-h", "-p", "-u"];

export const cloudGcp: Pack = {
  name: "cloud-gcp",
  description: "Google Cloud: gsutil, gcloud storage, firebase",
  rules: [
    rule(
      "cloud-gcp.project-delete",
      "critical",
      "deletes a whole Google Cloud project: every resource and all data in it",
      {
        program: ["gcloud"],
        valued: ["--project", "--format", "--account", "--configuration", "--verbosity"],
        sub: ["alpha|beta|projects", "projects|delete", ".*"],
        word: "delete",
      },
      ["gcloud projects delete acme-prod --quiet", "gcloud projects delete my-proj", "gcloud beta projects delete p-1 -q"],
      ["gcloud projects list", "gcloud projects describe acme-prod", "gcloud projects delete --help"],
      "gcloud projects describe PROJECT, and delete it from the console with its name typed in",
    ),
    rule(
      "cloud-gcp.gsutil-delete",
      "high",
      "deletes objects recursively, a bucket, or every object version",
      {
        program: ["gsutil"],
        valued: GSUTIL,
        sub: ["rm|rb|rsync"],
        word: "-r|-R|-a|-d|-rf|-fr|-ra|-ar|-rd|-dr|gs://[^/]+/?|gs://.*\\*\\*.*|gs://[^/]+/\\*|rb",
      },
      [
        "gsutil rm -r gs://bucket",
        "gsutil -m rm -r gs://b/dir",
        "gsutil rb gs://bucket",
        "gsutil rm -a gs://b/**",
        "gsutil rsync -d -r . gs://b",
        "gsutil rm 'gs://b/**'",
      ],
      ["gsutil ls gs://b", "gsutil cp a gs://b/a"],
    ),
    rule(
      "cloud-gcp.storage-delete",
      "high",
      "deletes objects recursively or a whole bucket",
      {
        program: ["gcloud"],
        valued: ["--project", "--format", "--account", "--configuration"],
        sub: ["storage|alpha|beta", "rm|buckets|storage|rsync"],
        word: "-r|--recursive|delete|--all-versions|-a|--delete-unmatched-destination-objects",
      },
      [
        "gcloud storage rm -r gs://b",
        "gcloud storage buckets delete gs://b",
        "gcloud storage rm --recursive gs://b/x",
        "gcloud storage rsync . gs://b --delete-unmatched-destination-objects -r",
      ],
      ["gcloud storage ls gs://b", "gcloud storage cp a gs://b"],
    ),
    rule(
      "cloud-gcp.firebase-project-delete",
      "critical",
      "deletes a whole Firebase project with its data",
      { program: ["firebase"], sub: ["projects:delete"] },
      ["firebase projects:delete acme-prod --force"],
      ["firebase projects:list"],
    ),
    rule(
      "cloud-gcp.firebase-delete",
      "high",
      "deletes Firebase data, functions or a hosting site",
      {
        program: ["firebase"],
        sub: ["database:remove|firestore:delete|functions:delete|hosting:disable|projects:delete|apps:delete|auth:import"],
      },
      ["firebase database:remove / --force", "firebase firestore:delete --all-collections -f", "firebase functions:delete api"],
      ["firebase projects:list"],
    ),
    rule(
      "cloud-gcp.object-delete",
      "moderate",
      "deletes objects from a bucket",
      { program: ["gsutil", "gcloud"], valued: GSUTIL, sub: ["rm|storage|alpha|beta"], word: "rm", operand: "gs://.*" },
      ["gsutil rm gs://bucket/file", "gcloud storage rm gs://bucket/file"],
      ["gsutil ls gs://bucket", "gcloud storage cp a gs://b/a"],
    ),
    rule(
      "cloud-gcp.open-to-world",
      "high",
      "opens a firewall or bucket to the whole internet",
      {
        program: ["gcloud", "gsutil"],
        word: "--source-ranges=0\\.0\\.0\\.0/0|0\\.0\\.0\\.0/0|allUsers(:.*)?|allAuthenticatedUsers(:.*)?|--member=allUsers|--member=allAuthenticatedUsers",
      },
      [
        "gcloud compute firewall-rules create allow-all --allow=all --source-ranges=0.0.0.0/0",
        "gsutil iam ch allUsers:objectViewer gs://b",
        "gcloud storage buckets add-iam-policy-binding gs://b --member=allUsers --role=roles/storage.objectViewer",
      ],
      ["gcloud compute firewall-rules list", "gsutil iam get gs://b"],
    ),
  ],
};
