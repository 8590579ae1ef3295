// Runs the command in-process, as a test would from a shell, and keeps what it printed and reported.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../cli-main.js";

export interface JsonReportCheck {
  id: string;
  status: "passed" | "failed" | "skipped";
  specRef: string;
  details: {
    message?: string;
    reason?: string;
    seed?: number;
    counterexample?: unknown;
    request?: { body: string };
    response?: { body: string };
    reproduce?: string;
  } | null;
}

export interface RunnerOutcome {
  exitCode: number;
  stdout: string;
  stderr: string;
  json:
    | {
        counts: { passed: number; failed: number; skipped: number };
        seed: number;
        limits: { seen: string; counted: number; propertyRunsCut: number; checksCut: number };
        checks: JsonReportCheck[];
      }
    | undefined;
  junit: string | undefined;
  failedIds: string[];
  check(id: string): JsonReportCheck | undefined;
}

/** clock: what the run plans by, when a test speeds up a server's rate windows. */
export async function runRunner(args: string[], clock?: () => number): Promise<RunnerOutcome> {
  const dir = mkdtempSync(join(tmpdir(), "mcpemails-conformance-"));
  const [jsonFile, junitFile] = [join(dir, "report.json"), join(dir, "report.xml")];
  const out: string[] = [];
  const err: string[] = [];
  try {
    const exitCode = await main(
      [...args, "--report", `json=${jsonFile}`, `junit=${junitFile}`],
      {
        out: (t) => out.push(t),
        err: (t) => err.push(t),
      },
      clock,
    );
    const read = (file: string) => {
      try {
        return readFileSync(file, "utf8");
      } catch {
        return undefined;
      }
    };
    const jsonText = read(jsonFile);
    const json = jsonText === undefined ? undefined : (JSON.parse(jsonText) as RunnerOutcome["json"]);
    const checks = json?.checks ?? [];
    return {
      exitCode,
      stdout: out.join("\n"),
      stderr: err.join("\n"),
      json,
      junit: read(junitFile),
      failedIds: checks.filter((c) => c.status === "failed").map((c) => c.id),
      check: (id) => checks.find((c) => c.id === id),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
