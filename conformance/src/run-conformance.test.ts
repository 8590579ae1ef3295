// runConformance, the runner as a library: the same checks as the CLI, from an options object, resolving
// with the report the CLI prints and writes. A configuration it cannot run with rejects with ConfigError,
// naming the option at fault; an unreachable server rejects with ServerUnreachable.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApiKey, startTestServer, type TestServer } from "@mcpemails/server/testing";
import {
  ConfigError,
  countOutcomes,
  jsonReport,
  runConformance,
  ServerUnreachable,
  verdictLine,
  type CheckResult,
  type RunConformanceOptions,
} from "./index.js";

// The runner would wait out 100 calls a minute; the tests have no minute to spare.
const UNLIMITED = [
  { name: "minute", seconds: 60, limit: 1_000_000 },
  { name: "hour", seconds: 3600, limit: 1_000_000 },
  { name: "day", seconds: 86400, limit: 1_000_000 },
] as const;

let server: TestServer;
let revokedKey: string;

beforeEach(async () => {
  server = await startTestServer({ rateWindows: UNLIMITED as never });
  const { record, key } = await createApiKey(server.store, {
    workspaceId: server.workspaceId,
    scopes: ["read:email"],
    mode: "test",
  });
  await server.store.revokeApiKey(record.id);
  revokedKey = key;
});
afterEach(async () => server.close());

const options = (): RunConformanceOptions => ({
  url: server.url,
  token: server.keys.full,
  inbox: server.inbox.id,
  readOnlyToken: server.keys.readOnly,
  sendOnlyToken: server.keys.sendOnly,
  revokedToken: revokedKey,
  foreignInbox: server.otherWorkspaceInbox.id,
  seed: 42,
  runs: 10,
});

describe("runConformance(options)", () => {
  it("resolves with the report of a passing run against the reference server", async () => {
    const seen: CheckResult[] = [];
    const report = await runConformance({ ...options(), onResult: (result) => seen.push(result) });

    expect(countOutcomes(report.results).failed).toBe(0);
    expect(countOutcomes(report.results).passed).toBeGreaterThan(0);
    expect(report).toMatchObject({ url: server.url, seed: 42, runs: 10 });
    // onResult hears every verdict as it is reached.
    expect(seen.map((r) => r.id)).toEqual(report.results.map((r) => r.id));
    // The renderers the CLI uses take the report as it is.
    expect(verdictLine(report)).toMatch(/^PASS: /);
    expect(JSON.parse(jsonReport(report)).counts.failed).toBe(0);
  });

  it("runs only the checks named by only", async () => {
    const report = await runConformance({ ...options(), only: ["protocol"] });
    expect(report.results.length).toBeGreaterThan(0);
    expect(report.results.every((r) => r.id.startsWith("protocol"))).toBe(true);
  });

  it.each([
    ["runs below 1", { runs: 0 }, /--runs 0 is not an integer of at least 1/],
    ["an inbox that is not a UUID", { inbox: "my-inbox" }, /--inbox my-inbox is not a UUID/],
    [
      "a url that is not http(s)",
      { url: "ftp://example.com/mcp" },
      /--url ftp:\/\/example.com\/mcp is not an http\(s\) URL/,
    ],
    ["allowSend without sendTo", { allowSend: true }, /--allow-send needs --send-to/],
    ["a missing token", { token: "" }, /--token is required/],
    ["only and skip that leave no check", { only: ["no-such-check"] }, /--only\/--skip select no check/],
    ["a token the server refuses", () => ({ token: revokedKey }), /refused --token/],
  ] as const)("rejects %s with ConfigError naming the option", async (_name, change, message) => {
    const changed = typeof change === "function" ? change() : change;
    const run = runConformance({ ...options(), ...changed });
    await expect(run).rejects.toBeInstanceOf(ConfigError);
    await expect(run).rejects.toThrow(message);
  });

  it("rejects with ServerUnreachable when nothing listens at url", async () => {
    const closed = await startTestServer();
    await closed.close();
    await expect(runConformance({ ...options(), url: closed.url })).rejects.toBeInstanceOf(ServerUnreachable);
  });
});
