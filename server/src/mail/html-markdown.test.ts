// body_format markdown: the sanitized HTML as Markdown, its structure kept, nothing hostile carried over.
import { describe, expect, it } from "vitest";
import { htmlToMarkdown } from "./html-markdown.js";

describe("htmlToMarkdown", () => {
  it("keeps headings, emphasis, lists, links and tables", () => {
    const markdown = htmlToMarkdown(
      '<h1>Report</h1><p>The <b>totals</b> are <i>final</i>; see <a href="https://example.com/q3">Q3</a>.</p><ol><li>one</li><li>two</li></ol><table><tr><th>Item</th><th>EUR</th></tr><tr><td>Rent</td><td>900</td></tr></table>',
    );
    expect(markdown).toBe(
      "# Report\n\nThe **totals** are _final_; see [Q3](https://example.com/q3).\n\n1. one\n2. two\n\n| Item | EUR |\n| ---- | --- |\n| Rent | 900 |",
    );
  });

  it("carries nothing the sanitizer removes: scripts, handlers, javascript: links, remote images", () => {
    const markdown = htmlToMarkdown(
      '<p onclick="steal()">Hi</p><script>alert(1)</script><a href="javascript:alert(2)">click</a><img src="https://t.example/p.gif" alt="pixel"><img src="cid:logo@x" alt="logo">',
    );
    for (const removed of ["steal", "alert", "javascript:", "t.example", "pixel"])
      expect(markdown).not.toContain(removed);
    expect(markdown).toContain("![logo](cid:logo@x)");
    expect(markdown).toContain("click");
  });
});
