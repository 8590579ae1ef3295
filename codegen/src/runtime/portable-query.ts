// The portable search syntax of the spec (search.portable_terms and search.combining): a parser
// and the syntax's meaning on a message in memory. One copy, in codegen/src/runtime, which
// `pnpm gen` copies into generated/ so that the reference server (sandbox search, query checks)
// and the conformance runner (judging any server's results) read queries identically. Providers
// translate its AST (Gmail q, KQL, IMAP SEARCH). Hand-written: no published parser knows this
// subset, and refusing everything outside it (rather than guessing) is the point.

/** A term of the query, as the provider must honour it. `term` is the source text, for error messages. */
export type QueryNode =
  | { type: "and"; terms: QueryNode[] }
  | { type: "or"; terms: QueryNode[] }
  | { type: "not"; term: string; operand: QueryNode }
  | { type: "from" | "to" | "subject"; term: string; value: string }
  /** after: is inclusive, before: exclusive; day is YYYY-MM-DD, a UTC day. */
  | { type: "after" | "before"; term: string; day: string }
  | { type: "is_unread"; term: string }
  | { type: "has_attachment"; term: string }
  | { type: "word"; term: string; value: string }
  | { type: "phrase"; term: string; value: string };

/** A query outside the portable subset. The caller answers -32602, rule query_term, naming the term. */
export interface QueryError {
  term: string;
  message: string;
}

export type QueryParse = { ok: true; query: QueryNode } | { ok: false; error: QueryError };

const OPERATORS = "from:, to:, subject:, after:, before:, is:unread, has:attachment";

class QuerySyntaxError extends Error {
  constructor(
    readonly term: string,
    message: string,
  ) {
    super(message);
  }
}

export function parseSearchQuery(query: string): QueryParse {
  try {
    const tokens = tokenize(query);
    if (tokens.length === 0) throw new QuerySyntaxError(query, "The query has no terms.");
    return { ok: true, query: new Parser(tokens).parseQuery() };
  } catch (error) {
    if (error instanceof QuerySyntaxError) return { ok: false, error: { term: error.term, message: error.message } };
    throw error;
  }
}

/** Splits on whitespace outside double quotes; a quote without its closing partner is an error. */
function tokenize(query: string): string[] {
  const tokens: string[] = [];
  let index = 0;
  while (index < query.length) {
    while (index < query.length && isSpace(query[index])) index++;
    const start = index;
    while (index < query.length && !isSpace(query[index])) {
      if (query[index] === '"') {
        const closing = query.indexOf('"', index + 1);
        if (closing < 0) {
          const term = query.slice(start).trim();
          throw new QuerySyntaxError(term, `${quote(term)} has an opening double quote without a closing one.`);
        }
        index = closing + 1;
      } else {
        index++;
      }
    }
    if (index > start) tokens.push(query.slice(start, index));
  }
  return tokens;
}

function isSpace(char: string | undefined): boolean {
  return char !== undefined && /\s/u.test(char);
}

/**
 * query := or+ (implicit AND) ; or := unary ("OR" unary)* ; unary := "-"? term.
 * OR binds tighter than the implicit AND, and "-" tighter than OR, as search.combining says.
 */
class Parser {
  private position = 0;

  constructor(private readonly tokens: readonly string[]) {}

  parseQuery(): QueryNode {
    const terms: QueryNode[] = [];
    while (this.position < this.tokens.length) terms.push(this.parseOr());
    return terms.length === 1 && terms[0] !== undefined ? terms[0] : { type: "and", terms };
  }

  private parseOr(): QueryNode {
    const alternatives = [this.parseUnary()];
    while (this.tokens[this.position] === "OR") {
      this.position++;
      if (this.position >= this.tokens.length) throw new QuerySyntaxError("OR", "OR needs a term on each side.");
      alternatives.push(this.parseUnary());
    }
    return alternatives.length === 1 && alternatives[0] !== undefined
      ? alternatives[0]
      : { type: "or", terms: alternatives };
  }

