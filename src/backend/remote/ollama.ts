import { CmdaiError, ExitCode } from "../../core/errors.ts";
import type { Backend, GenerateRequest, Generation } from "../types.ts";
import {
  Deadline,
  isHtml,
  notTheApi,
  parseJson,
  preconnect,
  readLines,
  readText,
  send,
  serverMessage,
  snippet,
  statusError,
} from "./http.ts";
import type { RemoteOptions } from "./openai.ts";

// Ollama's native API: POST {OLLAMA_HOST}/api/chat with `format` set to the
// JSON schema (Ollama enforces it by grammar), streamed as JSON lines, and
// `keep_alive` passed through from CMDAI_KEEP_ALIVE when the user set it.
// Ollama has many models and loads them on demand, so the model must be named.

const formatsInOrder = ["schema", "json", "none"] as const;
type Format = (typeof formatsInOrder)[number];

export class OllamaBackend implements Backend {
  loadMs = 0;
  private format: Format = "schema";
  private readonly where: string;

  constructor(private opts: RemoteOptions) {
    this.where = `the Ollama server at ${new URL(opts.target.url).host}`;
    preconnect(opts.target.url);
  }

  get model(): string {
    return this.opts.target.model ?? "";
  }

  async generate(request: GenerateRequest): Promise<Generation> {
    const deadline = new Deadline(this.opts.target.timeoutMs, request.signal, this.where);
    try {
      if (!this.opts.target.model) {
        const names = await this.tags(deadline);
        throw new CmdaiError(
          names.length
            ? `no model given: name one of ${this.where}'s models with CMDAI_MODEL or --model: ${names.join(", ")}`
            : `no model given, and ${this.where} has none: run ollama pull <model>, then set CMDAI_MODEL`,
          ExitCode.noModel,
        );
      }
      return await this.chat(request, deadline);
    } catch (e) {
      throw deadline.reason() ?? e;
    } finally {
      deadline.dispose();
    }
  }

  /** The server's models (GET /api/tags). */
  async tags(deadline: Deadline): Promise<string[]> {
    const url = `${this.opts.target.url}/api/tags`;
    this.opts.debug?.(`GET ${url}`);
    const res = await send(url, { method: "GET", headers: { accept: "application/json" } }, deadline);
    const text = await readText(res, deadline, this.where);
    if (!res.ok) throw this.failure(res, text);
    const models = (parseJson(res, text, this.where) as { models?: unknown })?.models;
    if (!Array.isArray(models)) throw notTheApi(this.where, 'answered GET /api/tags without a "models" list');
    return models.map((m) => (m as { name?: unknown })?.name).filter((n): n is string => typeof n === "string");
  }

  private failure(res: Response, text: string): CmdaiError {
    if (isHtml(res, text)) return notTheApi(this.where, `answered HTTP ${res.status} with an HTML page`);
    return statusError(res.status, serverMessage(text), this.where);
  }

  private async chat(request: GenerateRequest, deadline: Deadline): Promise<Generation> {
    const url = `${this.opts.target.url}/api/chat`;
    let retried = false;
    for (;;) {
      const body = JSON.stringify({
        model: this.opts.target.model,
        messages: [
          { role: "system", content: request.prompt.system },
          { role: "user", content: request.prompt.user },
        ],
        stream: true,
        ...(this.format === "schema" ? { format: request.schema } : this.format === "json" ? { format: "json" } : {}),
        options: { temperature: 0, num_predict: request.maxTokens },
        ...(this.opts.target.keepAlive !== undefined ? { keep_alive: this.opts.target.keepAlive } : {}),
      });
      this.opts.debug?.(`POST ${url} ${body}`);
      const started = performance.now();
      const res = await send(url, { method: "POST", headers: { "content-type": "application/json" }, body }, deadline);
      if (!res.ok) {
        const text = await readText(res, deadline, this.where);
        const message = serverMessage(text);
        if (res.status >= 500 && !retried) {
          retried = true;
          this.opts.debug?.(`HTTP ${res.status} (${message}): trying once more`);
          await deadline.sleep(250);
          continue;
        }
        if (res.status === 400 && this.format !== "none" && /format|schema|json/i.test(message)) {
          this.format = formatsInOrder[formatsInOrder.indexOf(this.format) + 1]!;
          this.opts.debug?.(`the server refused the answer format (${message}); asking for ${this.format}`);
          continue;
        }
        if (res.status === 404 && /model/i.test(message)) {
          let names: string[] | undefined;
          try {
            names = await this.tags(deadline);
          } catch {}
          if (names)
            throw new CmdaiError(`no model ${this.opts.target.model}; ${this.where} has: ${names.join(", ") || "none"}`, ExitCode.noModel);
        }
        if (res.status === 404) throw notTheApi(this.where, `has no /api/chat (HTTP 404${message ? `: ${message}` : ""})`);
        throw this.failure(res, text);
      }
      return await this.read(res, started, deadline);
    }
  }

  private async read(res: Response, started: number, deadline: Deadline): Promise<Generation> {
    let text = "";
    let chunks = 0;
    let firstToken = 0;
    let last: { prompt_eval_count?: number; eval_count?: number } | undefined;
    let isJson = false;
    for await (const line of readLines(res, deadline, this.where)) {
      if (!line.trim()) continue;
      let event: { error?: unknown; done?: unknown; message?: { content?: unknown }; prompt_eval_count?: number; eval_count?: number };
      try {
        event = JSON.parse(line);
      } catch {
        throw isJson || !/^\s*</.test(line)
          ? notTheApi(this.where, `streamed a line that is not JSON (${snippet(line, 60)})`)
          : notTheApi(this.where, "answered with an HTML page");
      }
      isJson = true;
      if (event?.error !== undefined) throw statusError(500, snippet(String(event.error)), this.where);
      const content = event?.message?.content;
      if (typeof content !== "string") throw notTheApi(this.where, "streamed a line without message.content");
      if (content) {
        firstToken ||= performance.now();
        text += content;
        chunks++;
      }
      if (event.done === true) {
        last = event;
        break;
      }
    }
    if (!last) throw new CmdaiError(`the answer from ${this.where} was cut off`, ExitCode.tempFail);
    const done = performance.now();
    firstToken ||= done;
    return {
      text,
      timings: { prompt: firstToken - started, generate: done - firstToken },
      tokens: { prompt: last.prompt_eval_count ?? 0, generated: last.eval_count ?? chunks },
    };
  }

  async dispose() {}
}
