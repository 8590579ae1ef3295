// The messages the inbox under test actually has, listed once and shared by the checks that need
// real ids or real senders. A third party's inbox may hold anything or nothing.
import { CheckFailure } from "./check.js";
import type { McpClient } from "./mcp-client.js";

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

export class InboxSample {
  private listing: Promise<ListedMessage[]> | undefined;

  constructor(
    private readonly client: McpClient,
    private readonly inboxId: string,
  ) {}

  /** Up to 100 newest INBOX messages. */
  messages(): Promise<ListedMessage[]> {
    this.listing ??= listPage(this.client, { inbox_id: this.inboxId, limit: SAMPLE_SIZE }).then((page) => page.messages);
    return this.listing;
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

/** list_inbox that must succeed; anything else fails the calling check with the exchange. */
export async function listPage(client: McpClient, args: Record<string, unknown>): Promise<ListPage> {
  const answer = await client.callTool("list_inbox", args);
  const content = answer.result?.structuredContent as ListPage | undefined;
  if (answer.result?.isError === true || content === undefined || !Array.isArray(content.messages)) {
    throw new CheckFailure(`list_inbox ${JSON.stringify(args)} did not return a page of messages`, answer.exchange);
  }
  return content;
}
