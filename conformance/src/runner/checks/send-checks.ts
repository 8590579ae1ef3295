// Sends as a sequence, each step judged by what the server itself shows afterwards: the message
// appears in SENT, the recipient can read it, a reply threads to it, a repeated idempotency_key
// sends nothing, and refused sends (too large, a bad recipient) leave nothing in SENT. Every send
// goes to --send-to: replies answer the runner's own SENT message, whose only recipient it is.
import { randomUUID } from "node:crypto";
import { LIMITS, type ReadEmailOutput } from "@mcpemails/generated";
import { failed, passed, skipped, type Outcome } from "../check.js";
import { describeAnswer } from "../answer-description.js";
import { listPage } from "../list-page.js";
import type { McpClient } from "../mcp-client.js";
import { readMessage } from "../read-message.js";
import type { RunContext } from "../run-context.js";
import { expectSendResult } from "../send-fixture.js";
import { behaviour } from "./behaviour-check.js";

const withSends = (id: string, specRef: string, description: string, run: (context: RunContext) => Promise<Outcome>) =>
  behaviour(
    `send.${id}`,
    specRef,
    description,
    async (context) => {
      const unavailable = context.sends.unavailable;
      return unavailable === undefined ? run(context) : skipped(unavailable);
    },
    { needsMessages: false },
  );

