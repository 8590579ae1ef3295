// read_email's body_format and strip_quoted (spec 1.1.0): Markdown made from the sanitized HTML,
// keeping its structure and nothing hostile, and the quoted earlier message left out only when
// asked. Judged on a message the runner sends itself with a heading, emphasis, a link, a script, a
// remote image and a Gmail-style quote in its HTML and a quote in its text, when it may send; on
// the inbox's own messages otherwise, which only the safety of the Markdown can be judged on.
import { failed, passed, skipped, type Check } from "../check.js";
import type { McpClient } from "../mcp-client.js";
import { readMessage } from "../read-message.js";
import { unsafeHtmlProblems } from "../unsafe-html.js";
import { behaviour } from "./behaviour-check.js";

const QUOTED = "QUOTEDEARLIERMESSAGE";
/** What the runner's message says in HTML: each construct Markdown keeps, each the sanitizer removes, a quote. */
export const FORMATTED_HTML = [
  '<h2>Agenda</h2><p>Bring the <b>figures</b>, see <a href="https://example.com/agenda">the agenda</a>.</p>',
  '<script>alert("body_format")</script><img src="https://tracker.example/p.gif" alt="pixel">',
  '<div class="gmail_quote"><div class="gmail_attr">On Mon, 5 Oct 2026, Alice wrote:</div>',
  `<blockquote class="gmail_quote">${QUOTED} in HTML</blockquote></div>`,
].join("");
export const FORMATTED_TEXT = `Bring the figures.\n\nOn Mon, 5 Oct 2026, Alice wrote:\n> ${QUOTED} in text\n`;

const SAMPLE = 4;

export function bodyFormatChecks(): Check[] {
  return [
    behaviour(
      "body-format",
      "tools.read_email.input.body_format",
      "body_format markdown gives the sanitized HTML as Markdown (heading, emphasis, link kept; script and remote image gone); strip_quoted leaves out the quoted earlier message in text and Markdown, and only when asked",
      async ({ client, config, sends, inbox }) => {
        if (sends.unavailable === undefined && config.sendToInbox !== undefined) {
          const sent = await sends.sendNew("body_format", { body: FORMATTED_TEXT, html_body: FORMATTED_HTML });
          const { id } = await sends.delivered(sent, config.sendToInbox);
          const read = (options: Record<string, unknown>) =>
            readBody(client, config.sendToInbox as string, id, options);
          const markdown = await read({ body_format: "markdown" });
          for (const kept of ["## Agenda", "**figures**", "[the agenda](https://example.com/agenda)", QUOTED])
            if (!markdown.body.includes(kept))
              return failed(`body_format markdown: body_text lacks ${JSON.stringify(kept)}`, markdown.exchange);
          const unsafe = unsafeMarkdown(markdown.body);
          if (unsafe.length > 0) return failed(`body_format markdown keeps ${unsafe.join(", ")}`, markdown.exchange);
          const plain = await read({});
          if (!plain.body.includes(QUOTED))
            return failed("without strip_quoted, body_text lost the quoted earlier message", plain.exchange);
          for (const body_format of ["text", "markdown"]) {
            const stripped = await read({ body_format, strip_quoted: true });
            if (stripped.body.includes(QUOTED) || /wrote:/u.test(stripped.body))
              return failed(
                `strip_quoted with body_format ${body_format} kept the quoted earlier message`,
                stripped.exchange,
              );
            if (!stripped.body.includes("figures"))
              return failed(
                `strip_quoted with body_format ${body_format} removed the message's own text`,
                stripped.exchange,
              );
          }
          return passed("the runner's formatted message, as Markdown and without its quote, in text and Markdown");
        }
        const messages = (await inbox.messages()).slice(0, SAMPLE);
        if (messages.length === 0)
          return skipped("no message to read; with --allow-send --send-to --send-to-inbox the runner sends itself one");
        for (const message of messages) {
          const markdown = await readBody(client, config.inbox, message.id, { body_format: "markdown" });
          const unsafe = unsafeMarkdown(markdown.body);
          if (unsafe.length > 0)
            return failed(
              `body_format markdown of message ${message.id} keeps ${unsafe.join(", ")}`,
              markdown.exchange,
            );
        }
        return passed(
          `the Markdown of the inbox's ${messages.length} newest messages is safe; with --allow-send --send-to --send-to-inbox the runner also checks what it keeps`,
        );
      },
    ),
  ];
}

async function readBody(client: McpClient, inboxId: string, messageId: string, options: Record<string, unknown>) {
  const { content, exchange } = await readMessage(client, inboxId, messageId, false, options);
  return { body: content.body_text, exchange };
}

/** What Markdown could run or fetch: HTML left in it, javascript: links, images on the network. */
function unsafeMarkdown(markdown: string): string[] {
  const problems = unsafeHtmlProblems(markdown);
  if (/\]\(\s*(?:javascript|vbscript):/iu.test(markdown)) problems.push("a javascript: link");
  if (/!\[[^\]]*\]\(\s*(?:https?:)?\/\//iu.test(markdown)) problems.push("a remote image");
  return problems;
}
