// DNS-rebinding protection, as the MCP transport asks of servers: the Host header must name this
// server, and a browser's Origin (when sent) must be one the operator allowed.
export interface OriginPolicy {
  allowedHosts: readonly string[];
  allowedOrigins: readonly string[];
}

const LOOPBACK_HOSTS = ["localhost", "127.0.0.1", "[::1]"];

export function defaultOriginPolicy(
  extraHosts: readonly string[] = [],
  extraOrigins: readonly string[] = [],
): OriginPolicy {
  return { allowedHosts: [...LOOPBACK_HOSTS, ...extraHosts], allowedOrigins: extraOrigins };
}

function hostName(host: string): string {
  return host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : (host.split(":")[0] ?? host);
}

export function checkOrigin(
  policy: OriginPolicy,
  host: string | undefined,
  origin: string | undefined,
): string | undefined {
  if (host === undefined || !policy.allowedHosts.includes(hostName(host).toLowerCase()))
    return `Host ${String(host)} is not allowed.`;
  if (origin === undefined) return undefined;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return `Origin ${origin} is not allowed.`;
  }
  if (policy.allowedOrigins.includes(origin) || LOOPBACK_HOSTS.includes(hostName(originHost).toLowerCase()))
    return undefined;
  return `Origin ${origin} is not allowed.`;
}
