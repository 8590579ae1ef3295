// The portable syntax as Gmail's q: each term mapped, values quoted where Gmail would split them,
// dates as epoch seconds of UTC midnight, and the folder restriction around the whole query.
import { describe, expect, it } from "vitest";
import { parsePortableQuery } from "../search-params.js";
import { portableToGmail, restrictToOperators } from "./gmail-query.js";

const gmailQ = (query: string) => portableToGmail(parsePortableQuery(query));

describe("portableToGmail", () => {
  it("maps each operator", () => {
    expect(gmailQ("from:alice@example.com")).toBe("from:alice@example.com");
    expect(gmailQ("to:bob")).toBe("{to:bob cc:bob}");
    expect(gmailQ('subject:"quarterly report"')).toBe('subject:"quarterly report"');
    expect(gmailQ("is:unread has:attachment")).toBe("is:unread has:attachment");
    expect(gmailQ('invoice "net 30"')).toBe('invoice "net 30"');
  });

  it("gives days as epoch seconds of midnight UTC, since Gmail reads YYYY/MM/DD as midnight Pacific", () => {
    expect(gmailQ("after:2026/01/31 before:2026-02-01")).toBe(
      `after:${Date.UTC(2026, 0, 31) / 1000} before:${Date.UTC(2026, 1, 1) / 1000}`,
    );
  });

  it("keeps OR, negation and grouping", () => {
    expect(gmailQ("from:alice OR from:bob subject:lunch")).toBe("{from:alice from:bob} subject:lunch");
    expect(gmailQ("-from:alice -to:carol")).toBe("-from:alice -{to:carol cc:carol}");
  });

  it("quotes values Gmail would otherwise read as operators or split", () => {
    expect(gmailQ('from:"Alice Smith"')).toBe('from:"Alice Smith"');
    expect(gmailQ("10:30")).toBe('"10:30"');
    expect(gmailQ("re-send")).toBe("re-send");
    expect(gmailQ('"in:inbox"')).toBe('"in:inbox"');
  });
});

describe("restrictToOperators", () => {
  it("holds the whole query to the folders' labels", () => {
    expect(restrictToOperators("{from:a from:b}", ["in:inbox", "in:draft"])).toBe(
      "({from:a from:b}) {in:inbox in:draft}",
    );
    expect(restrictToOperators("x", ["in:trash"])).toBe("(x) in:trash");
  });
});
