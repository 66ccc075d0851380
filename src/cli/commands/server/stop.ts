// `cmdai server stop`: stop the resident server and return once it is gone.
import { commonArgs, leaf, out, outJson } from "../leaf.ts";

export default leaf({
  parent: "server",
  name: "stop",
  description: "Stop the server (it finishes requests under way); returns once it is gone",
  args: { ...commonArgs },
  async run({ args }) {
    const [{ stopServer }, { socketPath }] = await Promise.all([import("../../../server/client.ts"), import("../../../server/paths.ts")]);
    const socket = socketPath();
    const stopped = await stopServer(socket);
    if (args.json) outJson({ stopped: Boolean(stopped), pid: stopped?.pid ?? null, socket });
    else out(stopped ? `stopped (pid ${stopped.pid})` : "not running");
    return 0;
  },
});
