// The MailProvider of an IMAP/SMTP inbox: reads through a pool of imapflow connections, sends
// through the inbox's SMTP server (nodemailer) and files the sender's copy in Sent by APPEND.
//
// "Newest first" here means latest arrival first: the highest sequence number (and UID) of a
// folder is the message the server received last. That keeps list_inbox at O(limit) IMAP work at
// any offset (a sequence range from the end); ordering by the Date header would mean reading the
// dates of the whole folder. Across folders (search), arrival is compared by INTERNALDATE.
import { randomUUID } from "node:crypto";
import {
  authFailed,
  invalidRecipient,
  LIMITS,
  messageNotFound,
  providerError,
  searchTimeout,
  type ExecutionErrorResult,
  type Folder,
  type MessageSummary,
  type ReadEmailOutput,
} from "@mcpemails/generated";
import type { ImapFlow, SearchObject } from "imapflow";
import { addressKey } from "../../mail/addresses.js";
import {
  composeOutgoing,
  envelopeRecipients,
  isRefusal,
  prepareReply,
  prepareSend,
  type OutgoingMessage,
} from "../../mail/outgoing.js";
import { parseMessage } from "../../mail/parse.js";
import type { InboxRecord } from "../../store/store.js";
import type { ClosableProvider, SentMessage } from "../provider.js";
import { ParameterError } from "../provider.js";
import { parsePortableQuery } from "../search-params.js";
import { isAuthFailure, isRefusedCharset, serverWords } from "./imap-errors.js";
import { folderMap, type FolderMap } from "./imap-folders.js";
import { decodeMessageId, encodeMessageId, threadIdOf } from "./imap-message-id.js";
import { createImapPool, type ImapConnection } from "./imap-pool.js";
import { nativeToImap, portableToImap, type ImapQuery } from "./imap-search.js";
import type { ImapPoolOptions, ImapSettings } from "./imap-settings.js";
import { ConnectError } from "../provider-apps.js";
import { ProviderFailure } from "../core/provider-failure.js";
import { withoutCutParts } from "./imap-oversized.js";
import { withCrlfLineEnds } from "./imap-crlf.js";
import { createSmtpSender } from "./imap-smtp.js";
import { imapCredentials, imapTokenSource } from "./imap-login.js";
import type { ImapOAuthApps } from "./imap-oauth-tokens.js";
import type { MailNetworkPolicy } from "./mail-network.js";
import { fetchSummaries, hasAttachments, sentDate, type FolderState } from "./imap-summary.js";
import { lastOfSet, toSequenceSet } from "./sequence-set.js";

export interface ImapProviderOptions {
  inbox: InboxRecord;
  settings: ImapSettings;
  pool: ImapPoolOptions;
  /** Which addresses its servers may be at, and whether a plaintext login may leave this machine. */
  network: MailNetworkPolicy;
  now?: () => Date;
  /**
   * Told when a message went out but its copy could not be filed in Sent (the result says only
   * message_id null, as the protocol has no field for the reason).
   */
  onSentCopyNotFiled?: (event: { inboxId: string; reason: string }) => void;
  /** How long a search may run before it is abandoned; the spec's 30 seconds unless a test says otherwise. */
  searchTimeoutMs?: number;
  /** The apps whose refresh tokens an inbox signing in with OAuth holds. */
  apps?: ImapOAuthApps;
  /** Stores the inbox's settings again (a refresh token the service rotated). */
  saveSettings?: (secret: string) => Promise<void>;
}

const TIMED_OUT = Symbol("search timed out");

/** What became of the sender's copy: filed (with its id, when the server gave a UID) or not, and why. */
type SentCopy = { filed: true; messageId: string | null } | { filed: false; reason: string };

