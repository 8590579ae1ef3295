import { describe, expect, it } from "vitest";
import { SEARCH } from "@mcpemails/generated";
import {
  matchesQuery,
  parseSearchQuery,
  queryReadsBody,
  type QueryNode,
  type SearchableMessage,
} from "./portable-query.js";

function parsed(query: string): QueryNode {
  const result = parseSearchQuery(query);
  if (!result.ok) throw new Error(`expected ${query} to parse: ${result.error.message}`);
  return result.query;
}

function refused(query: string) {
  const result = parseSearchQuery(query);
  if (result.ok) throw new Error(`expected ${query} to be refused, got ${JSON.stringify(result.query)}`);
  return result.error;
}

const quarterlyReport: SearchableMessage = {
  from: { name: "Alice Martin", address: "alice@example.com" },
  to: [{ name: null, address: "agent@example.org" }],
  cc: [{ name: "Carol Dupré", address: "carol@example.net" }],
  subject: "Quarterly report",
  body: "Hi, the Q3 figures are attached. Could you check the totals by Friday?",
  date: "2026-11-20T09:14:03.000Z",
  unread: true,
  has_attachments: true,
};

function matches(query: string, message: Partial<SearchableMessage> = {}): boolean {
  return matchesQuery(parsed(query), { ...quarterlyReport, ...message });
}

describe("parseSearchQuery: the portable terms", () => {
  it("reads every portable term of the spec into its node", () => {
    expect(parsed("from:alice@example.com")).toEqual({
      type: "from",
      term: "from:alice@example.com",
      value: "alice@example.com",
    });
    expect(parsed("to:bob")).toEqual({ type: "to", term: "to:bob", value: "bob" });
    expect(parsed('subject:"quarterly report"')).toEqual({
      type: "subject",
      term: 'subject:"quarterly report"',
      value: "quarterly report",
    });
    expect(parsed("after:2026/01/31")).toEqual({ type: "after", term: "after:2026/01/31", day: "2026-01-31" });
    expect(parsed("before:2026-02-01")).toEqual({ type: "before", term: "before:2026-02-01", day: "2026-02-01" });
    expect(parsed("is:unread")).toEqual({ type: "is_unread", term: "is:unread" });
    expect(parsed("has:attachment")).toEqual({ type: "has_attachment", term: "has:attachment" });
    expect(parsed('"exact phrase"')).toEqual({ type: "phrase", term: '"exact phrase"', value: "exact phrase" });
    expect(parsed("invoice")).toEqual({ type: "word", term: "invoice", value: "invoice" });
    expect(parsed("-invoice")).toEqual({
      type: "not",
      term: "-invoice",
      operand: { type: "word", term: "invoice", value: "invoice" },
    });
  });

  it("covers every form the spec lists", () => {
    // A new portable term in the spec must reach this parser: this list has to be updated with it.
    expect(SEARCH.portable_terms.map((term) => term.form)).toEqual([
      "from:<text>",
      "to:<text>",
      "subject:<text>",
      "after:<YYYY/MM/DD>",
      "before:<YYYY/MM/DD>",
      "is:unread",
      "has:attachment",
      '"<phrase>"',
      "<word>",
      "<term> OR <term>",
      "-<term>",
    ]);
  });

  it("combines terms: spaces mean AND, OR binds tighter than AND, - binds tightest", () => {
    expect(parsed("from:alice invoice OR receipt -draft")).toEqual({
      type: "and",
      terms: [
        { type: "from", term: "from:alice", value: "alice" },
        {
          type: "or",
          terms: [
            { type: "word", term: "invoice", value: "invoice" },
            { type: "word", term: "receipt", value: "receipt" },
          ],
        },
        { type: "not", term: "-draft", operand: { type: "word", term: "draft", value: "draft" } },
      ],
    });
    expect(parsed('-from:bob OR "q3 figures"')).toMatchObject({
      type: "or",
      terms: [{ type: "not" }, { type: "phrase" }],
    });
  });

  it("reads operator names case-insensitively but OR only in capitals, like Gmail", () => {
    expect(parsed("FROM:alice")).toMatchObject({ type: "from", value: "alice" });
    expect(parsed("cats or dogs")).toMatchObject({
      type: "and",
      terms: [{ value: "cats" }, { value: "or" }, { value: "dogs" }],
    });
  });

  it("keeps words with a colon that are not operators, such as times", () => {
    expect(parsed("10:30")).toEqual({ type: "word", term: "10:30", value: "10:30" });
  });
});

