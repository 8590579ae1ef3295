// The OData query options of the fake's message collections, with Graph's documented rules for
// messages: $search (KQL) returns at most 1,000 results sorted by sent date, and cannot be combined
// with $orderby or $filter; a $filter with an $orderby must name the orderby property first,
// else InefficientFilter; $count gives @odata.count. Hand-written: no library evaluates KQL or
// Graph's $filter dialect against objects in memory.
import type { StoredMessage } from "./graph-mailbox.js";

export const SEARCH_RESULT_CEILING = 1000;

export class ODataError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface CollectionQuery {
  top: number;
  skip: number;
  filter: ((stored: StoredMessage) => boolean) | undefined;
  search: ((stored: StoredMessage) => boolean) | undefined;
  orderByReceivedDesc: boolean;
  count: boolean;
  select: string[] | undefined;
}

/** The query options of a request URL, or the error Graph answers them with. */
export function readCollectionQuery(url: URL): CollectionQuery {
  const get = (name: string) => url.searchParams.get(name) ?? undefined;
  const search = get("$search");
  const skip = get("$skip");
  const orderBy = get("$orderby");
  const filter = get("$filter");
  if (search !== undefined) {
    if (orderBy !== undefined)
      throw new ODataError(400, "BadRequest", "The query parameter '$orderBy' is not supported with '$search'.");
    if (filter !== undefined)
      throw new ODataError(400, "BadRequest", "The query parameter '$filter' is not supported with '$search'.");
  }
  if (orderBy !== undefined && orderBy.replace(/\s+/gu, " ").trim() !== "receivedDateTime desc") {
    throw new ODataError(400, "BadRequest", `The fake orders by 'receivedDateTime desc' only, not '${orderBy}'.`);
  }
  const parsedFilter = filter === undefined ? undefined : parseFilter(filter);
  if (parsedFilter !== undefined && orderBy !== undefined && parsedFilter.properties[0] !== "receivedDateTime") {
    throw new ODataError(400, "InefficientFilter", "The restriction or sort order is too complex for this operation.");
  }
  const top = Number(get("$top") ?? 10);
  if (!Number.isInteger(top) || top < 1 || top > 1000)
    throw new ODataError(400, "BadRequest", `Invalid $top value '${get("$top")}'.`);
  const skipped = Number(skip ?? 0);
  if (!Number.isInteger(skipped) || skipped < 0)
    throw new ODataError(400, "BadRequest", `Invalid $skip value '${skip}'.`);
  return {
    top,
    skip: skipped,
    filter: parsedFilter?.test,
    search: search === undefined ? undefined : parseKql(unquoteSearch(search)),
    orderByReceivedDesc: orderBy !== undefined,
    count: get("$count") === "true",
    select: get("$select")
      ?.split(",")
      .map((name) => name.trim()),
  };
}

