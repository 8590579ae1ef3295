import { describe, expect, it } from "vitest";
import { LINKS_MAX } from "./html-links.js";
import { markdownLinks } from "./markdown-links.js";

describe("the links of a Markdown body", () => {
  it("gives each inline link's text and target, escapes undone, images left out", () => {
    expect(
      markdownLinks(
        'Sign in at [www.bank\\.example](https://bank-example.evil.test/login "Bank") or ![logo](https://cdn.example/l.png) [docs](<https://docs.example/a>)',
      ),
    ).toEqual([
      { href: "https://bank-example.evil.test/login", text: "www.bank.example" },
      { href: "https://docs.example/a", text: "docs" },
    ]);
  });

  it("stops at its bound, and a hostile body of brackets takes no time to refuse", () => {
    expect(markdownLinks("[a](https://a.example) ".repeat(LINKS_MAX + 10))).toHaveLength(LINKS_MAX);
    expect(markdownLinks(`${"[".repeat(200_000)}${"](".repeat(200_000)}`)).toEqual([]);
  });
});