  private parseUnary(): QueryNode {
    const token = this.tokens[this.position++] ?? "";
    if (token === "OR") throw new QuerySyntaxError("OR", "OR needs a term on each side.");
    if (token === "AND")
      throw new QuerySyntaxError(
        "AND",
        "AND is not in the portable syntax: terms separated by spaces must all hold already.",
      );
    if (token === "NOT")
      throw new QuerySyntaxError(
        "NOT",
        'NOT is not in the portable syntax: negate a term with a leading "-", as in -from:alice.',
      );
    if (!token.startsWith("-")) return parseTerm(token);
    const operand = token.slice(1);
    if (operand === "")
      throw new QuerySyntaxError(token, 'A lone "-" negates nothing; write it right before a term, as in -from:alice.');
    if (operand.startsWith("-")) throw new QuerySyntaxError(token, `${quote(token)} negates twice; use a single "-".`);
    return { type: "not", term: token, operand: parseTerm(operand) };
  }
}

function parseTerm(term: string): QueryNode {
  if (term.startsWith('"')) return { type: "phrase", term, value: quotedValue(term, term) };
  const operator = /^([A-Za-z][A-Za-z0-9_-]*):(.*)$/su.exec(term);
  if (operator === null) {
    if (term.includes('"'))
      throw new QuerySyntaxError(
        term,
        `${quote(term)}: double quotes must enclose a whole phrase or a whole operator value.`,
      );
    if (/[(){}]/u.test(term))
      throw new QuerySyntaxError(
        term,
        `${quote(term)}: parentheses and braces are not in the portable syntax; quote the text to search for it literally.`,
      );
    return { type: "word", term, value: term };
  }
  const name = (operator[1] ?? "").toLowerCase();
  const rawValue = operator[2] ?? "";
  const value = rawValue.startsWith('"') ? quotedValue(rawValue, term) : unquotedValue(rawValue, term);
  switch (name) {
    case "from":
    case "to":
    case "subject":
      if (value.trim() === "")
        throw new QuerySyntaxError(term, `${quote(term)}: ${name}: needs a value, as in ${name}:alice.`);
      return { type: name, term, value };
    case "after":
    case "before":
      return { type: name, term, day: parseDay(value, term) };
    case "is":
      if (value.toLowerCase() !== "unread")
        throw new QuerySyntaxError(term, `${quote(term)}: the portable syntax has is:unread only.`);
      return { type: "is_unread", term };
    case "has":
      if (value.toLowerCase() !== "attachment")
        throw new QuerySyntaxError(term, `${quote(term)}: the portable syntax has has:attachment only.`);
      return { type: "has_attachment", term };
    default:
      throw new QuerySyntaxError(
        term,
        `${quote(term)}: ${operator[1] ?? name}: is not an operator of the portable syntax (${OPERATORS}). Quote the text to search for it literally, or use syntax "native".`,
      );
  }
}

function quotedValue(text: string, term: string): string {
  const inner = text.slice(1, -1);
  if (text.length < 2 || !text.endsWith('"') || inner.includes('"')) {
    throw new QuerySyntaxError(
      term,
      `${quote(term)}: double quotes must enclose a whole phrase or a whole operator value.`,
    );
  }
  if (inner.trim() === "") throw new QuerySyntaxError(term, `${quote(term)}: the quoted phrase is empty.`);
  return inner;
}

function unquotedValue(text: string, term: string): string {
  if (text.includes('"'))
    throw new QuerySyntaxError(
      term,
      `${quote(term)}: double quotes must enclose a whole phrase or a whole operator value.`,
    );
  return text;
}