/** Graph wants the $search value in double quotes, inner quotes escaped with a backslash. */
function unquoteSearch(value: string): string {
  if (value.length < 2 || !value.startsWith('"') || !value.endsWith('"')) {
    throw new ODataError(400, "BadRequest", "Syntax error: the $search value must be enclosed in double quotes.");
  }
  return value.slice(1, -1).replace(/\\(["\\])/gu, "$1");
}

// ---- $filter -------------------------------------------------------------------------------

type Value = string | number | boolean | null;
const FILTERABLE: Record<string, (stored: StoredMessage) => Value> = {
  isRead: (s) => s.message.isRead,
  hasAttachments: (s) => s.message.hasAttachments ?? false,
  receivedDateTime: (s) => s.message.receivedDateTime,
  sentDateTime: (s) => s.message.sentDateTime ?? null,
  subject: (s) => s.message.subject ?? "",
  parentFolderId: (s) => s.message.parentFolderId,
  conversationId: (s) => s.message.conversationId,
  "from/emailAddress/address": (s) => s.message.from?.emailAddress?.address ?? null,
};

interface ParsedFilter {
  test: (stored: StoredMessage) => boolean;
  /** The properties in the order the filter names them (for InefficientFilter). */
  properties: string[];
}

function parseFilter(source: string): ParsedFilter {
  const tokens = source.match(/'(?:[^']|'')*'|\(|\)|[^\s()]+/gu) ?? [];
  const properties: string[] = [];
  let at = 0;
  const fail = (why: string): never => {
    throw new ODataError(400, "BadRequest", `Invalid filter clause: ${why}`);
  };
  const peek = () => tokens[at]?.toLowerCase();
  const orExpr = (): ((s: StoredMessage) => boolean) => {
    const terms = [andExpr()];
    while (peek() === "or") {
      at++;
      terms.push(andExpr());
    }
    return (s) => terms.some((term) => term(s));
  };
  const andExpr = (): ((s: StoredMessage) => boolean) => {
    const terms = [unary()];
    while (peek() === "and") {
      at++;
      terms.push(unary());
    }
    return (s) => terms.every((term) => term(s));
  };
  const unary = (): ((s: StoredMessage) => boolean) => {
    if (peek() === "not") {
      at++;
      const operand = unary();
      return (s) => !operand(s);
    }
    if (peek() === "(") {
      at++;
      const inner = orExpr();
      if (tokens[at++] !== ")") fail("missing ')'");
      return inner;
    }
    const property = tokens[at++] ?? fail("unexpected end");
    const operator = (tokens[at++] ?? fail("unexpected end")).toLowerCase();
    const literal = readLiteral(tokens[at++] ?? fail("unexpected end"));
    const read = FILTERABLE[property];
    if (read === undefined) {
      if (/^(to|cc|bcc)Recipients/iu.test(property))
        throw new ODataError(400, "ErrorInvalidProperty", `The property '${property}' does not support filtering.`);
      fail(`could not find a property named '${property}' on type 'microsoft.graph.message'`);
    }
    properties.push(property);
    const compare = COMPARISONS[operator] ?? fail(`unknown operator '${operator}'`);
    return (s) => compare((read as (stored: StoredMessage) => Value)(s), literal);
  };
  const test = orExpr();
  if (at !== tokens.length) fail(`unexpected '${tokens[at]}'`);
  return { test, properties };
}

function readLiteral(token: string): Value {
  if (token === "true" || token === "false") return token === "true";
  if (token === "null") return null;
  if (token.startsWith("'")) return token.slice(1, -1).replace(/''/gu, "'");
  if (/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z)?$/u.test(token)) return new Date(token).toISOString();
  if (/^-?\d+$/u.test(token)) return Number(token);
  throw new ODataError(400, "BadRequest", `Invalid filter clause: unreadable literal '${token}'`);
}

const COMPARISONS: Record<string, (left: Value, right: Value) => boolean> = {
  eq: (l, r) => l === r,
  ne: (l, r) => l !== r,
  gt: (l, r) => l !== null && r !== null && l > r,
  ge: (l, r) => l !== null && r !== null && l >= r,
  lt: (l, r) => l !== null && r !== null && l < r,
  le: (l, r) => l !== null && r !== null && l <= r,
};

// ---- $search (KQL) ----------------------------------------------------------------------------

type Matcher = (stored: StoredMessage) => boolean;

const contains = (haystack: string, needle: string) => haystack.toLowerCase().includes(needle.toLowerCase());
const recipientText = (list: StoredMessage["message"]["toRecipients"]) =>
  (list ?? []).map((r) => `${r.emailAddress?.name ?? ""} ${r.emailAddress?.address ?? ""}`).join(" ");
const fromText = (s: StoredMessage) =>
  `${s.message.from?.emailAddress?.name ?? ""} ${s.message.from?.emailAddress?.address ?? ""}`;

const KQL_TEXT_PROPERTIES: Record<string, (s: StoredMessage) => string> = {
  from: fromText,
  to: (s) => recipientText(s.message.toRecipients),
  cc: (s) => recipientText(s.message.ccRecipients),
  bcc: (s) => recipientText(s.message.bccRecipients),
  recipients: (s) =>
    recipientText([
      ...(s.message.toRecipients ?? []),
      ...(s.message.ccRecipients ?? []),
      ...(s.message.bccRecipients ?? []),
    ]),
  participants: (s) =>
    `${fromText(s)} ${recipientText([...(s.message.toRecipients ?? []), ...(s.message.ccRecipients ?? []), ...(s.message.bccRecipients ?? [])])}`,
  subject: (s) => s.message.subject ?? "",
  body: (s) => s.bodyText,
  attachment: (s) => s.attachmentNames.join(" "),
};
const KQL_DATE_PROPERTIES: Record<string, (s: StoredMessage) => string> = {
  received: (s) => s.message.receivedDateTime,
  sent: (s) => s.message.sentDateTime ?? s.message.receivedDateTime,
};

/** KQL as Outlook's $search reads it: property restrictions, words and phrases (from, subject, body by default), AND, OR, NOT, parentheses. */
export function parseKql(source: string): Matcher {
  const tokens = source.match(/\(|\)|(?:[A-Za-z]+(?::|>=|<=|>|<|=))?"(?:[^"])*"|[^\s()]+/gu) ?? [];
  let at = 0;
  const fail = (why: string): never => {
    throw new ODataError(400, "BadRequest", `Syntax error in $search: ${why}`);
  };
  const startsTerm = () => at < tokens.length && tokens[at] !== ")" && tokens[at] !== "OR" && tokens[at] !== "AND";
  const orExpr = (): Matcher => {
    const terms = [andExpr()];
    while (tokens[at] === "OR") {
      at++;
      terms.push(andExpr());
    }
    return (s) => terms.some((term) => term(s));
  };
  const andExpr = (): Matcher => {
    const terms = [unary()];
    for (;;) {
      if (tokens[at] === "AND") at++;
      else if (!startsTerm()) break;
      terms.push(unary());
    }
    return (s) => terms.every((term) => term(s));
  };
  const unary = (): Matcher => {
    const token = tokens[at++] ?? fail("unexpected end of query");
    if (token === "NOT") {
      const operand = unary();
      return (s) => !operand(s);
    }
    if (token === "(") {
      const inner = orExpr();
      if (tokens[at++] !== ")") fail("missing ')'");
      return inner;
    }
    return restriction(token, fail);
  };
  if (tokens.length === 0) fail("empty query");
  const matcher = orExpr();
  if (at !== tokens.length) fail(`unexpected '${tokens[at]}'`);
  return matcher;
}

