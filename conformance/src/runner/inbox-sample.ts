// The messages the inbox under test actually has, listed once and shared by the checks that need
// real ids or real senders. A third party's inbox may hold anything or nothing: a nearly empty one
// gets a few messages sent to it (to --send-to, when that is the inbox's own address) if sends are
// allowed, and otherwise the checks that need messages say why they were skipped.
import { CheckFailure } from "./check.js";
import { listPage } from "./list-page.js";
import type { RunnerConfig } from "./config.js";
import type { McpClient } from "./mcp-client.js";
import { ARRIVAL_TIMEOUT_MS, pollUntil, type SendFixture } from "./send-fixture.js";

export interface ListedAddress {
  name: string | null;
  address: string;
}

export interface ListedMessage {
  id: string;
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
}
