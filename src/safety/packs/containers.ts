// Containers beyond rules/dev.ts: stopping everything, podman's reset, swarm.
import { rule } from "./rule.ts";
import type { Pack } from "./types.ts";

const ENGINES = ["docker", "podman", "nerdctl"];
const GLOBAL = ["-H", "--host", "--context", "-c", "--config", "-l", "--log-level", "--connection", "--url"];

export const containers: Pack = {
  name: "containers",
  description: "Docker, Podman and compatible engines: containers, images, volumes",
  rules: [
    rule(
      "containers.stop-all",
      "high",
      "stops or kills every running container",
      { program: ENGINES, valued: GLOBAL, sub: ["stop|kill|pause"], word: "-a|--all|\\uE000|\\uE003" },
      ["docker stop $(docker ps -q)", "docker kill $(docker ps -aq)", "podman stop -a", "podman kill --all"],
      ["docker stop web", "docker ps -q"],
    ),
    rule(
      "containers.reset",
      "high",
      "resets the engine: every container, image, volume and network is deleted",
      { program: ["podman", "docker", "colima", "minikube"], valued: GLOBAL, sub: ["system|delete|reset"], word: "reset|delete|--all" },
      ["podman system reset -f", "podman system reset", "minikube delete --all", "colima delete"],
      ["podman system df", "minikube status"],
    ),
    rule(
      "containers.remove-all-force",
      "high",
      "force-removes every container or image",
      {
        program: ENGINES,
        valued: GLOBAL,
        sub: ["rm|rmi|container|image|volume|pod"],
        flags: [["-a", "--all"]],
        word: "rm|rmi|remove|-af|-fa|--force|-f",
      },
      ["podman rm -af", "podman rmi -a -f", "podman pod rm --all --force", "docker container rm -f -a"],
      ["podman rm web", "podman ps -a", "docker image prune -a"],
    ),
    rule(
      "containers.swarm-leave",
      "high",
      "takes the node out of the swarm or removes services",
      { program: ["docker"], valued: GLOBAL, sub: ["swarm|service|stack|node|secret|config", "leave|rm|remove|down|demote"] },
      ["docker swarm leave --force", "docker stack rm prod", "docker service rm web", "docker node rm -f n2"],
      ["docker service ls", "docker stack ps prod"],
    ),
  ],
};