function restriction(token: string, fail: (why: string) => never): Matcher {
  const match = /^([A-Za-z]+)(:|>=|<=|>|<|=)(.*)$/su.exec(token);
  const unquote = (value: string) =>
    value.startsWith('"') && value.endsWith('"') && value.length >= 2 ? value.slice(1, -1) : value;
  if (match === null) {
    const value = unquote(token);
    return (s) =>
      contains(fromText(s), value) || contains(s.message.subject ?? "", value) || contains(s.bodyText, value);
  }
  const [, rawProperty = "", operator = "", rawValue = ""] = match;
  const property = rawProperty.toLowerCase();
  const value = unquote(rawValue);
  if (property === "hasattachment" || property === "hasattachments") {
    const wanted = value.toLowerCase() === "true";
    return (s) => (s.message.hasAttachments ?? false) === wanted;
  }
  const text = KQL_TEXT_PROPERTIES[property];
  if (text !== undefined && operator === ":") return (s) => contains(text(s), value);
  const date = KQL_DATE_PROPERTIES[property];
  if (date !== undefined) {
    const day = /^\d{4}-\d{2}-\d{2}$/u.test(value) ? value : fail(`'${value}' is not a date (YYYY-MM-DD)`);
    const dayOf = (s: StoredMessage) => date(s).slice(0, 10);
    const compare: Record<string, (d: string) => boolean> = {
      ":": (d) => d === day,
      "=": (d) => d === day,
      ">=": (d) => d >= day,
      ">": (d) => d > day,
      "<=": (d) => d <= day,
      "<": (d) => d < day,
    };
    const test = compare[operator] ?? fail(`operator '${operator}'`);
    return (s) => test(dayOf(s));
  }
  return fail(`unknown property '${property}'`);
}