export function sendChecks() {
  return [
    withSends(
      "appears-in-sent",
      "tools.send_email, send_result.message_id",
      "a message sent to --send-to appears in SENT and reads back with its subject and Message-ID",
      async ({ client, config, sends }) => {
        const sent = await sends.sent();
        const listed = await sends.waitForListed(
          config.inbox,
          "SENT",
          sent.result,
          `message ${sent.result.rfc822_message_id} appearing in SENT`,
        );
        if (listed.subject !== sent.subject)
          return failed(
            `the SENT copy's subject is ${JSON.stringify(listed.subject)}, not ${JSON.stringify(sent.subject)}`,
          );
        if (!listed.to.some((a) => sameAddress(a.address, config.sendTo)))
          return failed(`the SENT copy is addressed to ${JSON.stringify(listed.to)}, not to --send-to`);
        const read = await readMessage(client, config.inbox, listed.id, false);
        if (read.content.rfc822_message_id !== sent.result.rfc822_message_id)
          return failed(
            `the SENT copy reads with Message-ID ${JSON.stringify(read.content.rfc822_message_id)}, not ${sent.result.rfc822_message_id}`,
            read.exchange,
          );
        if (!read.content.body_text.includes(sent.marker))
          return failed("the SENT copy's body_text lacks the body that was sent", read.exchange);
        return passed();
      },
    ),
    withSends(
      "recipient-reads",
      "tools.send_email",
      "the recipient (--send-to-inbox) lists and reads the message as it was sent",
      async ({ client, config, sends }) => {
        if (config.sendToInbox === undefined)
          return skipped("needs --send-to-inbox: the inbox --send-to delivers to, readable with --token");
        const sent = await sends.sent();
        const listed = await sends.delivered(sent, config.sendToInbox);
        const read = await readMessage(client, config.sendToInbox, listed.id, false);
        if (read.content.subject !== sent.subject)
          return failed(
            `the recipient reads subject ${JSON.stringify(read.content.subject)}, not ${JSON.stringify(sent.subject)}`,
            read.exchange,
          );
        if (!read.content.body_text.includes(sent.marker))
          return failed("the recipient's copy lacks the body that was sent", read.exchange);
        return passed();
      },
    ),
    withSends(
      "reply-threads",
      "tools.reply_to_email, decisions.threading",
      "a reply to the sent message carries In-Reply-To, References and a Re: subject, and goes to --send-to",
      async ({ client, config, sends }) => {
        const sent = await sends.sent();
        const answer = await client.callTool("reply_to_email", {
          inbox_id: config.inbox,
          message_id: await sends.sentCopyId(),
          body: `Reply sent by mcpemails-conformance. Marker: ${sent.marker}.`,
          idempotency_key: `conformance-${randomUUID()}`,
        });
        const reply = expectSendResult("reply_to_email", answer);
        const listed = await sends.waitForListed(
          config.inbox,
          "SENT",
          reply,
          `reply ${reply.rfc822_message_id} appearing in SENT`,
        );
        const read = await readMessage(client, config.inbox, listed.id, false);
        const problems = threadingProblems(read.content, sent.result.rfc822_message_id, sent.subject);
        if (!read.content.to.every((a) => sameAddress(a.address, config.sendTo)))
          problems.push(`it went to ${JSON.stringify(read.content.to.map((a) => a.address))}, not only to --send-to`);
        if (problems.length > 0) return failed(`the reply's SENT copy: ${problems.join("; ")}`, read.exchange);
        if (config.sendToInbox !== undefined) {
          const delivered = await sends.waitForListed(
            config.sendToInbox,
            "INBOX",
            reply,
            `reply ${reply.rfc822_message_id} arriving in --send-to-inbox`,
          );
          const received = await readMessage(client, config.sendToInbox, delivered.id, false);
          const theirs = threadingProblems(received.content, sent.result.rfc822_message_id, sent.subject);
          if (theirs.length > 0)
            return failed(`the recipient's copy of the reply: ${theirs.join("; ")}`, received.exchange);
        }
        return passed();
      },
    ),
    withSends(
      "idempotent-replay",
      "tools.send_email.input.idempotency_key, send_result.idempotent_replay",
      "a send repeated with its idempotency_key is a replay: the same result, idempotent_replay true, nothing more in SENT",
      async ({ client, config, sends }) => {
        const args = sends.sendArguments(
          `MCPEmails conformance idempotency ${randomUUID().slice(0, 8)}`,
          "Sent once by mcpemails-conformance, though asked twice.",
        );
        const first = expectSendResult("send_email", await client.callTool("send_email", args));
        await sends.waitForListed(config.inbox, "SENT", first, `message ${first.rfc822_message_id} appearing in SENT`);
        const before = await copiesInSent(client, config.inbox, args.subject as string);
        const again = await client.callTool("send_email", args);
        const second = expectSendResult("send_email", again);
        if (second.idempotent_replay !== true)
          return failed("the repeated call has idempotent_replay false: it was sent again", again.exchange);
        if (second.message_id !== first.message_id || second.rfc822_message_id !== first.rfc822_message_id)
          return failed(
            `the replay names another message (${second.rfc822_message_id}) than the first call (${first.rfc822_message_id})`,
            again.exchange,
          );
        const after = await copiesInSent(client, config.inbox, args.subject as string);
        if (after !== before)
          return failed(`SENT held ${before} copies before the repeated call and ${after} after it`, again.exchange);
        return passed();
      },
    ),
    withSends(
      "idempotency-key-reused",
      "errors.idempotency_key_reused",
      "an idempotency_key repeated with other arguments is idempotency_key_reused, and nothing is sent",
      async ({ client, sends, config }) => {
        const args = sends.sendArguments(
          `MCPEmails conformance key reuse ${randomUUID().slice(0, 8)}`,
          "The first of two different messages under one idempotency_key.",
        );
        expectSendResult("send_email", await client.callTool("send_email", args));
        const otherSubject = `${args.subject as string} (second)`;
        const answer = await client.callTool("send_email", { ...args, subject: otherSubject });
        if (answer.result?.errorCode !== "idempotency_key_reused")
          return failed(`expected idempotency_key_reused, got ${describeAnswer(answer)}`, answer.exchange);
        if ((await copiesInSent(client, config.inbox, otherSubject)) > 0)
          return failed("the refused message is in SENT", answer.exchange);
        return passed();
      },
    ),
    withSends(
      "attachment-too-large",
      "errors.attachment_too_large, limits.attachments_max_total_bytes",
      "attachments over the limit in total (decoded) are attachment_too_large with totalBytes and limitBytes, and nothing is sent",
      async ({ client, sends, config }) => {
        const limit = LIMITS.attachments_max_total_bytes;
        const half = Math.floor(limit / 2);
        const sizes = [half, limit - half + 1];
        const subject = `MCPEmails conformance too large ${randomUUID().slice(0, 8)}`;
        const attachments = sizes.map((size, i) => ({
          filename: `part-${i + 1}.bin`,
          mime_type: "application/octet-stream",
          data: Buffer.alloc(size, i + 1).toString("base64"),
        }));
        const answer = await client.callTool("send_email", {
          ...sends.sendArguments(subject, "Should never be sent: its attachments are too large."),
          attachments,
        });
        if (answer.result?.errorCode !== "attachment_too_large")
          return failed(`expected attachment_too_large, got ${describeAnswer(answer)}`, answer.exchange);
        const total = sizes[0]! + sizes[1]!;
        if (answer.result.totalBytes !== total)
          return failed(
            `totalBytes is ${JSON.stringify(answer.result.totalBytes)}, not the decoded total ${total}`,
            answer.exchange,
          );
        if (answer.result.limitBytes !== limit)
          return failed(`limitBytes is ${JSON.stringify(answer.result.limitBytes)}, not ${limit}`, answer.exchange);
        if ((await copiesInSent(client, config.inbox, subject)) > 0)
          return failed("the refused message is in SENT", answer.exchange);
        return passed();
      },
    ),
    withSends(
      "invalid-recipient",
      "errors.invalid_recipient",
      "a send whose second recipient is not an address is invalid_recipient naming it, and --send-to gets nothing",
      async ({ client, sends, config }) => {
        const subject = `MCPEmails conformance bad recipient ${randomUUID().slice(0, 8)}`;
        const args = {
          ...sends.sendArguments(subject, "Should never be sent: one recipient is not an address."),
          to: [config.sendTo, "conformance at mcpemails dot invalid"],
        };
        const answer = await client.callTool("send_email", args);
        if (answer.result?.errorCode !== "invalid_recipient")
          return failed(`expected invalid_recipient, got ${describeAnswer(answer)}`, answer.exchange);
        if (answer.result.parameter !== "to[1]")
          return failed(
            `invalid_recipient names ${JSON.stringify(answer.result.parameter)}, not to[1]`,
            answer.exchange,
          );
        if ((await copiesInSent(client, config.inbox, subject)) > 0)
          return failed("the refused message is in SENT: it went to the valid recipient", answer.exchange);
        return passed();
      },
    ),
  ];
}

/** What is wrong with a reply's headers, given the message it answers. */
function threadingProblems(reply: ReadEmailOutput, originalMessageId: string, originalSubject: string): string[] {
  const problems: string[] = [];
  if (reply.in_reply_to !== originalMessageId)
    problems.push(`in_reply_to is ${JSON.stringify(reply.in_reply_to)}, not ${originalMessageId}`);
  if (reply.references.at(-1) !== originalMessageId)
    problems.push(`references ${JSON.stringify(reply.references)} do not end with ${originalMessageId}`);
  if (reply.subject !== `Re: ${originalSubject}`)
    problems.push(`the subject is ${JSON.stringify(reply.subject)}, not "Re: ${originalSubject}"`);
  return problems;
}

/** How many messages in SENT (the newest 100) have this subject. */
async function copiesInSent(client: McpClient, inboxId: string, subject: string): Promise<number> {
  const { messages } = await listPage(client, { inbox_id: inboxId, folder: "SENT", limit: 100 });
  return messages.filter((m) => m.subject === subject).length;
}

function sameAddress(a: string, b: string | undefined): boolean {
  return b !== undefined && a.toLowerCase() === b.toLowerCase();
}
