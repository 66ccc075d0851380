// Containers beyond rules/dev.ts: stopping everything, podman's reset, swarm.
import { rule } from "./rule.ts";
import type { Pack } from "./types.ts";

const ENGINES = ["docker", "podman", "nerdctl"];
/** `docker run` options that take a value, so the image and its command can be told apart. */
const RUN_VALUED = [
  ...["-v", "--volume", "--mount", "-e", "--env", "--env-file", "-p", "--publish", "--name", "-w", "--workdir", "--entrypoint"],
  ...["-u", "--user", "--network", "--net", "-h", "--hostname", "-l", "--label", "--cpus", "-m", "--memory", "--restart"],
  ...["--device", "--cap-add", "--cap-drop", "--security-opt", "--platform", "--add-host", "--pid", "--ipc", "--userns"],
];
const GLOBAL = ["-H", "--host", "--context", "-c", "--config", "-l", "--log-level", "--connection", "--url"];

export const containers: Pack = {
  name: "containers",
  description: "Docker, Podman and compatible engines: containers, images, volumes",
  rules: [
    rule(
      "containers.host-root-takeover",
      "critical",
      "runs a container with the host's whole file system or process space and the power to change it: root on the host",
      {
        program: ENGINES,
        valued: RUN_VALUED,
        sub: ["run|create|container", "run|create|.*"],
        option: { names: ["-v", "--volume", "--mount"], value: "(type=bind,)?(source|src)?=?/(:.*|,.*)" },
        word: "--privileged(=true)?|chroot|nsenter|--cap-add=(ALL|SYS_ADMIN)",
      },
      [
        "docker run --rm -it --privileged -v /:/host alpine chroot /host",
        "docker run -v /:/mnt -it ubuntu chroot /mnt bash",
        "podman run --privileged -v /:/hostfs:rw fedora",
        "docker run --mount type=bind,source=/,target=/host --privileged alpine sh",
      ],
      [
        "docker run --rm -v $PWD:/app -w /app node:20 npm test",
        "docker run --privileged -v /dev:/dev img",
        "docker run -v /:/host:ro alpine ls /host",
        "docker ps -a",
      ],
    ),
    rule(
      "containers.host-pid-takeover",
      "critical",
      "runs a privileged container in the host's process space: nsenter gives a root shell on the host",
      {
        program: ENGINES,
        valued: RUN_VALUED,
        sub: ["run|create|container"],
        flags: [["--privileged"], ["--pid=host"]],
      },
      ["sudo docker run --privileged --pid=host -it alpine nsenter -t 1 -m -u -n -i sh", "podman run --pid=host --privileged fedora"],
      ["docker run --pid=host alpine ps", "docker run --privileged img"],
    ),
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
