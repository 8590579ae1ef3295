// Runs the official MCP conformance suite (@modelcontextprotocol/conformance, a devDependency) as a
// child process on Node 22, which it requires whatever Node runs the tests (scripts/node22.sh), and
// reads its per-scenario checks.json files.
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../../../", import.meta.url));

export type CheckStatus = "SUCCESS" | "FAILURE" | "WARNING" | "SKIPPED" | "INFO";

export interface Check {
  id: string;
  status: CheckStatus;
  errorMessage?: string;
  details?: unknown;
}

/** One scenario as run at one spec revision ("extension" for the extensions, which have none). */
export interface ScenarioRun {
  scenario: string;
  revision: string;
  checks: Check[];
}

export interface ListedScenario {
  name: string;
  /** Dated revisions, or "extension". */
  tags: string[];
}

export interface OfficialSuite {
  node: string;
  bin: string;
  version: string;
}

export async function locateSuite(): Promise<OfficialSuite> {
  const { stdout } = await run("bash", [join(root, "scripts/node22.sh")], { cwd: root });
  const packageJson = createRequire(join(root, "server/package.json")).resolve(
    "@modelcontextprotocol/conformance/package.json",
  );
  const pkg = JSON.parse(readFileSync(packageJson, "utf8")) as { version: string; bin: { conformance: string } };
  return {
    node: join(stdout.trim(), "node"),
    bin: join(dirname(packageJson), pkg.bin.conformance),
    version: pkg.version,
  };
}

/** The server scenarios the suite knows, with the revisions each applies to (`conformance list --server`). */
export async function listServerScenarios(suite: OfficialSuite): Promise<ListedScenario[]> {
  const { stdout } = await run(suite.node, [suite.bin, "list", "--server"]);
  const scenarios = [...stdout.matchAll(/^\s+- (\S+) \[([^\]]*)\]$/gm)].map((m) => ({
    name: m[1] as string,
    tags: (m[2] as string).split(",").map((t) => t.trim()),
  }));
  if (scenarios.length === 0) throw new Error(`conformance list --server printed no scenarios:\n${stdout}`);
  return scenarios;
}

export interface SuiteInvocation {
  /** The label of this run's revision in the results. */
  revision: string;
  /** Arguments after `server --url URL -o DIR`. */
  args: string[];
}

export interface InvocationOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
  runs: ScenarioRun[];
}

/** Runs the suite once; its exit code is 1 whenever a check fails, so it is returned, not thrown. */
export async function runSuite(
  suite: OfficialSuite,
  url: string,
  outputDir: string,
  invocation: SuiteInvocation,
  timeoutMs: number,
): Promise<InvocationOutput> {
  const args = [suite.bin, "server", "--url", url, "-o", outputDir, ...invocation.args];
  let exitCode = 0;
  let stdout: string;
  let stderr: string;
  try {
    ({ stdout, stderr } = await run(suite.node, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }));
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string; killed?: boolean };
    if (typeof failed.code !== "number" || failed.killed) throw error;
    exitCode = failed.code;
    stdout = failed.stdout ?? "";
    stderr = failed.stderr ?? "";
  }
  const log = `${outputDir}.log`;
  writeFileSync(log, `$ node ${args.join(" ")}\n\n${stdout}\n${stderr}`);
  return { exitCode, stdout, stderr, runs: readResults(outputDir, invocation.revision, log, stderr) };
}

/**
 * The suite writes one folder per scenario, server-<scenario>-<ISO timestamp>, holding checks.json;
 * a scenario that stopped on an error (the server refusing to connect, say) leaves its folder
 * empty, and counts here as one failing check saying so.
 */
function readResults(outputDir: string, revision: string, log: string, stderr: string): ScenarioRun[] {
  const errors = [...new Set(stderr.match(/^Server test error: .*$/gm) ?? [])].join(" | ").slice(0, 500);
  return readdirSync(outputDir)
    .sort()
    .map((folder) => {
      const match = /^server-(.+)-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$/.exec(folder);
      if (!match) throw new Error(`unexpected folder ${folder} in the suite's output ${outputDir}`);
      const file = join(outputDir, folder, "checks.json");
      const checks: Check[] = existsSync(file)
        ? (JSON.parse(readFileSync(file, "utf8")) as Check[])
        : [
            {
              id: "scenario-error",
              status: "FAILURE",
              errorMessage: `the scenario stopped before writing its checks (the suite's output: ${log})${errors ? `: ${errors}` : ""}`,
            },
          ];
      return { scenario: match[1] as string, revision, checks };
    });
}
