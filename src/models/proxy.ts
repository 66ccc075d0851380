// Proxy selection with the usual variables: HTTPS_PROXY / HTTP_PROXY (either
// case), ALL_PROXY as a fallback, NO_PROXY exclusions. Loopback never uses a
// proxy, so local mirrors and the tests work behind a corporate proxy.

type Env = Record<string, string | undefined>;

const get = (env: Env, name: string) => env[name.toLowerCase()] || env[name.toUpperCase()] || undefined;

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h.endsWith(".localhost") || h === "::1" || /^127\./.test(h);
}

function excluded(url: URL, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === "*") return true;
    const [name, entryPort] = entry.startsWith("[")
      ? [entry.slice(1, entry.indexOf("]")), entry.split("]:")[1]]
      : (entry.split(":") as [string, string | undefined]);
    if (entryPort && entryPort !== port) continue;
    const bare = name.replace(/^\*?\./, "");
    if (host === bare || host.endsWith("." + bare)) return true;
  }
  return false;
}

/** The proxy URL to use for `target`, or undefined for a direct connection. */
export function proxyFor(target: string, env: Env = process.env): string | undefined {
  const url = new URL(target);
  if (isLoopback(url.hostname)) return undefined;
  if (excluded(url, get(env, "no_proxy"))) return undefined;
  const proxy = (url.protocol === "https:" ? get(env, "https_proxy") : get(env, "http_proxy")) ?? get(env, "all_proxy");
  if (!proxy) return undefined;
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`;
}
