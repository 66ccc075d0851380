// A static file server on 127.0.0.1 for the installer tests: serves folders
// by URL prefix (/<prefix>/<file>, where a prefix may hold slashes, as in
// gh/latest/download), logs requests, answers 404 for the rest.
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";

export interface StaticServer {
  url(prefix: string): string;
  requests: string[];
  stop(): void;
}

export function serveFolders(folders: Record<string, string>, extra?: (req: Request) => Response | undefined): StaticServer {
  const requests: string[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      const path = decodeURIComponent(new URL(req.url).pathname);
      requests.push(path);
      const custom = extra?.(req);
      if (custom) return custom;
      const m = /^\/(.+)\/([^/]+)$/.exec(path);
      const dir = m && folders[m[1]!];
      if (!dir || m[2]!.startsWith(".")) return new Response("not found\n", { status: 404 });
      const file = join(dir, m[2]!);
      if (!existsSync(file) || !statSync(file).isFile()) return new Response("not found\n", { status: 404 });
      return new Response(Bun.file(file));
    },
  });
  return {
    url: (prefix) => `http://127.0.0.1:${server.port}/${prefix}`,
    requests,
    stop: () => server.stop(true),
  };
}
