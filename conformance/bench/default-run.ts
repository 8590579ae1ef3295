// pnpm bench default-run: the runner's default run (100 property runs per tool, every check a
// full configuration enables, sends included) against the sandbox reference server, timed. The
// spec's rate windows would make the run wait out minutes of 100 calls a minute, which measures
// the limiter rather than the runner, so the server here has none; --slow checks the windows.
// A run with 10 property runs per tool is the baseline in the same process: the ratio shows what
// the property runs cost beside the fixed checks.
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
const BUDGET_SECONDS = 60;

async function timedRun(runs: number | undefined): Promise<{
  seconds: number;
  exitCode: number;
  counts: { passed: number; failed: number; skipped: number };
  propertyRuns: Record<string, string>;
  slowest: string[];
}> {
  const server = await startTestServer({ rateWindows: UNLIMITED as never });
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
      ...(runs === undefined ? [] : ["--runs", String(runs)]),
    ];
    const started = performance.now();
    const exitCode = await main(args, { out: () => undefined, err: (text) => process.stderr.write(`${text}\n`) });
    const seconds = (performance.now() - started) / 1000;
    const json = JSON.parse(readFileSync(report, "utf8")) as {
      counts: { passed: number; failed: number; skipped: number };
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
    return { seconds, exitCode, counts: json.counts, propertyRuns, slowest };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await server.close();
  }
}

const baseline = await timedRun(10);
const full = await timedRun(undefined);
for (const [id, details] of Object.entries(full.propertyRuns)) console.log(`  ${id.padEnd(32)} ${details}`);
console.log(`slowest checks: ${full.slowest.join(", ")}`);
console.log(
  `default run (100 property runs per tool): ${full.seconds.toFixed(1)} s, exit ${full.exitCode}, ${full.counts.passed} passed, ${full.counts.failed} failed, ${full.counts.skipped} skipped`,
);
console.log(`baseline (10 property runs per tool):     ${baseline.seconds.toFixed(1)} s, exit ${baseline.exitCode}`);
console.log(
  `ratio default/baseline: ${(full.seconds / baseline.seconds).toFixed(2)}; budget ${BUDGET_SECONDS} s: ${full.seconds < BUDGET_SECONDS ? "within" : "OVER"}`,
);
if (full.exitCode !== 0) process.exitCode = 1;
