// pnpm bench default-run: the runner's default run (100 property runs per tool, every check a
// full configuration enables, sends included) against the sandbox reference server, timed: once on
// the spec's rate limits (100 tools/call a minute per key), where the run plan must keep it under
// two minutes, and once with the limits raised, the baseline of the same process, where nothing
// is cut. Each prints the calls it made and what the plan cut.
import { RATE_LIMITS } from "@mcpemails/generated";
import { startTestServer } from "@mcpemails/server/testing";
import { main } from "../src/runner/cli-main.js";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const UNLIMITED = [
  { name: "minute", seconds: 60, limit: 1_000_000 },
  { name: "hour", seconds: 3600, limit: 1_000_000 },
  { name: "day", seconds: 86400, limit: 1_000_000 },
] as const;
const BUDGET_SECONDS = 120;

interface Limits {
  seen: string;
  counted: number;
  propertyRunsCut: number;
  checksCut: number;
}

async function timedRun(rateWindows: typeof RATE_LIMITS.windows | typeof UNLIMITED): Promise<{
  seconds: number;
  exitCode: number;
  counts: { passed: number; failed: number; skipped: number };
  toolCalls: number;
  limits: Limits;
  propertyRuns: Record<string, string>;
  slowest: string[];
}> {
  const server = await startTestServer({ rateWindows: rateWindows as never });
  const dir = mkdtempSync(join(tmpdir(), "conformance-bench-"));
  const report = join(dir, "report.json");
  try {
    const { createApiKey } = await import("@mcpemails/server/testing");
    const revoked = await createApiKey(server.store, {
      workspaceId: server.workspaceId,
      scopes: ["read:email"],
      mode: "test",
    });
    await server.store.revokeApiKey(revoked.record.id);
    const args = [
      "--url",
      server.url,
      "--token",
      server.keys.full,
      "--inbox",
      server.inbox.id,
      "--read-only-token",
      server.keys.readOnly,
      "--send-only-token",
      server.keys.sendOnly,
      "--revoked-token",
      revoked.key,
      "--foreign-inbox",
      server.otherWorkspaceInbox.id,
      "--allow-send",
      "--send-to",
      server.siblingInbox.addresses[0] ?? "",
      "--send-to-inbox",
      server.siblingInbox.id,
      "--seed",
      "1",
      "--quiet",
      "--report",
      `json=${report}`,
    ];
    const started = performance.now();
    const exitCode = await main(args, { out: () => undefined, err: (text) => process.stderr.write(`${text}\n`) });
    const seconds = (performance.now() - started) / 1000;
    const json = JSON.parse(readFileSync(report, "utf8")) as {
      counts: { passed: number; failed: number; skipped: number };
      toolCalls: number;
      limits: Limits;
      checks: { id: string; details: unknown; durationMs: number }[];
    };
    const propertyRuns = Object.fromEntries(
      json.checks
        .filter((c) => /^inputs\.(positive|negative)\./.test(c.id))
        .map((c) => [c.id, typeof c.details === "string" ? c.details : JSON.stringify(c.details)]),
    );
    const slowest = [...json.checks]
      .sort((a, b) => b.durationMs - a.durationMs)
      .slice(0, 5)
      .map((c) => `${c.id} ${(c.durationMs / 1000).toFixed(1)} s`);
    return {
      seconds,
      exitCode,
      counts: json.counts,
      toolCalls: json.toolCalls,
      limits: json.limits,
      propertyRuns,
      slowest,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await server.close();
  }
}

const describe = (run: Awaited<ReturnType<typeof timedRun>>) =>
  `${run.seconds.toFixed(1)} s, exit ${run.exitCode}, ${run.counts.passed} passed, ${run.counts.failed} failed, ${run.counts.skipped} skipped, ${run.toolCalls} tools/call (${run.limits.counted} counted against --token); limit seen ${run.limits.seen}, cut ${run.limits.propertyRunsCut} property runs and ${run.limits.checksCut} optional checks`;

const raised = await timedRun(UNLIMITED);
const limited = await timedRun(RATE_LIMITS.windows);
for (const [id, details] of Object.entries(limited.propertyRuns)) console.log(`  ${id.padEnd(32)} ${details}`);
console.log(`slowest checks on the spec's limits: ${limited.slowest.join(", ")}`);
console.log(`default run, spec's limits (100/minute):  ${describe(limited)}`);
console.log(`baseline, limits raised:                  ${describe(raised)}`);
console.log(
  `ratio limited/raised: ${(limited.seconds / raised.seconds).toFixed(2)}; budget ${BUDGET_SECONDS} s on the spec's limits: ${limited.seconds < BUDGET_SECONDS ? "within" : "OVER"}`,
);
if (limited.exitCode !== 0 || raised.exitCode !== 0) process.exitCode = 1;