export function createImapProvider(options: ImapProviderOptions): ClosableProvider {
  const { inbox, settings } = options;
  const now = options.now ?? (() => new Date());
  const searchTimeoutMs = options.searchTimeoutMs ?? LIMITS.search_timeout_seconds * 1000;
  const credentials = imapCredentials(settings, imapTokenSource(options));
  const pool = createImapPool(settings, options.pool, options.network, credentials);
  const smtp = createSmtpSender(settings, options.network, credentials);
  const ownAddresses = inbox.addresses.length > 0 ? inbox.addresses : [settings.address];
  let folders: FolderMap | undefined;

  async function foldersOf(connection: ImapConnection, refresh = false): Promise<FolderMap> {
    if (folders === undefined || refresh)
      folders = folderMap(await connection.client.list({ listOnly: true }), connection.client.namespace);
    return folders;
  }

  /** The tool's failure as its result: auth_failed for a refused login, provider_error with the server's words otherwise. */
  function failure(error: unknown): ExecutionErrorResult<"auth_failed" | "provider_error"> {
    if (error instanceof ParameterError) throw error;
    // The caller's own abort (its client went away): nobody waits for an answer, as with Gmail and Outlook.
    if ((error as { name?: unknown } | null)?.name === "AbortError") throw error;
    if (isAuthFailure(error) || (error instanceof ProviderFailure && error.kind === "auth"))
      return authFailed({ inbox_id: inbox.id });
    // The OAuth sign-in's own failures (its token endpoint) are already in the caller's words.
    if (error instanceof ProviderFailure)
      return providerError({
        detail: `inbox ${inbox.id}: ${error.detail}`,
        ...(error.retryAfterSeconds === undefined ? {} : { retryAfter: error.retryAfterSeconds }),
      });
    if (error instanceof ConnectError) return providerError({ detail: `inbox ${inbox.id}: ${error.message}` });
    return providerError({ detail: `the IMAP server of inbox ${inbox.id} answered: ${serverWords(error, settings)}` });
  }

  async function openFolder(
    connection: ImapConnection,
    path: string,
    map: FolderMap,
  ): Promise<FolderState & { exists: number }> {
    const state = await connection.open(path);
    return { path, name: map.nameOf(path), uidValidity: state.uidValidity, exists: state.exists };
  }

  /** The UIDs of a folder that match, ascending; has:attachment answered from BODYSTRUCTURE. */
  async function matchingUids(client: ImapFlow, query: ImapQuery): Promise<number[]> {
    const found = await client.search(query.criteria, { uid: true });
    if (found === false || found === undefined) throw new Error("the server refused the SEARCH command");
    let uids = [...found].sort((a, b) => a - b);
    if ((query.attachment === undefined && query.exact === undefined) || uids.length === 0) return uids;
    const structures = await client.fetchAll(uids, { uid: true, bodyStructure: true }, { uid: true });
    const described = new Set(
      structures.filter((message) => message.bodyStructure !== undefined).map((message) => message.uid),
    );
    const withAttachment = new Set(
      structures
        .filter((message) => message.bodyStructure !== undefined && hasAttachments(message.bodyStructure))
        .map((message) => message.uid),
    );
    if (query.exact !== undefined) {
      const exact = await client.search(query.exact(toSequenceSet(uids.filter((uid) => withAttachment.has(uid)))), {
        uid: true,
      });
      if (exact === false || exact === undefined) throw new Error("the server refused the SEARCH command");
      const matched = new Set(exact);
      uids = uids.filter((uid) => matched.has(uid));
    }
    if (query.attachment !== undefined)
      uids = uids.filter((uid) => described.has(uid) && withAttachment.has(uid) === query.attachment);
    return uids;
  }

  /** APPENDs the sender's copy to the Sent folder (found again once when the cached list has none). */
  async function fileSentCopy(raw: string): Promise<SentCopy> {
    try {
      return await pool.use(
        async (connection) => {
          // Gmail files what its SMTP server sends in [Gmail]/Sent Mail itself: a copy would show twice.
          if (connection.client.capabilities.has("X-GM-EXT-1")) return { filed: true, messageId: null };
          const sentPath =
            (await foldersOf(connection)).pathOf("SENT") ?? (await foldersOf(connection, true)).pathOf("SENT");
          if (sentPath === undefined)
            return {
              filed: false,
              reason: "the IMAP server has no Sent folder (none marked \\Sent, none by a usual name)",
            };
          const appended = await connection.client.append(sentPath, raw, ["\\Seen"], now());
          if (appended === false) return { filed: false, reason: `the IMAP server refused the APPEND to ${sentPath}` };
          if (appended.uid === undefined || appended.uidValidity === undefined) return { filed: true, messageId: null };
          return {
            filed: true,
            messageId: encodeMessageId({ path: sentPath, uidValidity: appended.uidValidity, uid: appended.uid }),
          };
        },
        // Repeating an APPEND whose answer was lost would file the message twice.
        { retryOnDrop: false },
      );
    } catch (error) {
      return { filed: false, reason: `the IMAP server answered: ${serverWords(error, settings)}` };
    }
  }

  async function dispatch(
    outgoing: OutgoingMessage,
    parameterOf: (address: string) => string,
  ): Promise<SentMessage | ExecutionErrorResult<"invalid_recipient" | "auth_failed" | "provider_error">> {
    const domain = settings.address.slice(settings.address.lastIndexOf("@") + 1) || "mcpemails.invalid";
    const composed = await composeOutgoing(outgoing, {
      from: { name: null, address: settings.address },
      messageId: `<${randomUUID()}@${domain}>`,
      date: now(),
    });
    const sent = await smtp.send(withCrlfLineEnds(composed.raw), envelopeRecipients(outgoing));
    if (!sent.ok) {
      if (sent.kind === "auth") return authFailed({ inbox_id: inbox.id });
      if (sent.kind === "recipient") {
        const refused = sent.rejected[0] ?? "";
        return invalidRecipient({ parameter: parameterOf(refused), address: refused });
      }
      return providerError({
        detail: `the SMTP server of inbox ${inbox.id} answered: ${sent.words}${sent.handedOver ? "; the message may have been sent: check SENT before sending again" : "; nothing was sent"}`,
        ...(sent.handedOver ? { deliveryStatus: "unknown" as const } : {}),
      });
    }
    const threadId = threadIdOf({
      references: outgoing.references,
      inReplyTo: outgoing.inReplyTo,
      messageId: composed.messageId,
    });
    // The SMTP server accepted the message: from here on nothing may turn the send into an error
    // (a caller would send again). A Sent copy that could not be filed leaves message_id null and
    // the result says why (the server's words, or that there is no Sent folder).
    const copy = await fileSentCopy(withCrlfLineEnds(composed.rawWithBcc));
    if (!copy.filed) options.onSentCopyNotFiled?.({ inboxId: inbox.id, reason: copy.reason });
    if (!copy.filed)
      return {
        message_id: null,
        thread_id: threadId,
        rfc822_message_id: composed.messageId,
        sent_copy_problem: `The message was sent, but its copy could not be filed in SENT: ${copy.reason}.`,
      };
    return { message_id: copy.messageId, thread_id: threadId, rfc822_message_id: composed.messageId };
  }

  /** The parameter path of a refused recipient of send_email's arguments. */
  function sendParameter(outgoing: OutgoingMessage): (address: string) => string {
    return (address) => {
      const key = addressKey(address);
      for (const field of ["to", "cc", "bcc"] as const) {
        const index = outgoing[field].findIndex((entry) => addressKey(entry.address) === key);
        if (index >= 0) return `${field}[${index}]`;
      }
      return "to[0]";
    };
  }

  return {
    async list_inbox(args, signal) {
      try {
        return await pool.use(
          async (connection) => {
            const map = await foldersOf(connection);
            const path = map.pathOf(args.folder as Folder);
            const empty = {
              messages: [],
              offset: args.offset,
              limit: args.limit,
              next_offset: null,
              total: 0,
              total_is_estimate: false,
            };
            if (path === undefined) return empty;
            const folder = await openFolder(connection, path, map);
            let total: number;
            let messages: MessageSummary[];
            if (!args.unread_only) {
              total = folder.exists;
              const last = total - args.offset;
              const first = Math.max(1, last - args.limit + 1);
              messages = last < 1 ? [] : await fetchSummaries(connection.client, `${first}:${last}`, folder, false);
            } else {
              const unread = await unreadUids(connection.client);
              total = unread.count;
              const uids = lastOfSet(unread.set, args.offset, args.limit);
              messages = uids.length === 0 ? [] : await fetchSummaries(connection.client, uids, folder, true);
            }
            const end = args.offset + args.limit;
            return {
              messages,
              offset: args.offset,
              limit: args.limit,
              next_offset: end < total ? end : null,
              total,
              total_is_estimate: false,
            };
          },
          { retryOnDrop: true, signal },
        );
      } catch (error) {
        return failure(error);
      }
    },

    async read_email(args, signal) {
      const ref = decodeMessageId(args.message_id);
      const notFound = messageNotFound({ message_id: args.message_id, inbox_id: inbox.id });
      if (ref === undefined) return notFound;
      try {
        const found = await pool.use(
          async (connection) => {
            const map = await foldersOf(connection);
            let state;
            try {
              state = await connection.open(ref.path);
            } catch (error) {
              if (
                (error as { mailboxMissing?: boolean }).mailboxMissing === true ||
                (error as { responseStatus?: string }).responseStatus === "NO"
              )
                return undefined;
              throw error;
            }
            if (state.uidValidity !== ref.uidValidity) return undefined;
            const message = await connection.client.fetchOne(
              String(ref.uid),
              {
                uid: true,
                flags: true,
                internalDate: true,
                size: true,
                source: { maxLength: LIMITS.read_message_max_bytes },
              },
              { uid: true },
            );
            if (message === false || message.uid !== ref.uid || message.source === undefined) return undefined;
            const oversized = (message.size ?? 0) > LIMITS.read_message_max_bytes;
            const structure = oversized
              ? await connection.client.fetchOne(String(ref.uid), { bodyStructure: true }, { uid: true })
              : false;
            const wasUnread = !(message.flags?.has("\\Seen") ?? false);
            // Only an explicit mark_as_read sets \Seen (the source was fetched with BODY.PEEK). Safe to repeat after a drop.
            if (args.mark_as_read && wasUnread)
              await connection.client.messageFlagsAdd(String(ref.uid), ["\\Seen"], { uid: true });
            return {
              message,
              unread: wasUnread && !args.mark_as_read,
              folder: map.nameOf(ref.path),
              structure: structure === false ? undefined : structure.bodyStructure,
            };
          },
          { retryOnDrop: true, signal },
        );
        if (found === undefined) return notFound;
        const source = found.message.source as Buffer;
        const whole = found.structure === undefined;
        const read = await parseMessage(source, {
          includeHtml: args.include_html,
          includeAttachments: args.include_attachments && whole,
        });
        const parsed = whole ? read : withoutCutParts(read, found.structure, args.include_attachments);
        const output: ReadEmailOutput = {
          ...parsed,
          id: args.message_id,
          thread_id: threadIdOf({
            references: parsed.references,
            inReplyTo: parsed.in_reply_to,
            messageId: parsed.rfc822_message_id,
          }),
          folder: found.folder,
          date: parsed.date ?? sentDate(undefined, found.message.internalDate),
          unread: found.unread,
          size_bytes: found.message.size ?? source.length,
        };
        return output;
      } catch (error) {
        return failure(error);
      }
    },

    async search_emails(args, signal) {
      const query =
        args.syntax === "native" ? nativeToImap(args.query) : portableToImap(parsePortableQuery(args.query));
      try {
        const outcome = await pool.use(
          async (connection) => {
            let map = await foldersOf(connection);
            if (args.include_folders?.some((name) => map.resolve(name) === undefined))
              map = await foldersOf(connection, true);
            const paths =
              args.include_folders === undefined
                ? map.selectable
                : args.include_folders.map((name, index) => {
                    const path = map.resolve(name);
                    if (path === undefined) {
                      throw new ParameterError(
                        `include_folders[${index}]`,
                        "enum",
                        `include_folders[${index}]: "${name}" is not a folder of this inbox; use INBOX, SENT, DRAFTS, TRASH or one of its folders: ${map.selectable.join(", ")}.`,
                      );
                    }
                    return path;
                  });
            const work = searchFolders(connection, [...new Set(paths)], map, query, args.offset, args.limit);
            let timer: NodeJS.Timeout | undefined;
            const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
              timer = setTimeout(() => resolve(TIMED_OUT), searchTimeoutMs);
            });
            try {
              const result = await Promise.race([work, timeout]);
              if (result === TIMED_OUT) {
                // Abandoned: the command may still be running on the server, so its connection goes.
                work.catch(() => {});
                connection.client.close();
              }
              return result;
            } finally {
              clearTimeout(timer);
            }
          },
          { retryOnDrop: true, signal },
        );
        if (outcome === TIMED_OUT) return searchTimeout({ timeoutSeconds: Math.ceil(searchTimeoutMs / 1000) });
        const end = args.offset + args.limit;
        return {
          messages: outcome.messages,
          offset: args.offset,
          limit: args.limit,
          next_offset: end < outcome.total ? end : null,
          total: outcome.total,
          total_is_estimate: false,
          result_ceiling: null,
          syntax: args.syntax,
        };
      } catch (error) {
        if (isRefusedCharset(error))
          throw new ParameterError(
            "query",
            "query_term",
            `query: this inbox's IMAP server cannot search non-ASCII text (it refused SEARCH CHARSET UTF-8: ${serverWords(error, settings)}); search with ASCII words only.`,
          );
        return failure(error);
      }
    },

    async send_email(args, signal) {
      const outgoing = prepareSend(args);
      if (isRefusal(outgoing)) return outgoing;
      try {
        // Once the SMTP transaction starts it is not abandoned: the agent gone or not, the result is recorded.
        signal.throwIfAborted();
        return await dispatch(outgoing, sendParameter(outgoing));
      } catch (error) {
        return failure(error);
      }
    },

    async reply_to_email(args, signal) {
      const ref = decodeMessageId(args.message_id);
      const notFound = messageNotFound({ message_id: args.message_id, inbox_id: inbox.id });
      if (ref === undefined) return notFound;
      try {
        const source = await pool.use(
          async (connection) => {
            try {
              const state = await connection.open(ref.path);
              if (state.uidValidity !== ref.uidValidity) return undefined;
            } catch (error) {
              if (
                (error as { mailboxMissing?: boolean }).mailboxMissing === true ||
                (error as { responseStatus?: string }).responseStatus === "NO"
              )
                return undefined;
              throw error;
            }
            const message = await connection.client.fetchOne(
              String(ref.uid),
              { uid: true, source: true },
              { uid: true },
            );
            return message === false || message.uid !== ref.uid ? undefined : message.source;
          },
          { retryOnDrop: true, signal },
        );
        if (source === undefined) return notFound;
        const original = await parseMessage(source, { includeHtml: false, includeAttachments: false });
        const outgoing = prepareReply(original, args, ownAddresses);
        if (isRefusal(outgoing)) return outgoing;
        signal.throwIfAborted();
        return await dispatch(outgoing, () => "message_id");
      } catch (error) {
        return failure(error);
      }
    },

    async close() {
      await pool.close();
    },
  };

  async function searchFolders(
    connection: ImapConnection,
    paths: readonly string[],
    map: FolderMap,
    query: ImapQuery,
    offset: number,
    limit: number,
  ): Promise<{ messages: MessageSummary[]; total: number }> {
    const perFolder: Array<{ folder: FolderState; uids: number[] }> = [];
    for (const path of paths) {
      const folder = await openFolder(connection, path, map);
      if (folder.exists === 0) continue;
      const uids = await matchingUids(connection.client, query);
      if (uids.length > 0) perFolder.push({ folder, uids });
    }
    const total = perFolder.reduce((sum, entry) => sum + entry.uids.length, 0);
    const wanted = offset + limit;
    let page: Array<{ folder: FolderState; uid: number }>;
    if (perFolder.length <= 1) {
      const only = perFolder[0];
      page =
        only === undefined
          ? []
          : only.uids
              .slice(Math.max(0, only.uids.length - wanted), Math.max(0, only.uids.length - offset))
              .reverse()
              .map((uid) => ({ folder: only.folder, uid }));
    } else {
      // The page can only hold each folder's latest offset+limit matches: their arrival dates decide the merge.
      const candidates: Array<{ folder: FolderState; uid: number; received: number }> = [];
      for (const { folder, uids } of perFolder) {
        const latest = uids.slice(-wanted);
        await connection.open(folder.path);
        for (const message of await connection.client.fetchAll(
          latest,
          { uid: true, internalDate: true },
          { uid: true },
        )) {
          candidates.push({ folder, uid: message.uid, received: new Date(message.internalDate ?? 0).getTime() });
        }
      }
      candidates.sort((a, b) => b.received - a.received || b.uid - a.uid);
      page = candidates.slice(offset, wanted);
    }
    const messages: MessageSummary[] = [];
    for (const { folder } of perFolder) {
      const uids = page.filter((entry) => entry.folder === folder).map((entry) => entry.uid);
      if (uids.length === 0) continue;
      await connection.open(folder.path);
      messages.push(...(await fetchSummaries(connection.client, uids, folder, true)));
    }
    const order = new Map(page.map((entry, index) => [`${entry.folder.path}\n${entry.uid}`, index]));
    messages.sort((a, b) => (order.get(keyOf(a)) ?? 0) - (order.get(keyOf(b)) ?? 0));
    return { messages, total };

    function keyOf(summary: MessageSummary): string {
      const ref = decodeMessageId(summary.id);
      return `${ref?.path ?? ""}\n${ref?.uid ?? 0}`;
    }
  }
}

/** The UIDs of the selected folder's unread messages: ESEARCH's compact set where the server has it. */
async function unreadUids(client: ImapFlow): Promise<{ set: string; count: number }> {
  const criteria: SearchObject = { seen: false };
  const result = await client.search(criteria, { uid: true, returnOptions: ["ALL", "COUNT"] });
  if (result === false || result === undefined) throw new Error("the server refused SEARCH UNSEEN");
  if (Array.isArray(result)) {
    const sorted = [...result].sort((a, b) => a - b);
    return { set: sorted.join(","), count: sorted.length };
  }
  return { set: result.all ?? "", count: result.count ?? 0 };
}
