// Azure: purges, which cannot be undone even from soft delete, and azcopy.
import { rule } from "./rule.ts";
import type { Pack } from "./types.ts";

export const cloudAzure: Pack = {
  name: "cloud-azure",
  description: "Microsoft Azure: az CLI, azcopy",
  rules: [
    rule(
      "cloud-azure.group-delete",
      "critical",
      "deletes a whole resource group (or subscription, management group): every resource in it",
      {
        program: ["az"],
        valued: ["--subscription", "--output", "-o", "--query"],
        sub: ["group|account", "delete|management-group", ".*"],
        word: "delete",
        unless: ["--help", "-h"],
      },
      ["az group delete --name prod-rg --yes --no-wait", "az group delete -n rg", "az account management-group delete --name mg1"],
      ["az group list", "az group show -n rg", "az group delete --help", "az group lock delete -g rg -n lock1"],
    ),
    rule(
      "cloud-azure.purge",
      "high",
      "purges soft-deleted data for good (no recovery)",
      { program: ["az"], word: "purge" },
      ["az keyvault secret purge --vault-name v -n s", "az keyvault purge --name v", "az keyvault key purge --vault-name v -n k"],
      ["az keyvault secret list --vault-name v"],
    ),
    rule(
      "cloud-azure.delete",
      "high",
      "deletes Azure resources",
      { program: ["az"], word: "delete|delete-batch|remove", unless: ["--help", "-h"] },
      [
        "az group delete --name rg --yes",
        "az vm delete -g rg -n vm",
        "az storage blob delete-batch -s c --account-name a",
        "az storage account delete -n acct",
      ],
      ["az group list", "az group delete --help"],
    ),
    rule(
      "cloud-azure.azcopy-sync-delete",
      "high",
      "mirrors into storage and deletes what the source lacks",
      { program: ["azcopy"], sub: ["sync"], option: { names: ["--delete-destination"], value: "true|True|prompt" } },
      ["azcopy sync ./local https://a.blob.core.windows.net/c --delete-destination true"],
      [
        "azcopy sync ./local https://a.blob.core.windows.net/c --delete-destination false",
        "azcopy sync ./local https://a.blob.core.windows.net/c",
      ],
    ),
    rule(
      "cloud-azure.azcopy-remove",
      "high",
      "deletes blobs or files, or mirrors and deletes what is not in the source",
      { program: ["azcopy"], sub: ["rm|remove|sync"], word: "--recursive|--recursive=true|--delete-destination=true|rm|remove" },
      [
        "azcopy rm 'https://a.blob.core.windows.net/c' --recursive",
        "azcopy sync . 'https://a.blob.core.windows.net/c' --delete-destination=true",
      ],
      ["azcopy list 'https://a.blob.core.windows.net/c'"],
    ),
  ],
};
