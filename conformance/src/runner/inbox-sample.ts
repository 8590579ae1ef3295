// The messages the inbox under test actually has, listed once and shared by the checks that need
// real ids or real senders. A third party's inbox may hold anything or nothing: a nearly empty one
// gets a few messages sent to it (to --send-to, when that is the inbox's own address) if sends are
// allowed, and otherwise the checks that need messages say why they were skipped.
import { LIMITS, type Attachment } from "@mcpemails/generated";
import { CheckFailure } from "./check.js";
import { listPage } from "./list-page.js";
import { readMessage } from "./read-message.js";
import type { RunnerConfig } from "./config.js";
import type { McpClient } from "./mcp-client.js";
import { ARRIVAL_TIMEOUT_MS, pollUntil, type SendFixture } from "./send-fixture.js";

export interface ListedAddress {
  name: string | null;
  address: string;
}

export interface ListedMessage {
  id: string;
  thread_id: string | null;
  folder: string;
  from: ListedAddress | null;
  to: ListedAddress[];
  cc: ListedAddress[];
  subject: string;
  snippet: string;
  date: string;
  unread: boolean;
  has_attachments: boolean;
}

export interface ListPage {
  messages: ListedMessage[];
  next_offset: number | null;
  total: number;
}

const SAMPLE_SIZE = 100;
// Messages read looking for an attachment before giving up: has_attachments may count only inline parts.
const ATTACHMENT_READS = 5;
/** Fewer INBOX messages than this and the ordering, paging and search checks have too little to compare. */
export const FEW_MESSAGES = 3;
// A small text attachment, so that has:attachment has a message to find.
const SEED_ATTACHMENT = {
  filename: "conformance.txt",
  mime_type: "text/plain",
  data: Buffer.from("MCPEmails conformance attachment\n").toString("base64"),
};

export class InboxSample {
  private listing: Promise<ListedMessage[]> | undefined;
  private attachmentFound: Promise<SampleAttachment | undefined> | undefined;
  /** Why the inbox still has too few messages, appended to the reasons of checks skipped for want of them. */
  shortage: string | undefined;

  constructor(
    private readonly client: McpClient,
    private readonly config: RunnerConfig,
    private readonly sends: SendFixture,
  ) {}

  /** Up to 100 newest INBOX messages, after making some when the inbox had almost none. */
  messages(): Promise<ListedMessage[]> {
    this.listing ??= this.listWithData();
    return this.listing;
  }

  private async listWithData(): Promise<ListedMessage[]> {
    const list = async () =>
      (await listPage(this.client, { inbox_id: this.config.inbox, limit: SAMPLE_SIZE })).messages;
    const found = await list();
    if (found.length >= FEW_MESSAGES) return found;
    if (this.sends.unavailable !== undefined) {
      this.shortage = `INBOX has ${found.length} messages; with --allow-send --send-to set to the inbox's own address the runner would send itself the ${FEW_MESSAGES} it needs`;
      return found;
    }
    const wanted = FEW_MESSAGES - found.length;
    for (let i = 0; i < wanted; i++)
      await this.sends.sendNew(`test data ${i + 1}`, i === 0 ? { attachments: [SEED_ATTACHMENT] } : {});
    try {
      return await pollUntil(ARRIVAL_TIMEOUT_MS, `${wanted} messages sent to --send-to arriving in INBOX`, async () => {
        const now = await list();
        return now.length >= FEW_MESSAGES ? now : undefined;
      });
    } catch (error) {
      if (!(error instanceof CheckFailure)) throw error;
      this.shortage = `INBOX had ${found.length} messages and the ${wanted} the runner sent to ${this.config.sendTo ?? ""} did not arrive within ${ARRIVAL_TIMEOUT_MS / 1000} s: is --send-to the inbox's own address?`;
      return list();
    }
  }

  /**
   * The id the checks read by: a message already read where there is one, so that the boundary
   * cases that read with mark_as_read true leave the third party's inbox as it was.
   */
  async firstMessageId(): Promise<string | undefined> {
    const messages = await this.messages();
    return (messages.find((m) => !m.unread) ?? messages[0])?.id;
  }

  /** A listed message that has a thread_id, for get_thread: of the thread listed most often, which has most to judge. */
  async threadMessage(): Promise<(ListedMessage & { thread_id: string }) | undefined> {
    const threaded = (await this.messages()).filter(
      (m): m is ListedMessage & { thread_id: string } => typeof m.thread_id === "string",
    );
    const listed = new Map<string, number>();
    for (const m of threaded) listed.set(m.thread_id, (listed.get(m.thread_id) ?? 0) + 1);
    let best = threaded[0];
    for (const m of threaded) if ((listed.get(m.thread_id) ?? 0) > (listed.get(best?.thread_id ?? "") ?? 0)) best = m;
    return best;
  }

  /**
   * A message with an attachment and that attachment as read_email gives it, for get_attachment:
   * found among the listed messages, else by search has:attachment. Read without marking as read.
   */
  attachment(): Promise<SampleAttachment | undefined> {
    this.attachmentFound ??= this.findAttachment();
    return this.attachmentFound;
  }

  private async findAttachment(): Promise<SampleAttachment | undefined> {
    const listed = (await this.messages()).filter((m) => m.has_attachments).map((m) => m.id);
    const candidates = listed.length > 0 ? listed : await this.searchAttachments();
    for (const messageId of candidates.slice(0, ATTACHMENT_READS)) {
      const { content } = await readMessage(this.client, this.config.inbox, messageId, false);
      const fits = content.attachments.filter((a) => a.size_bytes <= LIMITS.get_attachment_max_bytes);
      const attachment = fits.find((a) => !a.inline) ?? fits[0];
      if (attachment !== undefined)
        return { messageId, threadId: content.thread_id, attachment, attachments: content.attachments };
    }
    return undefined;
  }

  private async searchAttachments(): Promise<string[]> {
    const answer = await this.client.callTool("search_emails", {
      inbox_id: this.config.inbox,
      query: "has:attachment",
      limit: ATTACHMENT_READS,
    });
    const content = answer.result?.structuredContent as { messages?: { id?: unknown }[] } | undefined;
    if (answer.result?.isError === true || !Array.isArray(content?.messages)) return [];
    return content.messages.map((m) => m.id).filter((id): id is string => typeof id === "string");
  }
}

export interface SampleAttachment {
  messageId: string;
  threadId: string | null;
  attachment: Attachment;
  /** Every attachment of that message, as read_email gave them. */
  attachments: Attachment[];
}
