// The portable subset in Graph's query languages: KQL for everything but unread, $filter for unread
// with what $filter can test, KQL with the read state checked where is:unread only narrows, and a
// -32602 naming the term for a mix none can answer.
import { describe, expect, it } from "vitest";
import { ParameterError } from "../provider.js";
import { parsePortableQuery } from "../search-params.js";
import { portableToGraph, quoteSearch } from "./graph-query.js";

const graph = (query: string) => portableToGraph(parsePortableQuery(query));

describe("portableToGraph", () => {
  it("writes addresses, subjects, dates, attachments, words, OR and negation as KQL, To covering Cc", () => {
    expect(
      graph('from:alice to:bob subject:"q3 report" after:2026/01/01 before:2026-02-01 has:attachment invoice -draft'),
    ).toEqual({
      kind: "search",
      search: quoteSearch(
        '(from:"alice") AND (to:"bob" OR cc:"bob") AND (subject:"q3 report") AND (sent>=2026-01-01) AND (sent<2026-02-01) AND (hasattachment:true) AND (subject:"invoice" OR body:"invoice") AND (NOT (subject:"draft" OR body:"draft"))',
      ),
    });
    expect(graph("from:alice OR from:bob")).toEqual({
      kind: "search",
      search: quoteSearch('(from:"alice") OR (from:"bob")'),
    });
  });

  it("answers is:unread with $filter, together with attachments and dates", () => {
    expect(graph("is:unread has:attachment after:2026/03/01")).toEqual({
      kind: "filter",
      filter: "(isRead eq false) and (hasAttachments eq true) and (sentDateTime ge 2026-03-01T00:00:00Z)",
    });
  });

  it("answers is:unread (or -is:unread) next to terms only KQL can test with a $search whose results' read state is checked", () => {
    expect(graph("is:unread to:bob")).toEqual({
      kind: "search-keeping-read-state",
      search: quoteSearch('to:"bob" OR cc:"bob"'),
      unread: true,
    });
    expect(graph("from:0 is:unread")).toEqual({
      kind: "search-keeping-read-state",
      search: quoteSearch('from:"0"'),
      unread: true,
    });
    expect(graph("-is:unread invoice has:attachment")).toEqual({
      kind: "search-keeping-read-state",
      search: quoteSearch('(subject:"invoice" OR body:"invoice") AND (hasattachment:true)'),
      unread: false,
    });
    expect(graph("is:unread from:bob OR -subject:x")).toEqual({
      kind: "search-keeping-read-state",
      search: quoteSearch('(from:"bob") OR (NOT (subject:"x"))'),
      unread: true,
    });
  });

  it("refuses is:unread where the read state does not only narrow a KQL query, naming the term $filter cannot test", () => {
    for (const [query, term] of [
      ["is:unread OR subject:x", "subject:x"],
      ["-is:unread OR from:a", "from:a"],
    ] as const) {
      const error = (() => {
        try {
          graph(query);
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(ParameterError);
      expect((error as ParameterError).toData()).toMatchObject({
        parameter: "query",
        rule: "query_term",
        message: expect.stringContaining(`"${term}"`),
      });
    }
  });

  it("quotes a native query for $search, escaping its own quotes", () => {
    expect(quoteSearch('subject:"a b" AND from:c')).toBe('"subject:\\"a b\\" AND from:c"');
  });
});
