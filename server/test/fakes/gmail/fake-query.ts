// The part of Gmail's search syntax (`q` of messages.list, https://support.google.com/mail/answer/7190)
// the fake understands: what the provider's portable mapping emits, plus the common operators a
// native query would use.
//   words and "quoted phrases"      subject, body, From, To or Cc holds the word, or the phrase's
//                                   words in a row; whole words only, case-insensitive
//   from: to: cc: bcc: subject:      the field contains the value (to: looks at To only, as Gmail)
//   after: before:                   epoch seconds, or YYYY/MM/DD at midnight Pacific (UTC-8), as
//                                    Gmail's docs say; compared with internalDate; after inclusive
//   is:unread is:read is:starred has:attachment
//   in:inbox in:sent in:draft(s) in:trash in:spam in:anywhere label:NAME
//   A OR B, {A B} (either), (A B) (both), -A (not); terms side by side must all hold.
// Gmail searches an index of words, so free text matches whole words only: "port" finds neither
// "report" nor "portable", a phrase's words must stand in a row, and punctuation only separates
// words. Each CJK character counts as a word, as Gmail finds words inside unspaced Chinese and
// Japanese text, and so does each emoji. Gmail also matches some variants of a word (its +
// operator turns that off); the fake does not. Operator values (from:, subject:...) still match
// by substring. An operator it does not know is searched for as text, as Gmail does.
import { hasLabelNamed } from "./fake-label-registry.js";
import type { FakeAddress, FakeMessage } from "./fake-mailbox.js";

type Node =
  | { kind: "and" | "or"; nodes: Node[] }
  | { kind: "not"; node: Node }
  | { kind: "term"; operator: string | null; value: string };

export class FakeQueryError extends Error {}

export function compileQuery(q: string): (message: FakeMessage) => boolean {
  const tokens = tokenize(q);
  let position = 0;
  const parseSequence = (closing: string | null): Node[] => {
    const nodes: Node[] = [];
    while (position < tokens.length && tokens[position] !== closing) {
      const left = parseUnary();
      if (tokens[position] === "OR") {
        const alternatives = [left];
        while (tokens[position] === "OR") {
          position++;
          alternatives.push(parseUnary());
        }
        nodes.push({ kind: "or", nodes: alternatives });
      } else {
        nodes.push(left);
      }
    }
    if (closing !== null) {
      if (tokens[position] !== closing) throw new FakeQueryError(`unbalanced ${closing} in q`);
      position++;
    }
    return nodes;
  };
  const parseUnary = (): Node => {
    const token = tokens[position++];
    if (token === undefined) throw new FakeQueryError("q ends after an operator");
    if (token === "-") return { kind: "not", node: parseUnary() };
    if (token === "(") return { kind: "and", nodes: parseSequence(")") };
    if (token === "{") return { kind: "or", nodes: parseSequence("}") };
    return parseTerm(token);
  };
  const root: Node = { kind: "and", nodes: parseSequence(null) };
  return (message) => evaluate(root, message);
}

function tokenize(q: string): string[] {
  const tokens: string[] = [];
  const pattern = /\s+|([(){}])|(-)(?=\S)|((?:[A-Za-z]+:)?"[^"]*"|[^\s(){}"]+(?:"[^"]*")?)/gu;
  for (const match of q.matchAll(pattern)) {
    const token = match[1] ?? match[2] ?? match[3];
    if (token !== undefined) tokens.push(token);
  }
  return tokens;
}

function parseTerm(token: string): Node {
  const operator = /^([A-Za-z]+):(.+)$/u.exec(token);
  const unquote = (text: string) =>
    text.startsWith('"') && text.endsWith('"') && text.length >= 2 ? text.slice(1, -1) : text;
  if (operator === null) return { kind: "term", operator: null, value: unquote(token) };
  return { kind: "term", operator: (operator[1] ?? "").toLowerCase(), value: unquote(operator[2] ?? "") };
}

function evaluate(node: Node, message: FakeMessage): boolean {
  switch (node.kind) {
    case "and":
      return node.nodes.every((each) => evaluate(each, message));
    case "or":
      return node.nodes.some((each) => evaluate(each, message));
    case "not":
      return !evaluate(node.node, message);
    case "term":
      return matchesTerm(node.operator, node.value, message);
  }
}

const FOLDER_LABELS: Record<string, string | null> = {
  inbox: "INBOX",
  sent: "SENT",
  draft: "DRAFT",
  drafts: "DRAFT",
  trash: "TRASH",
  spam: "SPAM",
  anywhere: null,
};

function matchesTerm(operator: string | null, value: string, message: FakeMessage): boolean {
  const needle = value.toLowerCase();
  const contains = (text: string) => text.toLowerCase().includes(needle);
  const inAddresses = (addresses: readonly FakeAddress[]) =>
    addresses.some((entry) => contains(entry.address) || contains(entry.name));
  switch (operator) {
    case null: {
      const words = wordsOf(value);
      const holds = (text: string) => inARow(wordsOf(text), words);
      return (
        words.length > 0 &&
        (holds(message.subject) ||
          holds(message.text) ||
          [...message.from, ...message.to, ...message.cc].some((entry) => holds(entry.address) || holds(entry.name)))
      );
    }
    case "from":
      return inAddresses(message.from);
    case "to":
      return inAddresses(message.to);
    case "cc":
      return inAddresses(message.cc);
    case "bcc":
      return inAddresses(message.bcc);
    case "subject":
      return contains(message.subject);
    case "after":
      return message.internalDate >= dateBound(value);
    case "before":
      return message.internalDate < dateBound(value);
    case "is":
      if (needle === "unread") return message.labelIds.has("UNREAD");
      if (needle === "read") return !message.labelIds.has("UNREAD");
      if (needle === "starred") return message.labelIds.has("STARRED");
      break;
    case "has":
      if (needle === "attachment") return message.hasAttachment;
      break;
    case "in": {
      if (!(needle in FOLDER_LABELS)) break;
      const label = FOLDER_LABELS[needle];
      return label === null || label === undefined ? true : message.labelIds.has(label);
    }
    case "label":
      return hasLabelNamed(message, value);
  }
  return matchesTerm(null, `${operator}:${value}`, message);
}

/** The words of a text as the fake indexes them: runs of letters and digits, lower-cased; each CJK character or emoji alone. */
function wordsOf(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{M}\p{N}\p{Extended_Pictographic}]+/gu) ?? []).flatMap((run) =>
    run
      .split(/([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Extended_Pictographic}])/u)
      .filter((word) => word !== ""),
  );
}

function inARow(words: readonly string[], wanted: readonly string[]): boolean {
  for (let start = 0; start + wanted.length <= words.length; start++) {
    if (wanted.every((word, index) => words[start + index] === word)) return true;
  }
  return false;
}

/** Epoch milliseconds of an after:/before: value. */
function dateBound(value: string): number {
  if (/^\d+$/u.test(value)) return Number(value) * 1000;
  const day = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/u.exec(value);
  if (day === null) throw new FakeQueryError(`after:/before: takes YYYY/MM/DD or epoch seconds, not ${value}`);
  return Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]), 8);
}
