import { parseSearchQuery, type QueryNode } from "@mcpemails/generated";
import { describe, expect, it } from "vitest";
import { ParameterError } from "../provider.js";
import { nativeToImap, portableToImap } from "./imap-search.js";

const portable = (query: string) => {
  const parsed = parseSearchQuery(query);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return portableToImap(parsed.query as QueryNode);
};

describe("portable queries as imapflow search criteria", () => {
  it("map each operator to its IMAP key", () => {
    expect(portable("from:alice").criteria).toEqual({ from: "alice" });
    expect(portable("to:bob").criteria).toEqual({ or: [{ to: "bob" }, { cc: "bob" }] });
    expect(portable("subject:report").criteria).toEqual({ subject: "report" });
    expect(portable("is:unread").criteria).toEqual({ seen: false });
    expect(portable("after:2026/01/02").criteria).toEqual({ sentSince: new Date("2026-01-02T00:00:00Z") });
    expect(portable("before:2026-01-02").criteria).toEqual({ sentBefore: new Date("2026-01-02T00:00:00Z") });
    expect(portable("invoice").criteria).toEqual({ or: [{ subject: "invoice" }, { body: "invoice" }] });
    expect(portable('"weekly deals"').criteria).toEqual({
      or: [{ subject: "weekly deals" }, { body: "weekly deals" }],
    });
  });

  it("AND every term, keeping repeated keys apart instead of overwriting one with the other", () => {
    expect(portable("from:alice subject:x").criteria).toEqual({ from: "alice", subject: "x" });
    expect(portable("from:alice from:example.com").criteria).toEqual({
      or: [{ from: "alice" }],
      not: { not: { from: "example.com" } },
    });
  });

  it("keep OR and - as OR and NOT", () => {
    expect(portable("from:alice OR from:bob -subject:spam").criteria).toEqual({
      or: [{ from: "alice" }, { from: "bob" }],
      not: { subject: "spam" },
    });
  });

  it("answer has:attachment after the search, as a filter on the whole query", () => {
    expect(portable("has:attachment from:bob")).toEqual({ criteria: { from: "bob" }, attachment: true });
    expect(portable("-has:attachment")).toEqual({ criteria: { all: true }, attachment: false });
  });

  it("narrow has:attachment inside OR or a negated group to candidates first, then ask again with the UIDs that have one", () => {
    const query = portable("has:attachment OR from:bob");
    expect(query.criteria).toEqual({ or: [{ all: true }, { from: "bob" }] });
    expect(query.exact?.("3:5,9")).toEqual({ or: [{ uid: "3:5,9" }, { from: "bob" }] });
    expect(query.exact?.("")).toEqual({ or: [{ not: { all: true } }, { from: "bob" }] });
  });

  it("read a negated has:attachment inside OR the other way round, so the candidates still hold every match", () => {
    const query = portable("-has:attachment OR subject:x");
    expect(query.criteria).toEqual({ or: [{ not: { not: { all: true } } }, { subject: "x" }] });
    expect(query.exact?.("7")).toEqual({ or: [{ not: { uid: "7" } }, { subject: "x" }] });
  });

  it("ask once when has:attachment applies to the whole query", () => {
    expect(portable("has:attachment from:bob").exact).toBeUndefined();
  });
});

describe("native IMAP SEARCH criteria", () => {
  it("are parsed into structured criteria", () => {
    expect(nativeToImap('FROM "alice" SINCE 1-Jan-2026').criteria).toEqual({
      from: "alice",
      since: new Date("2026-01-01T00:00:00Z"),
    });
    expect(nativeToImap("UNSEEN LARGER 1000").criteria).toEqual({ seen: false, larger: 1000 });
    expect(nativeToImap('OR FROM bob (SUBJECT "a b" NOT SEEN)').criteria).toEqual({
      or: [{ from: "bob" }, { subject: "a b", not: { seen: true } }],
    });
    expect(nativeToImap('HEADER X-Mailer "mutt" UID 1:*').criteria).toEqual({
      header: { "X-Mailer": "mutt" },
      uid: "1:*",
    });
    expect(nativeToImap('CHARSET UTF-8 BODY "café"').criteria).toEqual({ body: "café" });
  });

  it("keep a quoted value whole, quotes and backslashes included, so nothing can leave the value", () => {
    expect(nativeToImap('SUBJECT "a \\" OR ALL"').criteria).toEqual({ subject: 'a " OR ALL' });
  });

  it.each([
    ["X-GM-RAW foo", "X-GM-RAW"],
    ["FROM", "FROM needs a value"],
    ["SINCE 2026-01-01", "like 1-Jan-2026"],
    ["SINCE 31-Feb-2026", "not a day"],
    ['SUBJECT "open', "not closed"],
    ["(FROM a", "not closed"],
    ["FROM {5}\r\nhello", "literals"],
    ["FROM a\r\nX DELETE INBOX", "control characters"],
    ["CHARSET ISO-8859-1 FROM a", "CHARSET UTF-8"],
    ['"alice"', "without a search key"],
    ["1:5", "1:5"],
  ])("refuse %j with -32602 on query (%s)", (query, words) => {
    let thrown: unknown;
    try {
      nativeToImap(query);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ParameterError);
    expect((thrown as ParameterError).parameter).toBe("query");
    expect((thrown as ParameterError).rule).toBe("query_term");
    expect((thrown as ParameterError).message).toContain(words);
  });
});
