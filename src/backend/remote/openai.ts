import { CmdaiError, ExitCode } from "../../core/errors.ts";
import type { RemoteTarget } from "../../config/remote.ts";
import type { Backend, GenerateRequest, Generation } from "../types.ts";
import { isWholeJson } from "../../response/parse.ts";
import {
  Deadline,
  isHtml,
  notTheApi,
  parseJson,
  preconnect,
  readLines,
  readText,
  retryAfterMs,
  send,
  serverMessage,
  snippet,
  statusError,
} from "./http.ts";

// An OpenAI-compatible server (llama-server, vLLM, Ollama's /v1, LM Studio,
// OpenAI itself): POST {base}/chat/completions, streamed. The answer is asked
// for with the same JSON schema the local backend enforces by grammar; a
// server that refuses `json_schema` is asked for `json_object`, then for plain
// text, which the parser's fallbacks read. Safety runs on the answer in the
// caller's process (generate/generate.ts), as for every backend.

export interface RemoteOptions {
  target: RemoteTarget;
  /** Debug lines (--verbose): the request body, never a credential. */
  debug?: (line: string) => void;
}

const formats = ["json_schema", "json_object", "text"] as const;
type Format = (typeof formats)[number];

/** A failure worth one more attempt (5xx, before or during the stream). */
class Retryable extends Error {
  constructor(readonly error: CmdaiError) {
    super(error.message);
  }
}

export class OpenAIBackend implements Backend {
  loadMs = 0;
  private name?: string;
  /** The first format this server accepted: later requests start there. */
  private format: Format = "json_schema";
  private readonly where: string;

  constructor(private opts: RemoteOptions) {
    this.name = opts.target.model;
    this.where = `the server at ${new URL(opts.target.url).host}`;
    preconnect(opts.target.url);
  }

  get model(): string {
    return this.name ?? "";
  }

  private headers(key: string | undefined, json: boolean): Record<string, string> {
    return {
      accept: json ? "application/json" : "text/event-stream, application/json",
      ...(json ? {} : { "content-type": "application/json" }),
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    };
  }

  /** Removes the key from server text before it is shown (a server may echo it). */
  private redact(text: string, key: string | undefined) {
    return key ? text.split(key).join("***") : text;
  }

  async generate(request: GenerateRequest): Promise<Generation> {
    const deadline = new Deadline(this.opts.target.timeoutMs, request.signal, this.where);
    try {
      const key = this.opts.target.key?.read();
      if (!this.name) {
        const started = performance.now();
        this.name = await this.discover(deadline, key);
        this.loadMs = performance.now() - started;
      }
      return await this.chat(request, deadline, key);
    } catch (e) {
      throw deadline.reason() ?? e;
    } finally {
      deadline.dispose();
    }
  }

  /** The server's models (GET {base}/models). */
  async listModels(deadline: Deadline, key: string | undefined): Promise<string[]> {
    const url = `${this.opts.target.url}/models`;
    this.opts.debug?.(`GET ${url}`);
    const res = await send(url, { method: "GET", headers: this.headers(key, true) }, deadline);
    const text = await readText(res, deadline, this.where);
    if ((res.status === 404 || res.status === 405) && !isHtml(res, text))
      throw new CmdaiError(
        `${this.where} does not list its models (GET ${new URL(url).pathname}: HTTP ${res.status}); name one with CMDAI_MODEL or --model`,
        ExitCode.noModel,
      );
    if (!res.ok) throw this.failure(res.status, text, key, res);
    const data = (parseJson(res, text, this.where) as { data?: unknown })?.data;
    if (!Array.isArray(data)) throw notTheApi(this.where, `answered GET ${new URL(url).pathname} without a "data" list`);
    return data.map((m) => (m as { id?: unknown })?.id).filter((id): id is string => typeof id === "string");
  }

