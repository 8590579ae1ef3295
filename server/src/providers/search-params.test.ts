import { describe, expect, it } from "vitest";
import { ParameterError } from "./provider.js";
import { parsePortableQuery, standardFolders } from "./search-params.js";

describe("parsePortableQuery", () => {
  it("gives the parsed query", () => {
    expect(parsePortableQuery("is:unread")).toEqual({ type: "is_unread", term: "is:unread" });
  });

  it("turns a term outside the subset into -32602 data: parameter query, rule query_term, the term named", () => {
    try {
      parsePortableQuery("from:alice larger:5M");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ParameterError);
      expect((error as ParameterError).toData()).toEqual({
        parameter: "query",
        rule: "query_term",
        message:
          'query: "larger:5M": larger: is not an operator of the portable syntax (from:, to:, subject:, after:, before:, is:unread, has:attachment). Quote the text to search for it literally, or use syntax "native".',
      });
    }
  });
});

describe("standardFolders", () => {
  it("is all four folders when include_folders is absent", () => {
    expect(standardFolders(undefined)).toEqual(["INBOX", "SENT", "DRAFTS", "TRASH"]);
  });

  it("keeps the folders asked for", () => {
    expect(standardFolders(["TRASH", "INBOX"])).toEqual(["TRASH", "INBOX"]);
  });

  it("refuses any other name, naming its path (rule enum)", () => {
    expect(() => standardFolders(["INBOX", "inbox"])).toThrow(
      expect.objectContaining({
        parameter: "include_folders[1]",
        rule: "enum",
        message: 'include_folders[1]: "inbox" is not a folder of this inbox; use INBOX, SENT, DRAFTS, TRASH.',
      }),
    );
  });
});
