// Undo windows (spec 1.5.0, decision undo-window): a key whose send policy gives its sends an undo
// window gets delivery_status scheduled, a hold_id and a send_at; get_send_status reads the hold as
// scheduled; nothing is sent before send_at; after it the server sends it by itself, once, and
// get_send_status says sent; its idempotency_key answers the same hold. The runner cannot cancel
// (that is a person's). The operator names the key (--undo-token); it sends only to --send-to.
import { randomUUID } from "node:crypto";
import { describeAnswer } from "../answer-description.js";
import { failed, passed, skipped, type Check, type Outcome } from "../check.js";
import { listPage } from "../list-page.js";
import type { ToolAnswer } from "../mcp-client.js";
import { validateOutput } from "../output-validation.js";
import type { RunContext } from "../run-context.js";
import { pollUntil } from "../send-fixture.js";
import { behaviour } from "./behaviour-check.js";

/** The longest undo window the check waits out, and how long past send_at the send may take. */
const LONGEST_WINDOW_MS = 60_000;
const SENT_WITHIN_MS = 60_000;

interface Scheduled {
  hold_id: string;
  delivery_status: string;
  send_at?: string;
  rfc822_message_id: string | null;
  idempotent_replay: boolean;
}

/** The scheduled answer's problem, or undefined when it is a valid scheduled send with a hold_id and send_at. */
function scheduledProblem(answer: ToolAnswer): string | undefined {
  if (answer.error !== undefined || answer.result?.isError === true)
    return `send_email with --undo-token answered ${describeAnswer(answer)}, not a scheduled send`;
  const invalid = validateOutput("send_email", answer.result?.structuredContent);
  if (invalid !== undefined) return `send_email's scheduled answer breaks the output schema: ${invalid}`;
  const scheduled = answer.result?.structuredContent as Scheduled;
  if (scheduled.delivery_status !== "scheduled")
    return `send_email with --undo-token answered delivery_status ${JSON.stringify(scheduled.delivery_status)}, not scheduled`;
  if (typeof scheduled.hold_id !== "string" || scheduled.hold_id === "")
    return "send_email's scheduled answer has no hold_id for get_send_status";
  if (typeof scheduled.send_at !== "string" || Number.isNaN(Date.parse(scheduled.send_at)))
    return `send_email's scheduled answer gives send_at ${JSON.stringify(scheduled.send_at)}, not a time`;
  if (scheduled.rfc822_message_id !== null)
    return `send_email's scheduled answer gives rfc822_message_id ${scheduled.rfc822_message_id}: nothing was sent yet, so it has none`;
  return undefined;
}

async function readHold(
  context: RunContext,
  holdId: string,
): Promise<{ hold?: Record<string, unknown>; problem?: Outcome }> {
  const answer = await context.client.callTool(
    "get_send_status",
    { inbox_id: context.config.inbox, hold_id: holdId },
    { key: "undo-token" },
  );
  if (answer.error !== undefined || answer.result?.isError === true)
    return { problem: failed(`get_send_status on hold ${holdId} answered ${describeAnswer(answer)}`, answer.exchange) };
  const invalid = validateOutput("get_send_status", answer.result?.structuredContent);
  if (invalid !== undefined)
    return { problem: failed(`get_send_status breaks the output schema: ${invalid}`, answer.exchange) };
  return { hold: answer.result?.structuredContent as Record<string, unknown> };
}

async function inSent(context: RunContext, marker: string): Promise<number> {
  const { messages } = await listPage(context.client, { inbox_id: context.config.inbox, folder: "SENT", limit: 50 });
  return messages.filter((message) => message.subject.includes(marker)).length;
}