  /** The model to use when none was named: the server's only one. */
  private async discover(deadline: Deadline, key: string | undefined): Promise<string> {
    const names = await this.listModels(deadline, key);
    if (names.length === 1) return names[0]!;
    if (names.length === 0) throw new CmdaiError(`${this.where} lists no models; name one with CMDAI_MODEL or --model`, ExitCode.noModel);
    throw new CmdaiError(`${this.where} has several models: ${names.join(", ")}; choose one with CMDAI_MODEL or --model`, ExitCode.noModel);
  }

  private body(request: GenerateRequest, format: Format): string {
    const responseFormat =
      format === "json_schema"
        ? { response_format: { type: "json_schema", json_schema: { name: "command", schema: request.schema } } }
        : format === "json_object"
          ? { response_format: { type: "json_object" } }
          : {};
    return JSON.stringify({
      model: this.name,
      messages: [
        { role: "system", content: request.prompt.system },
        { role: "user", content: request.prompt.user },
      ],
      stream: true,
      stream_options: { include_usage: true },
      // Greedy: the same request gives the same command.
      temperature: 0,
      max_tokens: request.maxTokens,
      ...responseFormat,
    });
  }

  private async chat(request: GenerateRequest, deadline: Deadline, key: string | undefined): Promise<Generation> {
    const url = `${this.opts.target.url}/chat/completions`;
    let retried5xx = false;
    let retried429 = false;
    for (;;) {
      const body = this.body(request, this.format);
      this.opts.debug?.(`POST ${url} ${body}`);
      const started = performance.now();
      const res = await send(url, { method: "POST", headers: this.headers(key, false), body }, deadline);
      if (!res.ok) {
        const text = this.redact(await readText(res, deadline, this.where), key);
        const message = serverMessage(text);
        if (res.status === 429) {
          const wait = retryAfterMs(res);
          if (!retried429 && wait !== undefined && wait < deadline.remaining() - 1000) {
            retried429 = true;
            this.opts.debug?.(`HTTP 429: waiting ${Math.round(wait)} ms as Retry-After asks`);
            await deadline.sleep(wait);
            continue;
          }
          throw statusError(429, message, this.where, wait);
        }
        if (res.status >= 500 && !retried5xx) {
          retried5xx = true;
          this.opts.debug?.(`HTTP ${res.status} (${message}): trying once more`);
          await deadline.sleep(250);
          continue;
        }
        if (
          (res.status === 400 || res.status === 422) &&
          this.format !== "text" &&
          /response_format|json_schema|json_object|schema|grammar|format/i.test(message)
        ) {
          this.format = formats[formats.indexOf(this.format) + 1]!;
          this.opts.debug?.(`the server refused the answer format (${message}); asking for ${this.format}`);
          continue;
        }
        if (res.status === 404 || (res.status === 400 && /model/i.test(message) && /not (be )?found|does not exist|unknown/i.test(message)))
          throw await this.missing(res.status, message, deadline, key);
        throw this.failure(res.status, text, key, res);
      }
      try {
        return await this.read(res, started, deadline, key);
      } catch (e) {
        if (!(e instanceof Retryable)) throw e;
        if (retried5xx) throw e.error;
        retried5xx = true;
        this.opts.debug?.(`${e.message}: trying once more`);
      }
    }
  }

  /** 404: the model is not on the server (list what is), or the URL is not the API. */
  private async missing(status: number, message: string, deadline: Deadline, key: string | undefined): Promise<CmdaiError> {
    let names: string[] | undefined;
    try {
      names = await this.listModels(deadline, key);
    } catch {}
    if (names && this.name && !names.includes(this.name))
      return new CmdaiError(`no model ${this.name}; ${this.where} has: ${names.join(", ") || "none"}`, ExitCode.noModel);
    const path = new URL(this.opts.target.url).pathname;
    const hint = /\/v1$/.test(path) ? "" : "; OpenAI-compatible servers usually serve it under /v1";
    return new CmdaiError(
      `${this.where} has no chat API at ${path.replace(/\/$/, "")}/chat/completions (HTTP ${status}${message ? `: ${message}` : ""})${hint}`,
      ExitCode.unavailable,
    );
  }

