// Small GitHub-flavoured Markdown helpers: escaping spec text, code spans and fences that survive
// any content, tables, and reading those tables back (for tests that hold the docs to the spec).

/**
 * Spec prose as Markdown: its own `code spans` stay; only what would otherwise turn into HTML, an
 * entity, emphasis or a block marker is escaped, so the raw file stays as readable as the spec.
 */
export function prose(text: string): string {
  return text
    .split(/(`+[^`]*?`+)/)
    .map((part, i) => (i % 2 === 1 ? part : escapeInline(part)))
    .join("")
    .replace(
      /^(\s*)([#+-]|\d+[.)])(?=\s|$)/gm,
      (_m, indent: string, marker: string) => `${indent}${marker.replace(/([#+.)-])$/, "\\$1")}`,
    )
    .replace(/^(\s*)(>|=+\s*$|-+\s*$)/gm, "$1\\$2");
}

function escapeInline(text: string): string {
  return text
    .replace(/\\(?=[!-/:-@[-`{-~])/g, "\\\\")
    .replace(/&(?=#?[A-Za-z0-9]+;)/g, "&amp;")
    .replace(/<(?=[A-Za-z/!?])/g, "&lt;")
    .replace(/\*/g, "\\*");
}

/** A code span that holds any text, however many backticks it contains. */
export function code(text: string): string {
  const longestRun = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = "`".repeat(longestRun + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

export function fence(language: string, text: string): string {
  const longestRun = Math.max(0, ...[...text.matchAll(/`{3,}/g)].map((m) => m[0].length));
  const ticks = "`".repeat(Math.max(3, longestRun + 1));
  return `${ticks}${language}\n${text.replace(/\n$/, "")}\n${ticks}`;
}

export function anchor(id: string): string {
  return `<a id="${id}"></a>`;
}

export function link(text: string, id: string): string {
  return `[${text}](#${id})`;
}

/** Pipes split GFM cells even inside code spans, so they are escaped everywhere; a newline would end the row. */
export function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
}

export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(" | ")} |`;
  return [line(headers), `|${headers.map(() => "---").join("|")}|`, ...rows.map(line)].join("\n");
}

/** 27962032 -> "27,962,032", independent of the host's locale data. */
export function formatInteger(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

export interface ParsedTable {
  headers: string[];
  rows: string[][];
}

export function parseRow(line: string): string[] {
  const inner = line.trim().replace(/^\|/, "").replace(/\|$/, "");
  return inner.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, "|"));
}

/** The first table after `<a id="...">`, cells unescaped. */
export function tableAfterAnchor(markdown: string, id: string): ParsedTable {
  const start = markdown.indexOf(anchor(id));
  if (start < 0) throw new Error(`no anchor ${id}`);
  const lines = markdown.slice(start).split("\n");
  const first = lines.findIndex((l) => l.startsWith("|"));
  if (first < 0) throw new Error(`no table after anchor ${id}`);
  const tableLines: string[] = [];
  for (const l of lines.slice(first)) {
    if (!l.startsWith("|")) break;
    tableLines.push(l);
  }
  const [headerLine, _separator, ...rowLines] = tableLines;
  return { headers: parseRow(headerLine ?? ""), rows: rowLines.map(parseRow) };
}

/** The text of the first code span in a cell, or undefined. */
export function firstCodeSpan(text: string): string | undefined {
  const match = /(?<!`)(`+)(?!`)([\s\S]*?[^`])\1(?!`)/.exec(text);
  const content = match?.[2];
  if (content === undefined) return undefined;
  return /^ [\s\S]* $/.test(content) && content.trim() !== "" ? content.slice(1, -1) : content;
}
