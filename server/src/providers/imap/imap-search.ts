// search_emails queries as imapflow search objects, which imapflow compiles into the SEARCH command
// (quoting, literals, and CHARSET UTF-8 only when a value is non-ASCII): a query is never pasted
// into a command as text. "portable" queries come from the spec's parser; "native" queries are IMAP
// SEARCH criteria (RFC 3501 section 6.4.4) read by the small parser below and refused with -32602
// when they hold anything it does not know. Hand-written: no maintained npm package parses SEARCH
// criteria on the client side.
import type { QueryNode } from "@mcpemails/generated";
import type { SearchObject } from "imapflow";
import { ParameterError } from "../provider.js";

/** What a query asks of IMAP: the criteria, and how has:attachment is answered (IMAP SEARCH has no such key). */
export interface ImapQuery {
  criteria: SearchObject;
  /** true: keep messages with an attachment; false: keep those without; undefined: no filter. */
  attachment?: boolean;
  /**
   * Set when has:attachment sits inside OR or a negated group: `criteria` then only narrows the
   * candidates (each such term read as whichever of true or false lets more messages through), and
   * the exact criteria need the UIDs of the candidates that have an attachment, found from
   * BODYSTRUCTURE ("" when none has).
   */
  exact?: (attachmentUids: string) => SearchObject;
}

export function portableToImap(query: QueryNode): ImapQuery {
  const terms = query.type === "and" ? query.terms : [query];
  let attachment: boolean | undefined;
  const rest: QueryNode[] = [];
  for (const term of terms) {
    // A has:attachment term that applies to the whole query is a filter on the SEARCH result: no
    // second SEARCH is needed.
    if (term.type === "has_attachment" || (term.type === "not" && term.operand.type === "has_attachment")) {
      const wanted = term.type === "has_attachment";
      if (attachment !== undefined && attachment !== wanted) return { criteria: NOTHING };
      attachment = wanted;
      continue;
    }
    rest.push(term);
  }
  const build = (hasAttachment: (positive: boolean) => SearchObject) =>
    rest.length === 0 ? { all: true } : andAll(rest.map((term) => portableTerm(term, hasAttachment, true)));
  const filter = attachment === undefined ? {} : { attachment };
  if (!rest.some(mentionsAttachment)) return { criteria: build(() => ({ all: true })), ...filter };
  return {
    criteria: build((positive) => (positive ? { all: true } : NOTHING)),
    ...filter,
    exact: (uids) => build(() => (uids === "" ? NOTHING : { uid: uids })),
  };
}

const NOTHING: SearchObject = { not: { all: true } };

function mentionsAttachment(node: QueryNode): boolean {
  switch (node.type) {
    case "has_attachment":
      return true;
    case "and":
    case "or":
      return node.terms.some(mentionsAttachment);
    case "not":
      return mentionsAttachment(node.operand);
    default:
      return false;
  }
}

/** A term as criteria; `positive` is false under an odd number of NOTs, where has:attachment's stand-in must be read the other way. */
function portableTerm(
  node: QueryNode,
  hasAttachment: (positive: boolean) => SearchObject,
  positive: boolean,
): SearchObject {
  switch (node.type) {
    case "and":
      return andAll(node.terms.map((term) => portableTerm(term, hasAttachment, positive)));
    case "or":
      return { or: node.terms.map((term) => portableTerm(term, hasAttachment, positive)) };
    case "not":
      return { not: portableTerm(node.operand, hasAttachment, !positive) };
    case "from":
      return { from: node.value };
    case "to":
      return { or: [{ to: node.value }, { cc: node.value }] };
    case "subject":
      return { subject: node.value };
    // The Date header's day, as the spec's after:/before: mean (SENTSINCE is inclusive, SENTBEFORE exclusive).
    case "after":
      return { sentSince: utcDay(node.day) };
    case "before":
      return { sentBefore: utcDay(node.day) };
    case "is_unread":
      return { seen: false };
    case "word":
    case "phrase":
      return { or: [{ subject: node.value }, { body: node.value }] };
    case "has_attachment":
      return hasAttachment(positive);
  }
}