  /** The error for a status that is not retried. */
  private failure(status: number, text: string, key: string | undefined, res: Response): CmdaiError {
    if (isHtml(res, text) && status !== 401 && status !== 403) return notTheApi(this.where, `answered HTTP ${status} with an HTML page`);
    const message = serverMessage(this.redact(text, key));
    if (status === 401 || status === 403) {
      if (key) return new CmdaiError(`the server refused the API key (HTTP ${status}: ${message})`, ExitCode.noPerm);
      const held = this.opts.target.heldBack[0];
      const why = held
        ? `; the key from ${held.source} is only sent to ${held.boundTo}${held.source.startsWith("env") ? " (set OPENAI_BASE_URL with it)" : " (set base_url in the config file with it)"}`
        : "; set OPENAI_API_KEY, or api_key_command in the config file";
      return new CmdaiError(`the server wants an API key (HTTP ${status}: ${message})${why}`, ExitCode.noPerm);
    }
    return statusError(status, message, this.where, retryAfterMs(res));
  }

  /** Reads the streamed answer (or a whole JSON answer, from a server that does not stream). */
  private async read(res: Response, started: number, deadline: Deadline, key: string | undefined): Promise<Generation> {
    const type = res.headers.get("content-type") ?? "";
    if (!/event-stream/i.test(type)) {
      const v = parseJson(res, this.redact(await readText(res, deadline, this.where), key), this.where) as {
        choices?: { message?: { content?: unknown } }[];
        usage?: { prompt_tokens?: number; completion_tokens?: number };
      };
      const content = v?.choices?.[0]?.message?.content;
      if (typeof content !== "string") throw notTheApi(this.where, "answered without choices[0].message.content");
      const done = performance.now();
      return {
        text: content,
        timings: { prompt: done - started, generate: 0 },
        tokens: { prompt: v.usage?.prompt_tokens ?? 0, generated: v.usage?.completion_tokens ?? 0 },
      };
    }
    const structured = this.format !== "text";
    let text = "";
    let chunks = 0;
    let firstToken = 0;
    let finished = false;
    let usage: { prompt_tokens?: number; completion_tokens?: number } | undefined;
    for await (const line of readLines(res, deadline, this.where)) {
      if (!line.startsWith("data:")) continue; // event:, id:, comments, blank separators
      const data = line.slice(5).trim();
      if (data === "[DONE]") {
        finished = true;
        break;
      }
      let event: {
        error?: { code?: unknown; message?: unknown } | string;
        choices?: { delta?: { content?: unknown }; finish_reason?: unknown }[];
        usage?: typeof usage;
      };
      try {
        event = JSON.parse(data);
      } catch {
        throw notTheApi(this.where, `streamed an event that is not JSON (${snippet(data, 60)})`);
      }
      if (event?.error) {
        // llama-server reports a failure after the 200 status as an event.
        const e = event.error;
        const code = typeof e === "object" && Number(e.code) >= 100 ? Number(e.code) : 500;
        const message = this.redact(snippet(typeof e === "string" ? e : String(e.message ?? "")), key);
        const err = statusError(code, message, this.where);
        throw code >= 500 ? new Retryable(err) : err;
      }
      if (event?.usage) usage = event.usage;
      if (!Array.isArray(event?.choices)) throw notTheApi(this.where, "streamed an event without choices");
      const choice = event.choices[0];
      if (!choice) continue; // the usage-only chunk
      const content = choice.delta?.content;
      if (typeof content === "string" && content) {
        firstToken ||= performance.now();
        text += content;
        chunks++;
        // A whole object is the whole answer: stop reading (and the server generating).
        if (structured && content.includes("}") && isWholeJson(text)) {
          finished = true;
          break;
        }
      }
      if (choice.finish_reason) finished = true;
    }
    if (!finished) throw new CmdaiError(`the answer from ${this.where} was cut off`, ExitCode.tempFail);
    const done = performance.now();
    firstToken ||= done;
    return {
      text,
      timings: { prompt: firstToken - started, generate: done - firstToken },
      tokens: { prompt: usage?.prompt_tokens ?? 0, generated: usage?.completion_tokens ?? chunks },
    };
  }

  async dispose() {}
}
