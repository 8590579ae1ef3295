// body_html is HTML a stranger wrote, made safe (tools.read_email.input.include_html): checked on
// a message the runner sends itself with every hostile construct in it, when it may send, and on
// the HTML bodies of the inbox's own messages.
import { failed, passed, skipped, type Check } from "../check.js";
import type { McpClient } from "../mcp-client.js";
import { HOSTILE_HTML, unsafeHtmlProblems } from "../unsafe-html.js";
import { behaviour } from "./behaviour-check.js";
import { readMessage } from "../read-message.js";

/** The newest messages html-sanitized reads; read-listed reads the rest when the rate limits leave room. */
export const HTML_CHECK_SAMPLE = 4;

export function htmlChecks(): Check[] {
  return [
    behaviour(
      "html-sanitized",
      "tools.read_email.input.include_html",
      "body_html has no script, event handler, javascript: URL or remote image, on a hostile message the runner sends itself and on the inbox's own",
      async ({ client, config, sends, inbox }) => {
        const read: string[] = [];
        if (sends.unavailable === undefined && config.sendToInbox !== undefined) {
          const sent = await sends.sendNew("sanitized HTML", { html_body: HOSTILE_HTML });
          const delivered = await sends.delivered(sent, config.sendToInbox);
          const html = await readHtml(client, config.sendToInbox, delivered.id);
          if (html.body === null)
            return failed("the message the runner sent with html_body came back with body_html null", html.exchange);
          const problems = unsafeHtmlProblems(html.body);
          if (problems.length > 0)
            return failed(`body_html of a hostile message keeps ${problems.join(", ")}`, html.exchange);
          read.push("the runner's hostile message");
        }
        const messages = (await inbox.messages()).slice(0, HTML_CHECK_SAMPLE);
        let withHtml = 0;
        for (const message of messages) {
          const html = await readHtml(client, config.inbox, message.id);
          if (html.body === null) continue;
          withHtml++;
          const problems = unsafeHtmlProblems(html.body);
          if (problems.length > 0)
            return failed(`body_html of message ${message.id} keeps ${problems.join(", ")}`, html.exchange);
        }
        if (withHtml > 0) read.push(`${withHtml} HTML bodies of the inbox`);
        if (read.length === 0)
          return skipped(
            `no HTML body to judge: the inbox's ${messages.length} newest messages have none; with --allow-send --send-to --send-to-inbox the runner sends itself one`,
          );
        return passed(read.join(" and "));
      },
    ),
  ];
}

/** A message read with include_html (and its attachments' data, so that their fields are seen too). */
export async function readHtml(client: McpClient, inboxId: string, messageId: string) {
  const { content, exchange } = await readMessage(client, inboxId, messageId, false, {
    include_html: true,
    include_attachments: true,
  });
  return { body: typeof content.body_html === "string" ? content.body_html : null, exchange };
}
