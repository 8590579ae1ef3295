// The mail the runner sends itself, only ever to --send-to: one message sent once and shared by the
// checks that follow it (SENT, the recipient's copy, the reply, mark_as_read), and the bounded
// waits for mail to arrive, since a real provider files and delivers it some seconds later.
import { randomUUID } from "node:crypto";
import { CheckFailure } from "./check.js";
import type { RunnerConfig } from "./config.js";
import { describeAnswer } from "./answer-description.js";
import type { ListedMessage } from "./inbox-sample.js";
import { listPage } from "./list-page.js";
import type { McpClient, ToolAnswer } from "./mcp-client.js";
import { validateOutput } from "./output-validation.js";

export interface SendResult {
  message_id: string | null;
  thread_id: string | null;
  rfc822_message_id: string;
  delivery_status: string;
  idempotent_replay: boolean;
}

export interface SentMessage {
  result: SendResult;
  subject: string;
  /** A word no other message has, in the subject and the body, to find this one by. */
  marker: string;
  answer: ToolAnswer;
}

export interface ListedWithId extends ListedMessage {
  thread_id: string | null;
  rfc822_message_id: string | null;
}

/** How long mail may take to show up in SENT or at the recipient before a check gives up. */
export const ARRIVAL_TIMEOUT_MS = 30_000;

export class SendFixture {
  private first: Promise<SentMessage> | undefined;
  private firstCopy: Promise<string> | undefined;

  constructor(
    private readonly client: McpClient,
    private readonly config: RunnerConfig,
  ) {}

  /** Why sends cannot be checked with this configuration, or undefined when they can. */
  get unavailable(): string | undefined {
    return this.config.allowSend && this.config.sendTo !== undefined
      ? undefined
      : "sends: needs --allow-send --send-to ADDRESS";
  }

  /** The runner's own message to --send-to, sent once per run; its SENT copy is what replies answer. */
  sent(): Promise<SentMessage> {
    this.first ??= this.sendNew("sequence");
    return this.first;
  }

  /**
   * The id of that message's SENT copy, which replies answer: the id the send returned (the spec
   * says read_email takes it), else the one SENT lists it under.
   */
  sentCopyId(): Promise<string> {
    this.firstCopy ??= this.sent().then(
      async ({ result }) =>
        result.message_id ??
        (
          await this.waitForListed(
            this.config.inbox,
            "SENT",
            result,
            `message ${result.rfc822_message_id} appearing in SENT`,
          )
        ).id,
    );
    return this.firstCopy;
  }

  /** Sends a new message to --send-to with a fresh marker; fails the calling check unless it was accepted. */
  async sendNew(purpose: string, extra: Record<string, unknown> = {}): Promise<SentMessage> {
    const marker = markerWord();
    const subject = `MCPEmails conformance ${purpose} ${marker}`;
    const args = {
      ...this.sendArguments(subject, `Sent by mcpemails-conformance to check ${purpose}. Marker: ${marker}.`),
      ...extra,
    };
    const answer = await this.client.callTool("send_email", args);
    return { result: expectSendResult("send_email", answer), subject, marker, answer };
  }

  /** Arguments of a send to --send-to and nobody else. */
  sendArguments(subject: string, body: string): Record<string, unknown> {
    if (this.config.sendTo === undefined) throw new Error("sendArguments without --send-to");
    return {
      inbox_id: this.config.inbox,
      to: [this.config.sendTo],
      subject,
      body,
      idempotency_key: `conformance-${randomUUID()}`,
    };
  }

  /** A message the runner sent, waited for (bounded) in the INBOX of --send-to-inbox. */
  async delivered(sent: SentMessage, inboxId: string): Promise<ListedWithId> {
    return this.waitForListed(
      inboxId,
      "INBOX",
      sent.result,
      `message ${sent.result.rfc822_message_id} arriving in --send-to-inbox`,
    );
  }

  /** The message in a folder of an inbox, waited for (bounded): by its id when the send said it, else by its Message-ID. */
  async waitForListed(inboxId: string, folder: string, sent: SendResult, what: string): Promise<ListedWithId> {
    return pollUntil(ARRIVAL_TIMEOUT_MS, what, async () => {
      const { messages } = await listPage(this.client, { inbox_id: inboxId, folder, limit: 50 });
      return (messages as ListedWithId[]).find(
        (m) =>
          (inboxId === this.config.inbox && sent.message_id !== null && m.id === sent.message_id) ||
          m.rfc822_message_id === sent.rfc822_message_id,
      );
    });
  }
}

/** A successful send's structuredContent, valid against the output schema, or the check fails. */
export function expectSendResult(tool: string, answer: ToolAnswer): SendResult {
  if (answer.error !== undefined || answer.result?.isError === true)
    throw new CheckFailure(`${tool} to --send-to failed: ${describeAnswer(answer)}`, answer.exchange);
  const problem = validateOutput(tool, answer.result?.structuredContent);
  if (problem !== undefined)
    throw new CheckFailure(`${tool}'s structuredContent breaks the output schema: ${problem}`, answer.exchange);
  return answer.result?.structuredContent as SendResult;
}

/** Calls attempt until it finds something, waiting longer each time, and fails the check after timeoutMs. */
export async function pollUntil<T>(timeoutMs: number, what: string, attempt: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 100; ; wait = Math.min(wait * 2, 3000)) {
    const found = await attempt();
    if (found !== undefined) return found;
    if (Date.now() + wait > deadline) throw new CheckFailure(`${what} did not happen within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

function markerWord(): string {
  return `mcpe${randomUUID().replaceAll("-", "").slice(0, 16)}`;
}
