import { describe, expect, it } from "vitest";
import { htmlLinks, LINK_TEXT_MAX_LENGTH, LINKS_MAX } from "./html-links.js";

describe("htmlLinks", () => {
  it("gives each <a href> with the text a reader sees on it, whitespace collapsed", () => {
    expect(
      htmlLinks(
        '<p>Your statement is in <a href="https://bank.example/login">online\n  <b>banking</b></a>. <A HREF="/help">Help</A></p>',
      ),
    ).toEqual([
      { href: "https://bank.example/login", text: "online banking" },
      { href: "/help", text: "Help" },
    ]);
  });

  it("decodes entities in hrefs and texts", () => {
    expect(htmlLinks('<a href="https://evil.test/?a=1&amp;b=2&#x26;c">paypal&#46;com &amp; co</a>')).toEqual([
      { href: "https://evil.test/?a=1&b=2&c", text: "paypal.com & co" },
    ]);
    expect(htmlLinks("<a href=https&#58;//evil.test>x</a>")).toEqual([{ href: "https://evil.test", text: "x" }]);
  });

  it("skips anchors without href, and text no reader sees", () => {
    expect(
      htmlLinks(
        '<a name="top">Top</a><a href="https://a.example"><style>.x{}</style>shown<script>hidden()</script></a>',
      ),
    ).toEqual([{ href: "https://a.example", text: "shown" }]);
  });

  it("closes a link left open when the next one starts, and at the end of the HTML", () => {
    expect(htmlLinks('<a href="https://a.example">one<a href="https://b.example">two')).toEqual([
      { href: "https://a.example", text: "one" },
      { href: "https://b.example", text: "two" },
    ]);
  });

  it(`keeps at most ${LINKS_MAX} links and ${LINK_TEXT_MAX_LENGTH} characters of text each`, () => {
    const many = htmlLinks('<a href="https://a.example">x</a>'.repeat(10_000));
    expect(many).toHaveLength(LINKS_MAX);
    const [long] = htmlLinks(`<a href="https://a.example">${"word ".repeat(1_000)}</a>`);
    expect(long?.text.length).toBe(LINK_TEXT_MAX_LENGTH);
  });

  it("reads 200,000 nested elements in one pass, without recursion", () => {
    const divs = `${"<i>".repeat(200_000)}<a href="https://a.example">deep</a>${"</i>".repeat(200_000)}`;
    expect(htmlLinks(divs)).toEqual([{ href: "https://a.example", text: "deep" }]);
    const anchors = `${'<a href="https://a.example"><div>'.repeat(200_000)}${"</div></a>".repeat(200_000)}`;
    expect(htmlLinks(anchors)).toHaveLength(LINKS_MAX);
  });
});
