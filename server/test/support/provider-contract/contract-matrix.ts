// The tools x providers matrix of one contract run: how many cases passed, failed, did not apply or
// show a known divergence in each cell, printed after the run and written for the note.
import { writeFileSync } from "node:fs";

export const MATRIX_ROWS = [
  "list_inbox",
  "read_email",
  "search_emails",
  "send_email",
  "reply_to_email",
  "list_folders",
  "get_thread",
  "get_attachment",
  "create_draft",
  "update_draft",
  "delete_draft",
  "send_draft",
  "risk signals",
  "send policy",
  "approval hold",
  "abort signal",
  "failure modes",
] as const;
export type MatrixRow = (typeof MATRIX_ROWS)[number];

export const MATRIX_FILE = "/tmp/mcpemails-provider-contract.md";

interface Cell {
  pass: number;
  fail: number;
  notApplicable: number;
  diverges: number;
}

const cells = new Map<string, Map<MatrixRow, Cell>>();
const footnotes: string[] = [];

function cell(provider: string, row: MatrixRow): Cell {
  let column = cells.get(provider);
  if (column === undefined) cells.set(provider, (column = new Map()));
  let found = column.get(row);
  if (found === undefined) column.set(row, (found = { pass: 0, fail: 0, notApplicable: 0, diverges: 0 }));
  return found;
}

/** Makes the provider a column even if none of its cases ran (a rig that is not running). */
export function declareColumn(provider: string): void {
  for (const row of MATRIX_ROWS) cell(provider, row);
}

export function recordPass(provider: string, row: MatrixRow): void {
  cell(provider, row).pass++;
}

export function recordFail(provider: string, row: MatrixRow): void {
  cell(provider, row).fail++;
}

export function recordNotApplicable(provider: string, row: MatrixRow, testCase: string, why: string): void {
  cell(provider, row).notApplicable++;
  footnotes.push(`${provider}, ${testCase}: n.a. — ${why}`);
}

export function recordDivergence(provider: string, row: MatrixRow, testCase: string, reason: string, at: string): void {
  cell(provider, row).diverges++;
  footnotes.push(`${provider}, ${testCase}: diverges: ${reason} (${at})`);
}

function describeCell(found: Cell | undefined): string {
  if (found === undefined) return "not run";
  const parts = [`${found.pass} pass`];
  if (found.fail > 0) parts.push(`${found.fail} FAIL`);
  if (found.diverges > 0) parts.push(`${found.diverges} diverges`);
  if (found.notApplicable > 0) parts.push(`${found.notApplicable} n.a.`);
  return found.pass + found.fail + found.diverges + found.notApplicable === 0 ? "not run" : parts.join(", ");
}

/** The matrix as a Markdown table with its footnotes. */
export function renderMatrix(): string {
  const providers = [...cells.keys()];
  const lines = [
    `| tool | ${providers.join(" | ")} |`,
    `| --- | ${providers.map(() => "---").join(" | ")} |`,
    ...MATRIX_ROWS.map(
      (row) => `| ${row} | ${providers.map((provider) => describeCell(cells.get(provider)?.get(row))).join(" | ")} |`,
    ),
  ];
  if (footnotes.length > 0) lines.push("", ...footnotes.map((note) => `- ${note}`));
  return `${lines.join("\n")}\n`;
}

export function printAndWriteMatrix(): void {
  const matrix = renderMatrix();
  console.log(`\nProvider contract matrix (tools x providers):\n\n${matrix}`);
  writeFileSync(MATRIX_FILE, `# Provider contract matrix\n\n${matrix}`);
}