export function undoWindowChecks(): Check[] {
  return [
    behaviour(
      "undo-window",
      "decisions.undo-window, tools.get_send_status",
      "a send with a key under an undo window is scheduled with a hold_id and send_at; get_send_status reads it; its idempotency_key answers the same hold; nothing is in SENT before send_at; after it the send is made once by the server and get_send_status says sent",
      async (context) => {
        const { client, config, sends } = context;
        if (sends.unavailable !== undefined) return skipped(sends.unavailable);
        if (config.undoToken === undefined)
          return skipped(
            "needs --undo-token KEY: a key of --inbox whose send policy has an undo window of at most 60 s",
          );
        const marker = `undo${randomUUID().replaceAll("-", "").slice(0, 12)}`;
        const args = {
          ...sends.sendArguments(
            `MCPEmails conformance undo-window send ${marker}`,
            "Sent by mcpemails-conformance with a key whose sends wait out an undo window; it goes out once, by itself.",
          ),
          idempotency_key: `conformance-undo-${randomUUID()}`,
        };
        const answer = await client.callTool("send_email", args, { key: "undo-token" });
        const problem = scheduledProblem(answer);
        if (problem !== undefined) return failed(problem, answer.exchange);
        const scheduled = answer.result?.structuredContent as Scheduled & { send_at: string };
        const sendAt = Date.parse(scheduled.send_at);
        if (sendAt - Date.now() > LONGEST_WINDOW_MS)
          return skipped(
            `the undo window of --undo-token ends at ${scheduled.send_at}, more than ${LONGEST_WINDOW_MS / 1000} s away: give a key with a shorter one (the send still goes out then)`,
          );

        const read = await readHold(context, scheduled.hold_id);
        if (read.problem !== undefined) return read.problem;
        const waiting = read.hold!;
        if (waiting.hold_id !== scheduled.hold_id || waiting.tool !== "send_email")
          return failed(
            `get_send_status on hold ${scheduled.hold_id} describes hold ${String(waiting.hold_id)} of ${String(waiting.tool)}`,
          );
        const earlyEnough = Date.now() < sendAt - 500;
        if (earlyEnough && waiting.status !== "scheduled")
          return failed(`get_send_status says ${JSON.stringify(waiting.status)} before send_at, not scheduled`);
        if (typeof waiting.send_at !== "string" || Date.parse(waiting.send_at) !== sendAt)
          return failed(
            `get_send_status gives send_at ${JSON.stringify(waiting.send_at)}, not the ${scheduled.send_at} the send answered`,
          );

        const replay = await client.callTool("send_email", args, { key: "undo-token" });
        const again = replay.result?.structuredContent as Scheduled | undefined;
        if (replay.result?.isError === true || again?.hold_id !== scheduled.hold_id || again.idempotent_replay !== true)
          return failed(
            `a retry with the same idempotency_key answered ${describeAnswer(replay)}, not hold ${scheduled.hold_id} replayed`,
            replay.exchange,
          );

        // Judged only while the window is surely open: a window of a second or two may end meanwhile.
        const sentEarly = await inSent(context, marker);
        const stillEarly = Date.now() < sendAt - 500;
        if (stillEarly && sentEarly > 0)
          return failed(`the scheduled send is in SENT before its send_at ${scheduled.send_at}`);

        const ended = await pollUntil(
          Math.max(0, sendAt - Date.now()) + SENT_WITHIN_MS,
          `get_send_status of hold ${scheduled.hold_id} leaving scheduled and sending after send_at`,
          async () => {
            const { hold } = await readHold(context, scheduled.hold_id);
            return hold === undefined || hold.status === "scheduled" || hold.status === "sending" ? undefined : hold;
          },
        );
        if (ended.status !== "sent")
          return failed(
            `get_send_status says ${JSON.stringify(ended.status)} after the undo window, not sent${ended.failure ? ` (${String(ended.failure)})` : ""}`,
          );
        if (typeof ended.decided_at === "string" && Date.parse(ended.decided_at) < sendAt - 1000)
          return failed(`the hold was sent at ${ended.decided_at}, before its send_at ${scheduled.send_at}`);
        const copies = await pollUntil(30_000, "the scheduled send appearing in SENT", async () => {
          const count = await inSent(context, marker);
          return count > 0 ? count : undefined;
        });
        if (copies !== 1) return failed(`SENT holds ${copies} copies of the scheduled send, not one`);
        return passed(
          `scheduled as ${scheduled.hold_id} until ${scheduled.send_at}${stillEarly ? ", nothing in SENT before it" : ""}; the retry replayed it; sent once after it`,
        );
      },
      { needsMessages: false },
    ),
  ];
}