/**
 * All of the criteria: imapflow ANDs the keys of one object, so criteria are merged while their keys
 * differ; a repeated key (two from: terms) is kept apart as "NOT NOT", which IMAP reads as the term itself.
 */
function andAll(criteria: readonly SearchObject[]): SearchObject {
  let result: SearchObject = {};
  for (const each of criteria) {
    const collides = Object.keys(each).some((key) => key in result);
    result = collides ? { or: [result], not: { not: each } } : { ...result, ...each };
  }
  return result;
}

function utcDay(day: string): Date {
  return new Date(`${day}T00:00:00.000Z`);
}

// ---- native: IMAP SEARCH criteria -------------------------------------------------------------

const FLAG_KEYS: Record<string, SearchObject> = {
  ALL: { all: true },
  ANSWERED: { answered: true },
  UNANSWERED: { answered: false },
  DELETED: { deleted: true },
  UNDELETED: { deleted: false },
  DRAFT: { draft: true },
  UNDRAFT: { draft: false },
  FLAGGED: { flagged: true },
  UNFLAGGED: { flagged: false },
  SEEN: { seen: true },
  UNSEEN: { seen: false },
  NEW: { new: true },
  OLD: { old: true },
  RECENT: { recent: true },
};
const STRING_KEYS: Record<string, keyof SearchObject> = {
  BCC: "bcc",
  BODY: "body",
  CC: "cc",
  FROM: "from",
  SUBJECT: "subject",
  TEXT: "text",
  TO: "to",
};
const DATE_KEYS: Record<string, keyof SearchObject> = {
  BEFORE: "before",
  ON: "on",
  SINCE: "since",
  SENTBEFORE: "sentBefore",
  SENTON: "sentOn",
  SENTSINCE: "sentSince",
};
const NUMBER_KEYS: Record<string, keyof SearchObject> = { LARGER: "larger", SMALLER: "smaller" };
const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

type Token = { kind: "open" } | { kind: "close" } | { kind: "atom"; text: string } | { kind: "string"; text: string };

