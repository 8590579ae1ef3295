// What REDIS_URL may say. Two forms:
//
//   redis://[user:password@]host:port[/db]        one standalone server (rediss:// for TLS)
//   redis+cluster://[user:password@]host:port,host:port,...
//                                                 Redis Cluster, given one or more seed nodes
//                                                 (rediss+cluster:// for TLS); the client finds
//                                                 the other nodes from the seeds
//
// The cluster form has its own scheme rather than being "a list of redis:// URLs" so that a cluster
// reached through a single seed cannot be mistaken for a standalone server.
export type RedisTarget =
  | { kind: "standalone"; url: string }
  | { kind: "cluster"; nodes: { host: string; port: number }[]; username?: string; password?: string; tls: boolean };

const DEFAULT_PORT = 6379;

export function parseRedisUrl(text: string): RedisTarget {
  const url = text.trim();
  const scheme = /^([a-z+]+):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === "redis" || scheme === "rediss") {
    if (url.includes(","))
      throw new Error(`REDIS_URL: several hosts need the redis+cluster:// form (${redactRedisUrl(url)})`);
    new URL(url); // rejects what ioredis would misread rather than connect somewhere unexpected
    return { kind: "standalone", url };
  }
  if (scheme === "redis+cluster" || scheme === "rediss+cluster")
    return parseClusterUrl(url, scheme === "rediss+cluster");
  throw new Error(
    `REDIS_URL must start with redis://, rediss://, redis+cluster:// or rediss+cluster:// (${redactRedisUrl(url)})`,
  );
}

function parseClusterUrl(url: string, tls: boolean): RedisTarget {
  let rest = url.slice(url.indexOf("://") + 3).replace(/\/+$/, "");
  let username: string | undefined;
  let password: string | undefined;
  const at = rest.lastIndexOf("@");
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    rest = rest.slice(at + 1);
    const colon = userinfo.indexOf(":");
    const user = decodeURIComponent(colon >= 0 ? userinfo.slice(0, colon) : userinfo);
    if (colon >= 0) password = decodeURIComponent(userinfo.slice(colon + 1));
    if (user !== "") username = user;
  }
  const nodes = rest.split(",").map((hostPort) => parseHostPort(hostPort.trim(), url));
  return {
    kind: "cluster",
    nodes,
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
    tls,
  };
}

function parseHostPort(hostPort: string, url: string): { host: string; port: number } {
  const match = /^(\[[^\]]+\]|[^:[\]/]+)(?::(\d+))?$/.exec(hostPort);
  const host = match?.[1];
  if (host === undefined) throw new Error(`REDIS_URL: "${hostPort}" is not host:port (${redactRedisUrl(url)})`);
  const port = match?.[2] === undefined ? DEFAULT_PORT : Number(match[2]);
  if (!(port > 0 && port < 65536)) throw new Error(`REDIS_URL: port ${port} is out of range (${redactRedisUrl(url)})`);
  return { host: host.replace(/^\[|\]$/g, ""), port };
}

/** The URL with its password hidden, for error messages and logs. */
export function redactRedisUrl(url: string): string {
  return url.replace(/\/\/([^@/]*):([^@/]*)@/, "//$1:***@");
}
