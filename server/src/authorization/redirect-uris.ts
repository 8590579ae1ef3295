// Which redirect URIs a client may register, and when a requested one matches a registered one.
// https anywhere, or http to a loopback address for desktop clients (RFC 8252 §7.3), whose port may
// differ from the registered one since a desktop app takes whatever port is free.
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "[::1]", "localhost"]);

function parse(uri: string): URL | undefined {
  try {
    return new URL(uri);
  } catch {
    return undefined;
  }
}

const isLoopbackHttp = (url: URL) => url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname);

/** Why this URI cannot be a redirect URI, or undefined when it can. */
export function redirectUriProblem(uri: string): string | undefined {
  const url = parse(uri);
  if (url === undefined) return `${JSON.stringify(uri.slice(0, 200))} is not an absolute URL`;
  if (url.hash !== "") return `${url.origin}${url.pathname} has a fragment, which a redirect URI must not have`;
  if (url.username !== "" || url.password !== "") return `${url.origin} carries credentials`;
  if (url.protocol === "https:" || isLoopbackHttp(url)) return undefined;
  return `${url.protocol}//${url.host} is neither https nor http to a loopback address (127.0.0.1, [::1], localhost)`;
}

/** Exact match, except that a loopback http URI may use any port. */
export function redirectUriMatches(registered: string, requested: string): boolean {
  if (registered === requested) return true;
  const a = parse(registered);
  const b = parse(requested);
  if (a === undefined || b === undefined || !isLoopbackHttp(a) || !isLoopbackHttp(b)) return false;
  a.port = "";
  b.port = "";
  return a.href === b.href;
}
