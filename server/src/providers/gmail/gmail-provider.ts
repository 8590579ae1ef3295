// The Gmail provider: the five tools over the Gmail API of one mailbox, through @googleapis/gmail
// (the per-API package of googleapis). Folders are system labels, unread is the UNREAD label,
// list pages come from page-token checkpoints and their MIME trees (format full) from one batch request, reads
// parse the raw source like every provider, sends go as raw MIME through the upload endpoint and
// Gmail files them in SENT itself.
import { randomUUID } from "node:crypto";
import {
  authFailed,
  LIMITS,
  messageNotFound,
  providerError,
  searchTimeout,
  type ExecutionErrorResult,
  type Folder,
  type ReadEmailOutput,
} from "@mcpemails/generated";
import type { gmail_v1 } from "@googleapis/gmail";
import { composeOutgoing, isRefusal, prepareReply, prepareSend, type OutgoingMessage } from "../../mail/outgoing.js";
import { parseMessage } from "../../mail/parse.js";
import type { InboxRecord } from "../../store/store.js";
import type { GoogleAppConfig } from "../provider-apps.js";
import type { ClosableProvider, SentMessage } from "../provider.js";
import { parsePortableQuery, standardFolders } from "../search-params.js";
import { batchGetMessages } from "./gmail-batch.js";
import { createGmailCalls, DEFAULT_CALL_POLICY, type CallPolicy } from "./gmail-calls.js";
import { toFailure, type GmailFailure } from "./gmail-failure.js";
import { folderOf, receivedAt, summaryOf } from "./gmail-message.js";
import { listIdPage, PageCheckpoints, type ListQuery } from "./gmail-pages.js";
import { FOLDER_LABELS, portableToGmail, restrictToFolders } from "./gmail-query.js";
import type { GmailSettings } from "./gmail-settings.js";

export interface GmailProviderOptions {
  inbox: InboxRecord;
  settings: GmailSettings;
  app: GoogleAppConfig;
  now?: () => Date;
  /** Retries, waits and timeouts of Gmail calls (tests shorten them). */
  callPolicy?: Partial<CallPolicy>;
  /** When search_emails gives up; LIMITS.search_timeout_seconds unless a test says otherwise. */
  searchTimeoutMs?: number;
}

const ALL_FOLDERS: readonly Folder[] = ["INBOX", "SENT", "DRAFTS", "TRASH"];

