// Other clouds and schedulers: the same destructive verbs under other names.
import { rule } from "./rule.ts";
import type { Pack } from "./types.ts";

export const cloudOther: Pack = {
  name: "cloud-other",
  description: "other cloud CLIs: Hetzner, Linode, Scaleway, Exoscale, OpenStack, OCI, IBM, Alibaba, Vultr, Civo, Nomad",
  rules: [
    rule(
      "cloud-other.delete",
      "high",
      "deletes, terminates or purges cloud resources",
      {
        program: [
          "hcloud",
          "linode-cli",
          "scw",
          "exo",
          "openstack",
          "oci",
          "ibmcloud",
          "ic",
          "aliyun",
          "tccli",
          "vultr-cli",
          "civo",
          "upctl",
          "ovhcloud",
          "metal",
          "triton",
          "nomad",
          "exoscale",
        ],
        word: "delete|destroy|terminate|purge|remove|rm|-purge|[a-z-]*-delete|Delete[A-Za-z]+|Terminate[A-Za-z]+|Release[A-Za-z]+",
      },
      [
        "hcloud server delete web-1",
        "linode-cli linodes delete 123",
        "openstack server delete web",
        "oci compute instance terminate --instance-id x --force",
        "ibmcloud resource service-instance-delete db -f",
        "nomad job stop -purge web",
        "aliyun ecs DeleteInstance --InstanceId i-1",
        "scw instance server delete 11111111",
      ],
      ["hcloud server list", "openstack server show web", "oci compute instance list", "nomad job status"],
    ),
  ],
};
