import { describe, expect, it } from "vitest";
import { parseRedisUrl, redactRedisUrl } from "./redis-url.js";

describe("REDIS_URL", () => {
  it("redis:// and rediss:// name one standalone server, passed to ioredis as written", () => {
    expect(parseRedisUrl("redis://127.0.0.1:6379")).toEqual({ kind: "standalone", url: "redis://127.0.0.1:6379" });
    expect(parseRedisUrl(" rediss://user:pw@cache.example.test:6380/2 ")).toEqual({
      kind: "standalone",
      url: "rediss://user:pw@cache.example.test:6380/2",
    });
  });

  it("redis+cluster:// lists the seed nodes of a Redis Cluster", () => {
    expect(parseRedisUrl("redis+cluster://127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103")).toEqual({
      kind: "cluster",
      nodes: [
        { host: "127.0.0.1", port: 7101 },
        { host: "127.0.0.1", port: 7102 },
        { host: "127.0.0.1", port: 7103 },
      ],
      tls: false,
    });
  });

  it("a cluster URL may carry credentials, TLS, IPv6 hosts and default ports", () => {
    expect(parseRedisUrl("rediss+cluster://app:p%40ss@[::1]:7000,node-2.example.test")).toEqual({
      kind: "cluster",
      nodes: [
        { host: "::1", port: 7000 },
        { host: "node-2.example.test", port: 6379 },
      ],
      username: "app",
      password: "p@ss",
      tls: true,
    });
    expect(parseRedisUrl("redis+cluster://:secret@127.0.0.1:7101")).toMatchObject({ password: "secret" });
  });

  it("refuses what it cannot read instead of connecting somewhere unexpected", () => {
    expect(() => parseRedisUrl("127.0.0.1:6379")).toThrow(/must start with/);
    expect(() => parseRedisUrl("redis://a:1,b:2")).toThrow(/redis\+cluster/);
    expect(() => parseRedisUrl("redis+cluster://a:1,,b:2")).toThrow(/not host:port/);
    expect(() => parseRedisUrl("redis+cluster://a:99999")).toThrow(/out of range/);
  });

  it("hides the password when it names the URL", () => {
    expect(redactRedisUrl("redis://user:hunter2@host:6379")).toBe("redis://user:***@host:6379");
    expect(redactRedisUrl("redis+cluster://:hunter2@a:1,b:2")).toBe("redis+cluster://:***@a:1,b:2");
  });
});
