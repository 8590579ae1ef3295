// The official MCP conformance suite against the reference server: every server scenario it has,
// each at the revisions it applies to (2025-11-25 on the initialize wire, 2026-07-28 stateless, the
// extensions once), through a proxy that adds the test key. The results must match
// expected-failures.json exactly: a new failure fails the test, and so does an expected failure
// that passes. The results table is printed and written to a file, both named in the output.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { RATE_LIMITS } from "@mcpemails/generated";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/test-server.js";
import {
  disagreements,
  fileProblems,
  judge,
  loadExpectedFailures,
  resultsTable,
  type ExpectedFailure,
} from "./expectations.js";
import { startHeaderProxy, type HeaderProxy } from "./header-proxy.js";
import {
  listServerScenarios,
  locateSuite,
  runSuite,
  type InvocationOutput,
  type ListedScenario,
  type OfficialSuite,
  type SuiteInvocation,
} from "./official-suite.js";

const REVISIONS = ["2025-11-25", "2026-07-28"];
const expectedFailuresFile = fileURLToPath(new URL("expected-failures.json", import.meta.url));

let server: TestServer;
let proxy: HeaderProxy;
let suite: OfficialSuite;
let listed: ListedScenario[];
let entries: ExpectedFailure[];
let outputRoot: string;

beforeAll(async () => {
  // The suite makes a few dozen tools/call requests in a couple of seconds; rate limiting is not
  // what it tests, so the key's windows are out of its way.
  server = await startTestServer({
    rateWindows: RATE_LIMITS.windows.map((w) => ({ name: w.name, seconds: w.seconds, limit: 1_000_000 })),
  });
  proxy = await startHeaderProxy(server.url, { name: "Authorization", value: `Bearer ${server.keys.full}` });
  suite = await locateSuite();
  listed = await listServerScenarios(suite);
  entries = loadExpectedFailures(expectedFailuresFile);
  outputRoot = mkdtempSync(join(tmpdir(), "mcpemails-official-conformance-"));
}, 120_000);

afterAll(async () => {
  await proxy?.close();
  await server?.close();
});

describe(`the official MCP conformance suite`, () => {
  it("has an expected-failures file whose every entry names a scenario of the suite and gives its reason", () => {
    expect(
      fileProblems(
        entries,
        listed.map((s) => s.name),
      ),
    ).toEqual([]);
  });

  it("passes every scenario and check except the expected failures, each of which still fails", async () => {
    const extensions = listed.filter((s) => s.tags.includes("extension")).map((s) => s.name);
    const invocations: SuiteInvocation[] = [
      ...REVISIONS.map((revision) => ({ revision, args: ["--suite", "all", "--spec-version", revision] })),
      ...extensions.map((name) => ({ revision: "extension", args: ["--scenario", name] })),
    ];
    // Four suite processes at a time: quick, without crowding the other test files' workers.
    const outputs = await mapPooled(
      invocations,
      4,
      async (invocation, i): Promise<InvocationOutput & { invocation: SuiteInvocation }> => {
        const dir = join(outputRoot, `${String(i).padStart(2, "0")}-${invocation.revision}`);
        // The suite's own baseline check too, fed the same entries (JSON is YAML): its exit code
        // must agree with this test's verdict.
        const baseline = join(outputRoot, `baseline-${i}.json`);
        const server = entries
          .filter((e) => e.revisions === undefined || e.revisions.includes(invocation.revision))
          .map((e) => e.entry);
        writeFileSync(baseline, JSON.stringify({ server }));
        const output = await runSuite(
          suite,
          `${proxy.origin}/mcp`,
          dir,
          { ...invocation, args: [...invocation.args, "--timeout", "20000", "--expected-failures", baseline] },
          90_000,
        );
        return { ...output, invocation };
      },
    );
    const runs = outputs.flatMap((o) => o.runs);

    const verdict = judge(runs, entries);
    const table = resultsTable(
      verdict,
      `Official MCP conformance suite ${suite.version} against the reference server (server scenarios)`,
    );
    const tableFile = join(outputRoot, "results.md");
    writeFileSync(tableFile, table);
    console.log(`${table}\nResults table: ${tableFile}\nThe suite's checks.json files: ${outputRoot}`);

    // Every scenario the suite lists ran at each of these revisions it applies to, and the rest once.
    const ran = (name: string, revision?: string) =>
      runs.some((r) => r.scenario === name && (revision === undefined || r.revision === revision));
    const notRun = listed.flatMap((s) => {
      const due = s.tags.filter((t) => REVISIONS.includes(t));
      return due.length > 0
        ? due.filter((r) => !ran(s.name, r)).map((r) => `${s.name} at ${r}`)
        : ran(s.name)
          ? []
          : [s.name];
    });
    expect(notRun, "scenarios the suite lists that no run covered").toEqual([]);

    expect(disagreements(verdict)).toEqual([]);
    const baselineVerdicts = outputs.map((o) => ({
      run: o.invocation.args.join(" "),
      exitCode: o.exitCode,
      ...(o.exitCode === 0 ? {} : { output: o.stdout.slice(o.stdout.lastIndexOf("=== SUMMARY ===")) + o.stderr }),
    }));
    expect(baselineVerdicts.filter((v) => v.exitCode !== 0)).toEqual([]);
  }, 180_000);
});

async function mapPooled<T, R>(items: T[], size: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  return results;
}
