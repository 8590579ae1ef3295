// The port every mail provider (sandbox, Gmail, Outlook, IMAP/SMTP) implements: one method per
// tool, typed from the generated types. Idempotency, quotas, delivery_status and
// idempotent_replay belong to the layer above; a provider never talks to limits.
import type {
  CreateDraftArgs,
  CreateDraftErrorCode,
  DeleteDraftArgs,
  DeleteDraftErrorCode,
  DeleteDraftOutput,
  Draft,
  ExecutionErrorResult,
  GetAttachmentArgs,
  GetAttachmentErrorCode,
  GetAttachmentOutput,
  GetThreadArgs,
  GetThreadErrorCode,
  GetThreadOutput,
  InvalidParamsData,
  ListFoldersArgs,
  ListFoldersErrorCode,
  ListFoldersOutput,
  ListInboxArgs,
  ListInboxErrorCode,
  ListInboxOutput,
  ReadEmailArgs,
  ReadEmailErrorCode,
  ReadEmailOutput,
  ReplyToEmailArgs,
  ReplyToEmailErrorCode,
  SearchEmailsArgs,
  SearchEmailsErrorCode,
  SearchEmailsOutput,
  SendEmailArgs,
  SendDraftArgs,
  SendDraftErrorCode,
  SendEmailErrorCode,
  SendResult,
  UpdateDraftArgs,
  UpdateDraftErrorCode,
} from "@mcpemails/generated";
import type { OutgoingCheck } from "../send-policy/check-outgoing.js";

/** What a provider knows about a message it sent; the layer above adds delivery_status and idempotent_replay. */
export type SentMessage = Pick<SendResult, "message_id" | "thread_id" | "rfc822_message_id" | "sent_copy_problem">;

export interface MailProvider {
  list_inbox(
    args: ListInboxArgs,
    signal: AbortSignal,
  ): Promise<ListInboxOutput | ExecutionErrorResult<ListInboxErrorCode>>;
  read_email(
    args: ReadEmailArgs,
    signal: AbortSignal,
  ): Promise<ReadEmailOutput | ExecutionErrorResult<ReadEmailErrorCode>>;
  /** Throws ParameterError for a query term or folder the provider cannot honour. */
  search_emails(
    args: SearchEmailsArgs,
    signal: AbortSignal,
  ): Promise<SearchEmailsOutput | ExecutionErrorResult<SearchEmailsErrorCode>>;
  /**
   * Every send checks the message it would hand over with check (a send policy: send-policy/) once
   * it is composed from the arguments, the original or the stored draft, and answers its refusal.
   * A provider_error from a send carries deliveryStatus "unknown" when the provider may have
   * accepted the message (a 5xx or a timeout after handing it over); without it, nothing was sent.
   */
  send_email(
    args: SendEmailArgs,
    signal: AbortSignal,
    check?: OutgoingCheck,
  ): Promise<SentMessage | ExecutionErrorResult<SendEmailErrorCode>>;
  reply_to_email(
    args: ReplyToEmailArgs,
    signal: AbortSignal,
    check?: OutgoingCheck,
  ): Promise<SentMessage | ExecutionErrorResult<ReplyToEmailErrorCode>>;
  list_folders(
    args: ListFoldersArgs,
    signal: AbortSignal,
  ): Promise<ListFoldersOutput | ExecutionErrorResult<ListFoldersErrorCode>>;
  get_thread(
    args: GetThreadArgs,
    signal: AbortSignal,
  ): Promise<GetThreadOutput | ExecutionErrorResult<GetThreadErrorCode>>;
  get_attachment(
    args: GetAttachmentArgs,
    signal: AbortSignal,
  ): Promise<GetAttachmentOutput | ExecutionErrorResult<GetAttachmentErrorCode>>;
  /** Saves a draft in the mailbox's own drafts (Gmail drafts, Outlook's Drafts, IMAP \Drafts); sends nothing. */
  create_draft(args: CreateDraftArgs, signal: AbortSignal): Promise<Draft | ExecutionErrorResult<CreateDraftErrorCode>>;
  update_draft(args: UpdateDraftArgs, signal: AbortSignal): Promise<Draft | ExecutionErrorResult<UpdateDraftErrorCode>>;
  delete_draft(
    args: DeleteDraftArgs,
    signal: AbortSignal,
  ): Promise<DeleteDraftOutput | ExecutionErrorResult<DeleteDraftErrorCode>>;
  /** Sends the draft as stored and removes it from the drafts; the same outcome rules as send_email. */
  send_draft(
    args: SendDraftArgs,
    signal: AbortSignal,
    check?: OutgoingCheck,
  ): Promise<SentMessage | ExecutionErrorResult<SendDraftErrorCode>>;
}

/**
 * A parameter that passed the schema but that this provider cannot honour (a search term outside
 * the portable subset, a folder name it does not have). Thrown, because the tool methods' return
 * types hold execution errors only; the MCP layer turns it into -32602 with data
 * {parameter, rule, message}.
 */
export class ParameterError extends Error {
  override readonly name = "ParameterError";

  constructor(
    readonly parameter: string,
    readonly rule: InvalidParamsData["rule"],
    message: string,
  ) {
    super(message);
  }

  /** The -32602 data, as the generated invalidParams takes it. */
  toData(): InvalidParamsData {
    return { parameter: this.parameter, rule: this.rule, message: this.message };
  }
}

/** A provider that holds resources (connections, token caches) until it is closed. */
export interface ClosableProvider extends MailProvider {
  close(): Promise<void>;
}
