// strip_quoted on an HTML body: what each mail client marks as the quoted earlier message goes
// before the body is sanitized or converted; the reply's own markup stays as it was.
import { describe, expect, it } from "vitest";
import { withoutQuotedHtml } from "./quoted-html.js";

describe("withoutQuotedHtml", () => {
  it("drops Gmail's quote container with its attribution", () => {
    const html =
      '<div dir="ltr">Thanks!</div><br><div class="gmail_quote gmail_quote_container"><div dir="ltr" class="gmail_attr">On Mon, Alice wrote:<br></div><blockquote class="gmail_quote" style="margin:0">Lunch?</blockquote></div>';
    expect(withoutQuotedHtml(html)).toBe('<div dir="ltr">Thanks!</div><br>');
  });

  it("drops Apple Mail's and Thunderbird's cite blocks and the attribution line before them", () => {
    expect(
      withoutQuotedHtml(
        '<p>Yes.</p><div>On 5 Oct 2026, at 10:00, Alice wrote:</div><blockquote type="cite">Lunch?</blockquote>',
      ),
    ).toBe("<p>Yes.</p>");
    expect(
      withoutQuotedHtml(
        '<p>Yes.</p><div class="moz-cite-prefix">On 05/10/2026 Alice wrote:<br></div><blockquote type="cite" cite="mid:x@y">Lunch?</blockquote>',
      ),
    ).toBe("<p>Yes.</p>");
  });

  it("drops Outlook's reply header and everything after it, at every level", () => {
    const html =
      '<div><p>Approved.</p><div id="appendonsend"></div><hr><div id="divRplyFwdMsg"><b>From:</b> Bob</div><div>Please approve.</div></div><p>footer of the quote</p>';
    expect(withoutQuotedHtml(html)).toBe("<div><p>Approved.</p></div>");
  });

  it("keeps a plain blockquote (a citation in the reply itself) and a message that is all quote", () => {
    const cited = "<p>As the manual says:</p><blockquote>Restart first.</blockquote>";
    expect(withoutQuotedHtml(cited)).toBe(cited);
    const allQuote = '<blockquote type="cite">Only the quote.</blockquote>';
    expect(withoutQuotedHtml(allQuote)).toBe(allQuote);
  });

  it("keeps character references and markup as written, for the sanitizer to judge", () => {
    const html = '<p onclick="x()">Fish &amp; chips &lt;3</p><blockquote type="cite">old</blockquote>';
    expect(withoutQuotedHtml(html)).toBe('<p onclick="x()">Fish &amp; chips &lt;3</p>');
  });
});