export function nativeToImap(query: string): ImapQuery {
  const tokens = tokenizeNative(query);
  let position = 0;
  if (tokens[0]?.kind === "atom" && tokens[0].text.toUpperCase() === "CHARSET") {
    const charset = tokens[1];
    // The client sends CHARSET UTF-8 itself when a value needs it; any other charset cannot be honoured.
    if (
      charset === undefined ||
      charset.kind === "open" ||
      charset.kind === "close" ||
      charset.text.toUpperCase() !== "UTF-8"
    )
      refuse("CHARSET", "only CHARSET UTF-8 is supported");
    position = 2;
  }
  const next = (): Token | undefined => tokens[position++];
  const value = (key: string): string => {
    const token = next();
    if (token === undefined || token.kind === "open" || token.kind === "close") refuse(key, `${key} needs a value`);
    return token.text;
  };
  const parseKey = (): SearchObject => {
    const token = next();
    if (token === undefined) refuse("", "the criteria end too early");
    if (token.kind === "close") refuse(")", "a closing parenthesis without its opening one");
    if (token.kind === "string")
      refuse(
        token.text,
        `"${token.text}" is a value without a search key before it (for example FROM "${token.text}")`,
      );
    if (token.kind === "open") {
      const inside: SearchObject[] = [];
      while (tokens[position]?.kind !== "close") {
        if (position >= tokens.length) refuse("(", "a parenthesis is not closed");
        inside.push(parseKey());
      }
      position++;
      if (inside.length === 0) refuse("()", "an empty parenthesized list");
      return andAll(inside);
    }
    const key = token.text.toUpperCase();
    const flag = FLAG_KEYS[key];
    if (flag) return flag;
    const stringKey = STRING_KEYS[key];
    if (stringKey) return { [stringKey]: value(key) };
    const dateKey = DATE_KEYS[key];
    if (dateKey) return { [dateKey]: imapDate(key, value(key)) };
    const numberKey = NUMBER_KEYS[key];
    if (numberKey) {
      const number = value(key);
      if (!/^\d{1,15}$/u.test(number)) refuse(key, `${key} needs a number of bytes, not "${number}"`);
      return { [numberKey]: Number(number) };
    }
    switch (key) {
      case "NOT":
        return { not: parseKey() };
      case "OR":
        return { or: [parseKey(), parseKey()] };
      case "HEADER": {
        const field = value(key);
        if (!/^[\x21-\x39\x3B-\x7E]+$/u.test(field)) refuse(key, `"${field}" is not a header field name`);
        return { header: { [field]: value(key) } };
      }
      case "KEYWORD":
      case "UNKEYWORD": {
        const keyword = value(key);
        if (!/^[^\s(){%*"\\\]]+$/u.test(keyword)) refuse(key, `"${keyword}" is not a keyword`);
        return { [key === "KEYWORD" ? "keyword" : "unKeyword"]: keyword };
      }
      case "UID": {
        const set = value(key);
        if (!/^(?:\d+|\*)(?::(?:\d+|\*))?(?:,(?:\d+|\*)(?::(?:\d+|\*))?)*$/u.test(set))
          refuse(key, `"${set}" is not a UID set`);
        return { uid: set };
      }
      default:
        refuse(
          token.text,
          `${token.text} is not an IMAP SEARCH key this server passes on (ALL, SEEN, UNSEEN, FLAGGED, ANSWERED, DELETED, DRAFT, NEW, OLD, RECENT and their UN- forms, FROM, TO, CC, BCC, SUBJECT, BODY, TEXT, HEADER, KEYWORD, UNKEYWORD, BEFORE, ON, SINCE, SENTBEFORE, SENTON, SENTSINCE, LARGER, SMALLER, UID, NOT, OR, parentheses)`,
        );
    }
  };
  const keys: SearchObject[] = [];
  while (position < tokens.length) keys.push(parseKey());
  if (keys.length === 0) refuse("", "the criteria are empty");
  return { criteria: andAll(keys) };
}

function tokenizeNative(query: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < query.length) {
    const char = query[index] ?? "";
    if (char === " " || char === "\t") {
      index++;
    } else if (char === "(" || char === ")") {
      tokens.push({ kind: char === "(" ? "open" : "close" });
      index++;
    } else if (char === '"') {
      let text = "";
      index++;
      while (index < query.length && query[index] !== '"') {
        if (query[index] === "\\" && index + 1 < query.length) index++;
        text += query[index];
        index++;
      }
      if (index >= query.length) refuse(query.slice(query.lastIndexOf('"')), "a quoted string is not closed");
      index++;
      tokens.push({ kind: "string", text });
    } else if (/[\p{Cc}{]/u.test(char)) {
      refuse(
        char === "{" ? "{" : JSON.stringify(char),
        char === "{"
          ? "literals ({n}) are not accepted; quote the value instead"
          : "control characters (line breaks) are not allowed",
      );
    } else {
      const start = index;
      while (index < query.length && !/[\s()"]/u.test(query[index] ?? "")) index++;
      tokens.push({ kind: "atom", text: query.slice(start, index) });
    }
  }
  return tokens;
}

function imapDate(key: string, text: string): Date {
  const match = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/u.exec(text);
  const month = match ? MONTHS.indexOf((match[2] ?? "").toLowerCase()) : -1;
  if (match === null || month < 0) refuse(key, `${key} needs a date like 1-Jan-2026, not "${text}"`);
  const date = new Date(Date.UTC(Number(match[3]), month, Number(match[1])));
  if (date.getUTCDate() !== Number(match[1])) refuse(key, `"${text}" is not a day of the calendar`);
  return date;
}

function refuse(term: string, why: string): never {
  throw new ParameterError("query", "query_term", `query: ${term === "" ? "" : `${term}: `}${why}.`);
}
