import { afterAll, describe, expect, it } from "vitest";
import { htmlToMarkdown } from "./html-markdown.js";
import { htmlToPlainText } from "./html-text.js";
import { sanitizeEmailHtml } from "./sanitize.js";
import {
  closeHtmlWorkers,
  htmlMarkdownBounded,
  htmlTextBounded,
  SANITIZE_IN_PLACE_MAX_LENGTH,
  SANITIZE_INPUT_MAX_LENGTH,
  sanitizeBounded,
} from "./html-off-thread.js";

const nested = (depth: number) => `${"<div>".repeat(depth)}x${"</div>".repeat(depth)}`;

afterAll(closeHtmlWorkers);

describe("sanitizing a stranger's HTML within bounds", () => {
  it("sanitizes small HTML in place, exactly as sanitizeEmailHtml does", async () => {
    const html = `<p onclick="steal()">Hi <script>alert(1)</script><a href="javascript:x">link</a></p>`;
    expect(html.length).toBeLessThan(SANITIZE_IN_PLACE_MAX_LENGTH);
    expect(await sanitizeBounded(html)).toEqual({ value: sanitizeEmailHtml(html), complete: true });
  });

  it("sanitizes larger HTML in the worker, with the same result", async () => {
    const html = `<p>${"<b onmouseover=x>newsletter</b> ".repeat(2_000)}<img src="https://t.example/p.gif"></p>`;
    expect(html.length).toBeGreaterThan(SANITIZE_IN_PLACE_MAX_LENGTH);
    expect(await sanitizeBounded(html)).toEqual({ value: sanitizeEmailHtml(html), complete: true });
  });

  it("answers a nesting bomb (500,000 nested <div>) with an incomplete body while the event loop keeps running", async () => {
    let timerRuns = 0;
    const timer = setInterval(() => timerRuns++, 5);
    const outcome = await sanitizeBounded(nested(500_000));
    clearInterval(timer);
    // Cut to its first 400,000 units, then sanitized (the elements it opened closed), or given up
    // as "" if that takes past the deadline: incomplete either way.
    expect(outcome.complete).toBe(false);
    expect(outcome.value === "" || outcome.value.startsWith("<div><div>")).toBe(true);
    // The work happened elsewhere: timers on this thread ran meanwhile.
    expect(timerRuns).toBeGreaterThan(10);
  });

  it("gives up what takes past the deadline as an empty, incomplete body, and still sanitizes after", async () => {
    // 133,000 nested <b> fit the input bound and take seconds: quadratic in the nesting.
    expect(await sanitizeBounded("<b>".repeat(133_000))).toEqual({ value: "", complete: false });
    const html = "<p>after</p>".repeat(5_000);
    expect(await sanitizeBounded(html)).toEqual({ value: html, complete: true });
  });

  it(`cuts HTML past ${SANITIZE_INPUT_MAX_LENGTH} UTF-16 units before sanitizing, and says so`, async () => {
    const html = `<p>${"a".repeat(SANITIZE_INPUT_MAX_LENGTH)}</p>`;
    const outcome = await sanitizeBounded(html);
    expect(outcome.complete).toBe(false);
    expect(outcome.value).toBe(`<p>${"a".repeat(SANITIZE_INPUT_MAX_LENGTH - 3)}</p>`);
  });

  it("never cuts between the halves of a surrogate pair", async () => {
    const html = `${"a".repeat(SANITIZE_INPUT_MAX_LENGTH - 1)}😀tail`;
    const outcome = await sanitizeBounded(html);
    expect(outcome).toEqual({ value: "a".repeat(SANITIZE_INPUT_MAX_LENGTH - 1), complete: false });
  });

  it("turns large HTML into text in the worker, as mailparser would, while the event loop keeps running", async () => {
    const html = "<p>Hello <b>world</b>, see <a href='https://example.com/a'>the link</a>.</p>".repeat(5_000);
    let timerRuns = 0;
    const timer = setInterval(() => timerRuns++, 5);
    const outcome = await htmlTextBounded(html);
    clearInterval(timer);
    expect(outcome.complete).toBe(true);
    expect(outcome.value).toBe(htmlToPlainText(html));
    expect(outcome.value.startsWith("Hello world, see the link [https://example.com/a].")).toBe(true);
    expect(timerRuns).toBeGreaterThan(10);
  });

  it("turns large HTML into Markdown in the worker, the quoted reply left out on request", async () => {
    const own = "<p>Hello <b>world</b>.</p>".repeat(2_000);
    const html = `${own}<blockquote type="cite"><p>the earlier message</p></blockquote>`;
    expect(html.length).toBeGreaterThan(SANITIZE_IN_PLACE_MAX_LENGTH);
    const whole = await htmlMarkdownBounded(html);
    expect(whole).toEqual({ value: htmlToMarkdown(html), complete: true });
    expect(whole.value).toContain("the earlier message");
    const stripped = await htmlMarkdownBounded(html, undefined, true);
    expect(stripped).toEqual({ value: htmlToMarkdown(own), complete: true });
  });

  it("answers a nesting bomb asked as Markdown with an incomplete body while the event loop keeps running", async () => {
    let timerRuns = 0;
    const timer = setInterval(() => timerRuns++, 5);
    const outcome = await htmlMarkdownBounded(nested(500_000), undefined, true);
    clearInterval(timer);
    expect(outcome.complete).toBe(false);
    expect(timerRuns).toBeGreaterThan(10);
  });

  it("answers HTML nested too deep for a recursive walk with its text (or, past the deadline, incomplete), never an exception", async () => {
    // 20,000 levels fit the input bound and overflow the stack of the Markdown converter's and the
    // quote finder's recursive walks.
    const html = `${"<div>".repeat(20_000)}Hello<blockquote type="cite">earlier</blockquote>${"</div>".repeat(20_000)}`;
    expect(html.length).toBeLessThan(SANITIZE_INPUT_MAX_LENGTH);
    for (const stripQuoted of [false, true]) {
      await expect(htmlMarkdownBounded(html, undefined, stripQuoted)).resolves.toMatchObject({
        value: expect.any(String),
      });
      await expect(htmlTextBounded(html, undefined, stripQuoted)).resolves.toMatchObject({ value: expect.any(String) });
    }
  });
});
