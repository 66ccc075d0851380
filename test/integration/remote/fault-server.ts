// A small HTTP server for the remote backends' tests: it answers each request
// with whatever the test's handler returns, and records what it was sent
// (method, path, headers, body), so a test can check both sides. It does what
// a real server will not do on demand: HTML pages, slow or cut answers, 429,
// 500, oversized bodies, Ollama's API shapes.

export interface Seen {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  json: any;
}

export interface FaultServer {
  url: string;
  seen: Seen[];
  stop(): void;
}

export function faultServer(
  handler: (seen: Seen, n: number) => Response | Promise<Response>,
  tls?: { key: string; cert: string },
): FaultServer {
  const seen: Seen[] = [];
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    idleTimeout: 0,
    ...(tls ? { tls } : {}),
    async fetch(req) {
      const body = await req.text();
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {}
      const s: Seen = { method: req.method, path: new URL(req.url).pathname, headers: Object.fromEntries(req.headers), body, json };
      seen.push(s);
      return handler(s, seen.length);
    },
  });
  return { url: `${tls ? "https" : "http"}://127.0.0.1:${server.port}`, seen, stop: () => server.stop(true) };
}

/** An OpenAI streaming chunk carrying `content`. */
export const chunk = (content: string, finish: string | null = null) => ({
  id: "c1",
  object: "chat.completion.chunk",
  choices: [{ index: 0, delta: { content }, finish_reason: finish }],
});

/** A server-sent-events response of these events (objects are JSON-encoded), optionally without [DONE]. */
export function sse(events: (object | string)[], opts: { done?: boolean; status?: number } = {}): Response {
  const lines = events.map((e) => `data: ${typeof e === "string" ? e : JSON.stringify(e)}\n\n`);
  if (opts.done !== false) lines.push("data: [DONE]\n\n");
  return new Response(lines.join(""), { status: opts.status ?? 200, headers: { "content-type": "text/event-stream" } });
}

/** The usual streamed answer: `{"cmd": "<cmd>"}` in a few chunks, a finish reason, usage, [DONE]. */
export const answer = (cmd: string) =>
  sse([
    chunk('{"cmd": "'),
    chunk(cmd.replace(/["\\]/g, (c) => `\\${c}`)),
    chunk('"}'),
    { ...chunk("", "stop"), choices: [{ index: 0, delta: {}, finish_reason: "stop" }] },
    { id: "c1", object: "chat.completion.chunk", choices: [], usage: { prompt_tokens: 40, completion_tokens: 6 } },
  ]);

export const json = (value: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json", ...headers } });

export const models = (...ids: string[]) => json({ object: "list", data: ids.map((id) => ({ id, object: "model" })) });

/** OpenAI's error body. */
export const apiError = (status: number, message: string, type = "invalid_request_error", headers: Record<string, string> = {}) =>
  json({ error: { message, type, code: status } }, status, headers);
