import { describe, expect, it } from "vitest";
import { HOSTILE_HTML, unsafeHtmlProblems } from "./unsafe-html.js";

describe("judging body_html", () => {
  it("finds every kind of thing the spec says is removed in the hostile message", () => {
    expect(unsafeHtmlProblems(HOSTILE_HTML)).toEqual([
      "a <script> element",
      "a remote image (<img src> on the network)",
      "an event handler onerror on <img>",
      "a javascript: URL in href of <a>",
      "an event handler onclick on <a>",
      "a <iframe> element",
      "an event handler onmouseover on <div>",
      "a javascript: URL in xlink:href of <a>",
    ]);
  });

  it("sees through entities, case and control characters in a scheme", () => {
    expect(unsafeHtmlProblems('<a href="JaVa&#x09;ScRiPt:alert(1)">x</a>')).toEqual([
      "a javascript: URL in href of <a>",
    ]);
    expect(unsafeHtmlProblems('<a href=" &#10;javascript:alert(1)">x</a>')).toEqual([
      "a javascript: URL in href of <a>",
    ]);
  });

  it("finds nothing in sanitized mail: links, embedded images, tables, formatting", () => {
    const safe =
      '<table><tr><td><b>Total</b></td><td style="">12</td></tr></table><p><a href="https://example.com/x">link</a> ' +
      '<a href="mailto:a@example.com">mail</a><img src="cid:logo@example.com" alt="logo"></p>';
    expect(unsafeHtmlProblems(safe)).toEqual([]);
  });
});