export function createGmailProvider({
  inbox,
  settings,
  app,
  now = () => new Date(),
  callPolicy,
  searchTimeoutMs,
}: GmailProviderOptions): ClosableProvider {
  const calls = createGmailCalls(app, settings.refreshToken, { ...DEFAULT_CALL_POLICY, ...callPolicy });
  const checkpoints = new PageCheckpoints(() => now().getTime());
  const ownAddress = settings.address;
  const ownAddresses = [...new Set([ownAddress, ...inbox.addresses])];
  const searchLimitMs = searchTimeoutMs ?? LIMITS.search_timeout_seconds * 1000;

  /** A failure of a read as the tool's error. */
  function readFailure(failure: GmailFailure): ExecutionErrorResult<"auth_failed" | "provider_error"> {
    if (failure.kind === "auth") return authFailed({ inbox_id: inbox.id });
    if (failure.kind === "rate_limited") {
      return providerError({
        detail: `Gmail is rate-limiting this mailbox (${failure.message}).`,
        ...retryAfterOf(failure),
      });
    }
    return providerError({ detail: `${failure.message}.` });
  }

  /** A failure of a send: whether the message may have gone decides what the error says. */
  function sendFailure(failure: GmailFailure): ExecutionErrorResult<"auth_failed" | "provider_error"> {
    if (failure.kind === "auth") return authFailed({ inbox_id: inbox.id });
    if (failure.kind === "unavailable") {
      return providerError({
        detail: `${failure.message}; the outcome is unknown: Gmail may have sent the message. Check SENT before sending again.`,
        deliveryStatus: "unknown",
      });
    }
    if (failure.kind === "rate_limited") {
      return providerError({
        detail: `Gmail is rate-limiting this mailbox (${failure.message}); nothing was sent.`,
        ...retryAfterOf(failure),
      });
    }
    return providerError({ detail: `${failure.message}; nothing was sent.` });
  }

  /** A failure of a call about one message: a 404 is message_not_found. */
  function messageFailure(
    failure: GmailFailure,
    messageId: string,
  ): ExecutionErrorResult<"auth_failed" | "message_not_found" | "provider_error"> {
    return failure.kind === "not_found"
      ? messageNotFound({ message_id: messageId, inbox_id: inbox.id })
      : readFailure(failure);
  }

  async function pageOf(
    query: ListQuery,
    offset: number,
    limit: number,
    folderFor: (labelIds: readonly string[]) => string,
    signal: AbortSignal,
  ) {
    const page = await listIdPage(calls, checkpoints, query, offset, limit, signal);
    const fetched =
      page.ids.length === 0
        ? new Map<string, gmail_v1.Schema$Message>()
        : await batchGetMessages(calls, page.ids, signal);
    const messages = [];
    for (const id of page.ids) {
      const message = fetched.get(id);
      if (message !== undefined) messages.push(await summaryOf(message, folderFor(message.labelIds ?? [])));
    }
    return {
      messages,
      offset,
      limit,
      next_offset: page.nextOffset,
      total: page.estimate,
      total_is_estimate: page.estimate !== null,
    };
  }

  async function getRaw(id: string, signal: AbortSignal): Promise<{ message: gmail_v1.Schema$Message; raw: Buffer }> {
    const message = (
      await calls.call(
        (options) => calls.api.users.messages.get({ userId: "me", id, format: "raw" }, options),
        signal,
        true,
      )
    ).data;
    return { message, raw: Buffer.from(message.raw ?? "", "base64url") };
  }

  async function dispatch(
    outgoing: OutgoingMessage,
    threadId: string | null,
    signal: AbortSignal,
  ): Promise<SentMessage | ExecutionErrorResult<"auth_failed" | "provider_error">> {
    const domain = ownAddress.slice(ownAddress.lastIndexOf("@") + 1) || "gmail.com";
    // Gmail needs the Bcc header to deliver to Bcc recipients; it keeps it in SENT and strips it from what it delivers.
    const composed = await composeOutgoing(outgoing, {
      from: { name: null, address: ownAddress },
      messageId: `<${randomUUID()}@${domain}>`,
      date: now(),
    });
    // Always the upload endpoint: Google documents no limit for a JSON `raw` body, and users meet
    // "Request payload size exceeds the limit" there with messages of 1 MB. The client sends the
    // message alone (uploadType=media), or after the resource holding a reply's threadId (multipart).
    let sent: gmail_v1.Schema$Message;
    try {
      sent = (
        await calls.call(
          (options) =>
            calls.api.users.messages.send(
              {
                userId: "me",
                ...(threadId === null ? {} : { requestBody: { threadId } }),
                media: { mimeType: "message/rfc822", body: composed.rawWithBcc },
              },
              options,
            ),
          signal,
          false,
        )
      ).data;
    } catch (error) {
      signal.throwIfAborted();
      return sendFailure(toFailure(error));
    }
    return {
      message_id: sent.id ?? null,
      thread_id: sent.threadId ?? threadId,
      rfc822_message_id: await storedMessageId(sent.id, composed.messageId, signal),
    };
  }

  /**
   * The Message-ID Gmail stored with the sent message (it may set its own), read back in one
   * call; the one we gave when that read fails, since the message is sent either way.
   */
  async function storedMessageId(id: string | null | undefined, given: string, signal: AbortSignal): Promise<string> {
    if (typeof id !== "string") return given;
    try {
      const message = (
        await calls.call(
          (options) =>
            calls.api.users.messages.get(
              { userId: "me", id, format: "metadata", metadataHeaders: ["Message-ID"] },
              options,
            ),
          signal,
          true,
        )
      ).data;
      const header = message.payload?.headers?.find((entry) => entry.name?.toLowerCase() === "message-id")?.value;
      return header?.trim() ? header.trim() : given;
    } catch {
      return given;
    }
  }

  return {
    async list_inbox(args, signal) {
      const query: ListQuery = {
        labelIds: [FOLDER_LABELS[args.folder], ...(args.unread_only ? ["UNREAD"] : [])],
        includeSpamTrash: args.folder === "TRASH",
      };
      try {
        return await pageOf(query, args.offset, args.limit, () => args.folder, signal);
      } catch (error) {
        signal.throwIfAborted();
        return readFailure(toFailure(error));
      }
    },

    async read_email(args, signal) {
      if (!isGmailId(args.message_id)) return messageNotFound({ message_id: args.message_id, inbox_id: inbox.id });
      try {
        const { message, raw } = await getRaw(args.message_id, signal);
        const parsed = await parseMessage(raw, {
          includeHtml: args.include_html,
          includeAttachments: args.include_attachments,
        });
        const labelIds = message.labelIds ?? [];
        const unread = labelIds.includes("UNREAD");
        // Only an explicit mark_as_read changes anything; the result shows the state after the call.
        if (args.mark_as_read && unread) {
          await calls.call(
            (options) =>
              calls.api.users.messages.modify(
                { userId: "me", id: args.message_id, requestBody: { removeLabelIds: ["UNREAD"] } },
                options,
              ),
            signal,
            true,
          );
        }
        const { date, ...fromSource } = parsed;
        const output: ReadEmailOutput = {
          ...fromSource,
          id: message.id ?? args.message_id,
          thread_id: message.threadId ?? null,
          folder: folderOf(labelIds),
          date: date ?? receivedAt(message),
          unread: unread && !args.mark_as_read,
        };
        return output;
      } catch (error) {
        signal.throwIfAborted();
        return messageFailure(toFailure(error), args.message_id);
      }
    },

    async search_emails(args, signal) {
      // Both throw ParameterError (-32602) before anything is asked of Gmail.
      const native = args.syntax === "native";
      const folders = native && args.include_folders === undefined ? undefined : standardFolders(args.include_folders);
      const base = native ? args.query : portableToGmail(parsePortableQuery(args.query));
      // A native query without include_folders goes to Gmail untouched; otherwise it is held to the folders.
      const query: ListQuery =
        folders === undefined
          ? { q: base }
          : { q: restrictToFolders(base, folders), includeSpamTrash: folders.includes("TRASH") };
      const timeout = AbortSignal.timeout(searchLimitMs);
      try {
        const page = await pageOf(
          query,
          args.offset,
          args.limit,
          (labelIds) => folderOf(labelIds, folders ?? ALL_FOLDERS),
          AbortSignal.any([signal, timeout]),
        );
        return { ...page, result_ceiling: null, syntax: args.syntax };
      } catch (error) {
        signal.throwIfAborted();
        if (timeout.aborted) return searchTimeout({ timeoutSeconds: Math.max(1, Math.round(searchLimitMs / 1000)) });
        return readFailure(toFailure(error));
      }
    },

    async send_email(args, signal) {
      const outgoing = prepareSend(args);
      return isRefusal(outgoing) ? outgoing : dispatch(outgoing, null, signal);
    },

    async reply_to_email(args, signal) {
      if (!isGmailId(args.message_id)) return messageNotFound({ message_id: args.message_id, inbox_id: inbox.id });
      let original: { message: gmail_v1.Schema$Message; raw: Buffer };
      try {
        original = await getRaw(args.message_id, signal);
      } catch (error) {
        signal.throwIfAborted();
        return messageFailure(toFailure(error), args.message_id);
      }
      const parsed = await parseMessage(original.raw, { includeHtml: false, includeAttachments: false });
      const outgoing = prepareReply(parsed, args, ownAddresses);
      return isRefusal(outgoing) ? outgoing : dispatch(outgoing, original.message.threadId ?? null, signal);
    },

    async close() {
      // Nothing is held open: requests are made per call, tokens live in memory.
    },
  };
}

/** The wait Gmail named, within the catalogue's 1 s to 1 day (a sending-limit wait may run past a day). */
function retryAfterOf(failure: GmailFailure): { retryAfter?: number } {
  return failure.retryAfterSeconds === undefined
    ? {}
    : { retryAfter: Math.min(86_400, Math.max(1, failure.retryAfterSeconds)) };
}

/** Gmail's message ids are hexadecimal; anything else cannot be one (and Gmail would answer 400, not 404). */
function isGmailId(id: string): boolean {
  return /^[0-9a-f]{1,64}$/iu.test(id);
}
