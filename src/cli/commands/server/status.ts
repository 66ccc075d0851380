// `cmdai server status`: whether the resident server runs, its models, memory and requests.
import { commonArgs, leaf, out, outJson } from "../leaf.ts";

export default leaf({
  parent: "server",
  name: "status",
  description: "Show whether the server runs, its models, memory and requests",
  args: { ...commonArgs },
  async run({ args }) {
    const [{ probeSocket }, { socketPath }, { build }, { formatBytes, formatDuration }, { formatKeepAlive }] = await Promise.all([
      import("../../../server/client.ts"),
      import("../../../server/paths.ts"),
      import("../../../server/protocol.ts"),
      import("../../../models/format.ts"),
      import("../../../config/config.ts"),
    ]);
    const socket = socketPath();
    const probe = await probeSocket(socket, 2000);
    if (probe.kind !== "status") {
      const note = probe.kind === "busy" ? probe.why : undefined;
      if (args.json) outJson({ running: false, pid: null, socket, version: build, models: [], ...(note ? { note } : {}) });
      else out(`not running (socket ${socket}${note ? `: ${note}` : ""})`);
      return 0;
    }
    const s = probe.status;
    if (args.json) {
      const { build: version, ...rest } = s;
      outJson({ ...rest, version, client_version: build });
      return 0;
    }
    const lines = [
      `running     pid ${s.pid}, cmdai ${s.build}${s.build === build ? "" : ` (this client is ${build}: the next request replaces it)`}`,
      `socket      ${s.socket}`,
      `uptime      ${formatDuration(s.uptime_s)}, ${s.requests} request${s.requests === 1 ? "" : "s"} served, ${s.active} under way`,
      `memory      ${formatBytes(s.rss_bytes)}`,
      `keep-alive  ${formatKeepAlive(s.keep_alive_ms)}`,
    ];
    if (s.models.length === 0) lines.push("models      none loaded");
    for (const m of s.models)
      lines.push(
        `model       ${m.name}  ${m.active > 0 ? "busy" : `idle ${formatDuration(m.idle_s)}`}, ${m.requests} request${m.requests === 1 ? "" : "s"}, loaded in ${(m.load_ms / 1000).toFixed(1)} s  (${m.path})`,
      );
    out(lines.join("\n"));
    return 0;
  },
});