/** YYYY/MM/DD or YYYY-MM-DD, a real calendar day; returns YYYY-MM-DD. */
function parseDay(value: string, term: string): string {
  const match = /^(\d{4})([/-])(\d{1,2})\2(\d{1,2})$/u.exec(value);
  const [year, month, day] = match === null ? [NaN, NaN, NaN] : [Number(match[1]), Number(match[3]), Number(match[4])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (
    match === null ||
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day
  ) {
    throw new QuerySyntaxError(
      term,
      `${quote(term)}: the date must be a real day written YYYY/MM/DD or YYYY-MM-DD, as in after:2026/01/31.`,
    );
  }
  return date.toISOString().slice(0, 10);
}

function quote(term: string): string {
  return `"${term}"`;
}

// ---------------------------------------------------------------------------------------------
// In-memory evaluation.

export interface SearchableAddress {
  name: string | null;
  address: string;
}

/** What a portable query can look at in a message. */
export interface SearchableMessage {
  from: SearchableAddress | null;
  to: readonly SearchableAddress[];
  cc: readonly SearchableAddress[];
  subject: string;
  /** The plain-text body. */
  body: string;
  /** ISO 8601 or a Date. */
  date: string | Date;
  unread: boolean;
  /** At least one attachment that is not inline. */
  has_attachments: boolean;
}

/** Whether a message matches a parsed query, with the meanings of search.portable_terms. */
export function matchesQuery(query: QueryNode, message: SearchableMessage): boolean {
  return evaluate(query, new FoldedMessage(message));
}

/** Whether evaluating the query may look at a message's body (only word and phrase terms do). */
export function queryReadsBody(node: QueryNode): boolean {
  switch (node.type) {
    case "and":
    case "or":
      return node.terms.some(queryReadsBody);
    case "not":
      return queryReadsBody(node.operand);
    case "word":
    case "phrase":
      return true;
    default:
      return false;
  }
}

function evaluate(node: QueryNode, message: FoldedMessage): boolean {
  switch (node.type) {
    case "and":
      return node.terms.every((term) => evaluate(term, message));
    case "or":
      return node.terms.some((term) => evaluate(term, message));
    case "not":
      return !evaluate(node.operand, message);
    case "from":
      return message.from().some((text) => text.includes(fold(node.value)));
    case "to":
      return message.recipients().some((text) => text.includes(fold(node.value)));
    case "subject":
      return message.subject().includes(fold(node.value));
    case "after":
      return message.time() >= Date.parse(`${node.day}T00:00:00.000Z`);
    case "before":
      return message.time() < Date.parse(`${node.day}T00:00:00.000Z`);
    case "is_unread":
      return message.source.unread;
    case "has_attachment":
      return message.source.has_attachments;
    case "word":
    case "phrase": {
      const needle = fold(node.value);
      return message.subject().includes(needle) || message.body().includes(needle);
    }
  }
}

/**
 * "Case-insensitively" as Unicode compatibility-folded lower case, the same for every locale, so
 * that the sandbox and the conformance runner agree whatever machine they run on.
 */
function fold(text: string): string {
  return text.normalize("NFKC").toLowerCase();
}

/** Folds each field once per message, and only when a term looks at it. */
class FoldedMessage {
  private cache = new Map<string, unknown>();

  constructor(readonly source: SearchableMessage) {}

  from(): string[] {
    return this.memo("from", () => (this.source.from === null ? [] : addressTexts(this.source.from)));
  }

  recipients(): string[] {
    return this.memo("recipients", () => [...this.source.to, ...this.source.cc].flatMap(addressTexts));
  }

  subject(): string {
    return this.memo("subject", () => fold(this.source.subject));
  }

  body(): string {
    return this.memo("body", () => fold(this.source.body));
  }

  time(): number {
    return this.memo("time", () => new Date(this.source.date).getTime());
  }

  private memo<T>(key: string, compute: () => T): T {
    if (!this.cache.has(key)) this.cache.set(key, compute());
    return this.cache.get(key) as T;
  }
}

function addressTexts(address: SearchableAddress): string[] {
  return address.name === null ? [fold(address.address)] : [fold(address.address), fold(address.name)];
}