describe("parseSearchQuery: anything outside the subset is refused, naming the term", () => {
  it.each([
    ["label:work", "label:work", "label:"],
    ["from:alice larger:5M", "larger:5M", "larger:"],
    ["in:inbox", "in:inbox", "in:"],
    ["is:starred", "is:starred", "is:unread only"],
    ["has:drive", "has:drive", "has:attachment only"],
    ["after:2026/02/30", "after:2026/02/30", "real day"],
    ["before:yesterday", "before:yesterday", "real day"],
    ["after:", "after:", "real day"],
    ["from:", "from:", "needs a value"],
    ['subject:"open', 'subject:"open', "closing"],
    ['hello "world', '"world', "closing"],
    ['ab"cd"', 'ab"cd"', "whole phrase"],
    ['""', '""', "empty"],
    ["(a OR b)", "(a", "parentheses"],
    ["OR invoice", "OR", "each side"],
    ["invoice OR", "OR", "each side"],
    ["a OR OR b", "OR", "each side"],
    ["a AND b", "AND", "AND"],
    ["NOT spam", "NOT", "-"],
    ["- spam", "-", "negates nothing"],
    ["--spam", "--spam", "negates twice"],
    ["   ", "   ", "no terms"],
  ])("%s is refused, naming %s", (query, term, hint) => {
    const error = refused(query);
    expect(error.term).toBe(term);
    expect(error.message).toContain(hint);
  });

  it("suggests quoting or the native syntax for an unknown operator", () => {
    expect(refused("http://example.com").message).toMatch(/Quote the text.*syntax "native"/);
    expect(parsed('"http://example.com"')).toMatchObject({ type: "phrase", value: "http://example.com" });
  });
});

describe("matchesQuery: the meanings of search.portable_terms", () => {
  it("from: matches the From address or display name, case-insensitively", () => {
    expect(matches("from:ALICE@example")).toBe(true);
    expect(matches("from:martin")).toBe(true);
    expect(matches("from:bob")).toBe(false);
    expect(matches("from:alice", { from: null })).toBe(false);
  });

  it("to: matches a To or Cc address or display name", () => {
    expect(matches("to:agent@example.org")).toBe(true);
    expect(matches("to:dupré")).toBe(true);
    expect(matches("to:carol@")).toBe(true);
    expect(matches("to:alice")).toBe(false);
  });

  it("subject: looks at the subject only", () => {
    expect(matches("subject:quarterly")).toBe(true);
    expect(matches('subject:"quarterly report"')).toBe(true);
    expect(matches("subject:figures")).toBe(false);
  });

  it("after: is inclusive and before: exclusive, by UTC day", () => {
    expect(matches("after:2026/11/20")).toBe(true);
    expect(matches("after:2026/11/21")).toBe(false);
    expect(matches("before:2026/11/20")).toBe(false);
    expect(matches("before:2026-11-21")).toBe(true);
    expect(matches("after:2026/11/20", { date: "2026-11-19T23:59:59.999Z" })).toBe(false);
  });

  it("is:unread and has:attachment read the flags", () => {
    expect(matches("is:unread")).toBe(true);
    expect(matches("is:unread", { unread: false })).toBe(false);
    expect(matches("has:attachment")).toBe(true);
    expect(matches("has:attachment", { has_attachments: false })).toBe(false);
  });

  it("words and phrases look at the subject and the body, case-insensitively", () => {
    expect(matches("totals")).toBe(true);
    expect(matches("QUARTERLY")).toBe(true);
    expect(matches('"check the totals"')).toBe(true);
    expect(matches('"the totals check"')).toBe(false);
    expect(matches("unicorn")).toBe(false);
  });

  it("folds Unicode the same everywhere (full-width letters, composed accents)", () => {
    expect(matches("ｆｉｇｕｒｅｓ")).toBe(true);
    expect(matches("to:Dupre\u0301")).toBe(true);
  });

  it("combines: all terms must hold, OR needs one side, - inverts", () => {
    expect(matches("from:alice totals")).toBe(true);
    expect(matches("from:alice unicorn")).toBe(false);
    expect(matches("unicorn OR totals")).toBe(true);
    expect(matches("-from:alice")).toBe(false);
    expect(matches("-from:bob has:attachment")).toBe(true);
    expect(matches("-unicorn OR -totals")).toBe(true);
  });
});

describe("queryReadsBody: only word and phrase terms, wherever they are nested, look at the body", () => {
  const reads = (query: string) => {
    const parsed = parseSearchQuery(query);
    if (!parsed.ok) throw new Error(parsed.error.message);
    return queryReadsBody(parsed.query);
  };

  it("is false for operators alone", () => {
    for (const query of [
      "from:alice",
      "to:bob subject:report",
      "after:2025-01-01 before:2025-02-01",
      "is:unread OR has:attachment",
      "-from:alice",
      'subject:"quarterly report"',
    ]) {
      expect(reads(query), query).toBe(false);
    }
  });

  it("is true as soon as a word or a phrase appears, also negated or in an OR", () => {
    for (const query of [
      "invoice",
      '"quarterly report"',
      "from:alice invoice",
      "is:unread OR invoice",
      "-invoice",
      'from:alice -"draft copy"',
    ]) {
      expect(reads(query), query).toBe(true);
    }
  });
});
