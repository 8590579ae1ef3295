// Every message the inbox lists, and the newest of SENT when the run has sent mail, read once with
// its HTML and its attachments' data while the rate limits leave room (run-plan.ts): fields that
// only some messages have (Reply-To, inline images, attachment data, the Bcc of a sent message)
// are then seen by the checks that judge every result, and every HTML body is judged as
// html-sanitized judges the first few.
import { failed, passed, skipped, type Check } from "../check.js";
import { unsafeHtmlProblems } from "../unsafe-html.js";
import { listPage } from "../list-page.js";
import { behaviour } from "./behaviour-check.js";
import { HTML_CHECK_SAMPLE, readHtml } from "./html-checks.js";

const SENT_SAMPLE = 20;

export function readListedChecks(): Check[] {
  return [
    {
      ...behaviour(
        "read-listed",
        "tools.read_email.output, tools.read_email.input.include_html",
        "each listed message reads with include_html and include_attachments, with safe body_html (as many as the rate limits leave room for)",
        async ({ client, config, inbox, plan, sends }) => {
          // The runner's own sends (boundary cases, properties) are the newest of SENT: some have Bcc.
          const sent =
            sends.unavailable === undefined
              ? (await listPage(client, { inbox_id: config.inbox, folder: "SENT", limit: SENT_SAMPLE })).messages
              : [];
          const rest = [...(await inbox.messages()).slice(HTML_CHECK_SAMPLE), ...sent];
          if (rest.length === 0)
            return skipped(`html-sanitized read the ${HTML_CHECK_SAMPLE} newest messages; INBOX lists no more`);
          let read = 0;
          for (const message of rest) {
            if (!plan.affordsOptional()) break;
            const html = await readHtml(client, config.inbox, message.id);
            read++;
            const problems = html.body === null ? [] : unsafeHtmlProblems(html.body);
            if (problems.length > 0)
              return failed(`body_html of message ${message.id} keeps ${problems.join(", ")}`, html.exchange);
          }
          if (read === 0) return { status: "skipped", reason: plan.reason(), cutByPlan: true };
          return passed(
            `${read} of the ${rest.length} messages after the newest ${HTML_CHECK_SAMPLE}${read < rest.length ? `, the rest cut as ${plan.reason()}` : ""}`,
          );
        },
      ),
      plan: "optional",
    },
  ];
}
