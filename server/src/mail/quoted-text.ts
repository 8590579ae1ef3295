// The quoted earlier messages of a plain-text reply: the trailing block of lines starting with ">"
// (blank lines among them) with the attribution line before it ("On ... wrote:"), or Outlook's
// "-----Original Message-----" and "From: ... Sent: ..." separators with everything after them.
// Quotes interleaved with the reply's own text stay: they are part of what it says. When nothing
// would be left, the text is kept whole.

const ATTRIBUTION =
  /(?:^|\s)(?:wrote|writes|schrieb|a écrit|escribió|ha scritto|schreef|napisał|написал)(?:\s.*)?:\s*$/iu;
/** Longer lines are no attribution, and are not handed to the pattern (its cost grows with the length). */
const ATTRIBUTION_MAX_LENGTH = 400;
const ORIGINAL_MESSAGE =
  /^\s*-{2,}\s*(original message|ursprüngliche nachricht|message d'origine|mensaje original)\s*-{2,}\s*$/iu;
const OUTLOOK_RULE = /^\s*_{10,}\s*$/u;
const FROM_HEADER = /^\s*\*?(from|von|de)\s*:\*?\s/iu;

export function withoutQuotedText(text: string): string {
  const lines = text.split(/\r?\n/u);
  let end = lines.length;
  const separator = lines.findIndex(
    (line, index) =>
      ORIGINAL_MESSAGE.test(line) || (OUTLOOK_RULE.test(line) && FROM_HEADER.test(lines[index + 1] ?? "")),
  );
  if (separator >= 0) end = separator;
  // The trailing run of quoted (or blank) lines, holding at least one quoted line.
  let start = end;
  while (start > 0 && (isQuoted(lines[start - 1]) || isBlank(lines[start - 1]))) start--;
  if (!lines.slice(start, end).some(isQuoted)) start = end;
  else {
    let before = start;
    while (before > 0 && isBlank(lines[before - 1])) before--;
    if (before > 0 && isAttribution(lines[before - 1] ?? "")) start = before - 1;
  }
  if (start === lines.length) return text;
  const kept = lines.slice(0, start).join("\n").trimEnd();
  return kept.trim() === "" ? text : kept;
}

/** A line introducing a quote: "On ..., Alice wrote:", "Am ... schrieb Alice:", "Le ..., Alice a écrit :". */
export function isAttribution(line: string): boolean {
  const trimmed = line.trim();
  return trimmed.length <= ATTRIBUTION_MAX_LENGTH && ATTRIBUTION.test(trimmed);
}

function isQuoted(line: string | undefined): boolean {
  return line !== undefined && /^\s*>/u.test(line);
}

function isBlank(line: string | undefined): boolean {
  return line !== undefined && line.trim() === "";
}
