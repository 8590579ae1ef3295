// The portable search syntax in Gmail's `q`, and the folder restriction of search_emails.
// Gmail reads after:/before: dates as midnight Pacific time, so days go over as the epoch seconds
// of midnight UTC (the portable meaning), as Gmail's "Searching for messages" guide advises. to:
// means To or Cc in the portable syntax, where Gmail's to: is To only, hence {to: cc:}.
import type { Folder, QueryNode } from "@mcpemails/generated";

/** The Gmail system label of each folder. */
export const FOLDER_LABELS: Record<Folder, string> = { INBOX: "INBOX", SENT: "SENT", DRAFTS: "DRAFT", TRASH: "TRASH" };

export function portableToGmail(node: QueryNode): string {
  switch (node.type) {
    case "and":
      return node.terms.map((term) => group(term)).join(" ");
    case "or":
      return `{${node.terms.map((term) => group(term)).join(" ")}}`;
    case "not":
      return `-${group(node.operand)}`;
    case "from":
    case "subject":
      return `${node.type}:${quoted(node.value)}`;
    case "to":
      return `{to:${quoted(node.value)} cc:${quoted(node.value)}}`;
    case "after":
    case "before":
      return `${node.type}:${Date.parse(`${node.day}T00:00:00.000Z`) / 1000}`;
    case "is_unread":
      return "is:unread";
    case "has_attachment":
      return "has:attachment";
    case "word":
      return quoted(node.value);
    case "phrase":
      return `"${node.value}"`;
  }
}

/** An AND inside another term keeps its grouping in parentheses. */
function group(node: QueryNode): string {
  return node.type === "and" ? `(${portableToGmail(node)})` : portableToGmail(node);
}

/** A value as Gmail reads it literally: quoted unless it is plain letters, digits, @ . _ + and inner hyphens. */
function quoted(value: string): string {
  return /^[\p{L}\p{N}@._+]+(?:-[\p{L}\p{N}@._+]+)*$/u.test(value) && value !== "OR" && value !== "AND"
    ? value
    : `"${value}"`;
}

/** The query restricted to messages matching any of these operators (in:inbox, label:projects). */
export function restrictToOperators(q: string, within: readonly string[]): string {
  const restriction = within.length === 1 ? (within[0] ?? "") : `{${within.join(" ")}}`;
  return `(${q}) ${restriction}`;
}
