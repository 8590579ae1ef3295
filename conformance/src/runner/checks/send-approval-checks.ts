// Sends held for approval (spec 1.4.0, decision send-approval): a key whose send policy requires
// approval gets delivery_status pending_approval, a hold_id and no Message-ID, and nothing is sent;
// get_send_status reads the hold; its idempotency_key answers the same hold; another inbox has no
// such hold. The runner cannot approve (that is a person's), so held sends stay pending. The
// operator names the key (--approval-token); the runner sends with it only to --send-to.
import { randomUUID } from "node:crypto";
import { describeAnswer } from "../answer-description.js";
import { failed, passed, skipped, type Check, type Outcome } from "../check.js";
import { listPage } from "../list-page.js";
import type { ToolAnswer } from "../mcp-client.js";
import { validateOutput } from "../output-validation.js";
import type { RunContext } from "../run-context.js";
import { behaviour } from "./behaviour-check.js";

interface Held {
  hold_id: string;
  delivery_status: string;
  rfc822_message_id: string | null;
  idempotent_replay: boolean;
}

/** The held answer's problem, or undefined when it is a valid pending_approval with a hold_id. */
function heldProblem(tool: string, answer: ToolAnswer): string | undefined {
  if (answer.error !== undefined || answer.result?.isError === true)
    return `${tool} with --approval-token answered ${describeAnswer(answer)}, not a held send`;
  const invalid = validateOutput(tool, answer.result?.structuredContent);
  if (invalid !== undefined) return `${tool}'s held answer breaks the output schema: ${invalid}`;
  const held = answer.result?.structuredContent as Held;
  if (held.delivery_status !== "pending_approval")
    return `${tool} with --approval-token answered delivery_status ${JSON.stringify(held.delivery_status)}, not pending_approval`;
  if (typeof held.hold_id !== "string" || held.hold_id === "")
    return `${tool}'s pending_approval answer has no hold_id for get_send_status`;
  if (held.rfc822_message_id !== null)
    return `${tool}'s pending_approval answer gives rfc822_message_id ${held.rfc822_message_id}: nothing was sent, so it has none`;
  return undefined;
}

async function needsApprovalKey({ sends, config }: RunContext): Promise<Outcome | undefined> {
  if (sends.unavailable !== undefined) return skipped(sends.unavailable);
  if (config.approvalToken === undefined)
    return skipped("needs --approval-token KEY: a key of --inbox whose send policy requires approval");
  return undefined;
}

export function sendApprovalChecks(): Check[] {
  return [
    behaviour(
      "send-approval",
      "decisions.send-approval, tools.get_send_status",
      "a send with a key under approval is pending_approval with a hold_id and nothing in SENT; get_send_status reads the hold; its idempotency_key answers the same hold; another inbox has no such hold",
      async (context) => {
        const missing = await needsApprovalKey(context);
        if (missing !== undefined) return missing;
        const { client, config, sends } = context;
        const marker = `held${randomUUID().replaceAll("-", "").slice(0, 12)}`;
        const args = {
          ...sends.sendArguments(
            `MCPEmails conformance held send ${marker}`,
            `Sent by mcpemails-conformance with a key whose sends wait for approval; it must not be sent. Marker: ${marker}.`,
          ),
          idempotency_key: `conformance-held-${randomUUID()}`,
        };
        const answer = await client.callTool("send_email", args, { key: "approval-token" });
        const problem = heldProblem("send_email", answer);
        if (problem !== undefined) return failed(problem, answer.exchange);
        const held = answer.result?.structuredContent as Held;

        const status = await client.callTool(
          "get_send_status",
          { inbox_id: config.inbox, hold_id: held.hold_id },
          { key: "approval-token" },
        );
        if (status.error !== undefined || status.result?.isError === true)
          return failed(`get_send_status on hold ${held.hold_id} answered ${describeAnswer(status)}`, status.exchange);
        const invalid = validateOutput("get_send_status", status.result?.structuredContent);
        if (invalid !== undefined)
          return failed(`get_send_status breaks the output schema: ${invalid}`, status.exchange);
        const read = status.result?.structuredContent as {
          hold_id: string;
          tool: string;
          status: string;
          recipients: string[];
        };
        if (read.hold_id !== held.hold_id || read.tool !== "send_email")
          return failed(
            `get_send_status on hold ${held.hold_id} describes hold ${read.hold_id} of ${read.tool}, not this send_email`,
            status.exchange,
          );
        // Nobody may approve it during the run but the operator, who would not: it still waits.
        if (read.status !== "pending_approval")
          return failed(
            `get_send_status says ${JSON.stringify(read.status)} for a hold nobody approved, not pending_approval`,
            status.exchange,
          );
        const sendTo = config.sendTo!.toLowerCase();
        if (!read.recipients.some((recipient) => recipient.toLowerCase().includes(sendTo)))
          return failed(
            `get_send_status lists recipients ${JSON.stringify(read.recipients)}, without ${config.sendTo} the send named`,
            status.exchange,
          );

        const replay = await client.callTool("send_email", args, { key: "approval-token" });
        const replayProblem = heldProblem("send_email", replay);
        if (replayProblem !== undefined) return failed(`the retry: ${replayProblem}`, replay.exchange);
        const again = replay.result?.structuredContent as Held;
        if (again.hold_id !== held.hold_id || again.idempotent_replay !== true)
          return failed(
            `a retry with the same idempotency_key answered hold ${again.hold_id} (idempotent_replay ${again.idempotent_replay}), not the same hold ${held.hold_id} replayed`,
            replay.exchange,
          );

        if (config.sendToInbox !== undefined && config.sendToInbox !== config.inbox) {
          const elsewhere = await client.callTool("get_send_status", {
            inbox_id: config.sendToInbox,
            hold_id: held.hold_id,
          });
          if (elsewhere.result?.errorCode !== "send_hold_not_found")
            return failed(
              `get_send_status on --send-to-inbox with a hold of --inbox answered ${describeAnswer(elsewhere)}, not send_hold_not_found`,
              elsewhere.exchange,
            );
        }

        // Once a send made after it is in SENT, the held one would be too, had it been sent.
        const after = await sends.sendNew("approval witness");
        await sends.waitForListed(config.inbox, "SENT", after.result, "the witness send appearing in SENT");
        const { messages } = await listPage(client, { inbox_id: config.inbox, folder: "SENT", limit: 50 });
        const leaked = messages.find((message) => message.subject.includes(marker));
        if (leaked !== undefined)
          return failed(`the held send is in SENT (${leaked.id}): it was sent without approval`);
        return passed(`held as ${held.hold_id}, still pending; the retry replayed it; nothing in SENT`);
      },
      { needsMessages: false },
    ),
    behaviour(
      "send-approval.reply",
      "decisions.send-approval",
      "a reply with a key under approval is held too: pending_approval with a hold_id, nothing sent",
      async (context) => {
        const missing = await needsApprovalKey(context);
        if (missing !== undefined) return missing;
        const { client, config, sends } = context;
        const answer = await client.callTool(
          "reply_to_email",
          {
            inbox_id: config.inbox,
            message_id: await sends.sentCopyId(),
            body: "A reply by mcpemails-conformance with a key whose sends wait for approval; it must not be sent.",
            idempotency_key: `conformance-held-reply-${randomUUID()}`,
          },
          { key: "approval-token" },
        );
        const problem = heldProblem("reply_to_email", answer);
        return problem === undefined
          ? passed(`held as ${(answer.result?.structuredContent as Held).hold_id}`)
          : failed(problem, answer.exchange);
      },
      { needsMessages: false },
    ),
  ];
}
