// The Outlook provider: the five tools over Microsoft Graph for one mailbox, with tokens from MSAL.
// list_inbox is one request per page ($top/$skip/$count on the folder); read_email is the MIME
// source ($value) through the common parse path plus the few properties MIME lacks (at most two
// requests); search_emails is KQL $search (paged through nextLinks with checkpoints, its ids made
// immutable by one more request) or, for unread, $filter or a $search whose results' read state is
// checked; a send is a draft from MIME (plus upload sessions above the request limit), then sent,
// so that it returns the sent message's id once Exchange has filed its Sent Items copy.
import type { Message } from "@microsoft/microsoft-graph-types";
import {
  authFailed,
  messageNotFound,
  providerError,
  searchTimeout,
  type ExecutionErrorResult,
  type Folder,
  type ListInboxOutput,
  type ReadEmailOutput,
  type SearchEmailsArgs,
  type SearchEmailsOutput,
} from "@mcpemails/generated";
import { isRefusal, prepareReply, prepareSend, type OutgoingMessage } from "../../mail/outgoing.js";
import { parseMessage } from "../../mail/parse.js";
import type { InboxRecord } from "../../store/store.js";
import type { MicrosoftAppConfig } from "../provider-apps.js";
import { ParameterError, type ClosableProvider, type SentMessage } from "../provider.js";
import { parsePortableQuery, standardFolders } from "../search-params.js";
import { collectionWindow, type CollectionWindow } from "./collection-window.js";
import { messagePath } from "./graph-ids.js";
import { createGraphClient, GRAPH_BASE, GraphRequestError, type GraphClient } from "./graph-client.js";
import { ORDERABLE_FILTER_PREFIX, portableToGraph, quoteSearch, type GraphQuery } from "./graph-query.js";
import { GrantRefused, mailboxTokens } from "./msal-tokens.js";
import { PageCheckpoints } from "./page-checkpoints.js";
import { READ_SELECT, SUMMARY_SELECT, toSummary, WELL_KNOWN } from "./outlook-message.js";
import { NothingSent, sendThroughGraph } from "./outlook-send.js";
import type { OutlookSettings } from "./outlook-settings.js";

export interface OutlookProviderOptions {
  inbox: InboxRecord;
  settings: OutlookSettings;
  app: MicrosoftAppConfig;
  /** Stores the settings again (encrypted) when MSAL's token cache changed. */
  saveSettings: (settings: OutlookSettings) => Promise<void>;
  now?: () => Date;
  /** Waits of the retries (retry-rule.ts); tests pass one that records instead of sleeping. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Per request; a search that runs longer is search_timeout, a send provider_error with an unknown outcome. */
  requestTimeoutMs?: number;
  /** How long a send waits for its Sent Items copy before answering message_id null (SENT_COPY_WAIT_MS). */
  sentCopyWaitMs?: number;
}

/** Graph's $search returns at most this many results for one query. */
export const SEARCH_RESULT_CEILING = 1000;
/** translateExchangeIds takes at most this many ids a call (https://learn.microsoft.com/graph/api/user-translateexchangeids). */
const TRANSLATE_BATCH = 1000;
const SEARCH_TIMEOUT_SECONDS = 30;

/** Results a $search asks for at least when many may be left out (other folders, the other read state). */
const KEEPING_MIN_BATCH = 50;
/** How far up the folder tree a folder's place is looked for. */
const MAX_FOLDER_DEPTH = 32;
/** Extra requests a folder-less $filter may make after finding folders that hold no mail on its page. */
const MAX_FILTER_RETRIES = 2;

interface FolderFacts {
  name: string;
  /** Below msgfolderroot and not hidden: a mail folder, not where Teams keeps its chats. */
  mail: boolean;
}

export function createOutlookProvider(options: OutlookProviderOptions): ClosableProvider {
  const { inbox, app, now = () => new Date() } = options;
  let settings = options.settings;
  // Saves run one after another, so that an older cache never overwrites a newer one.
  let saving: Promise<void> = Promise.resolve();
  const save = (next: OutlookSettings) => {
    settings = next;
    saving = saving.then(() => options.saveSettings(next));
    return saving;
  };
  const tokens = mailboxTokens({
    app,
    tokenCache: settings.tokenCache,
    homeAccountId: settings.homeAccountId,
    onCacheChanged: (tokenCache) => save({ ...settings, tokenCache }),
  });
  const graph: GraphClient = createGraphClient({
    tokens,
    mailbox: `${app.clientId}\u0000${settings.address.toLowerCase()}`,
    now,
    ...(options.sleep ? { sleep: options.sleep } : {}),
    ...(options.requestTimeoutMs ? { timeoutMs: options.requestTimeoutMs } : {}),
  });
  const checkpoints = new PageCheckpoints();
  const folderNames = new Map<string, string>();
  let folderIdsLoaded: Promise<void> | undefined;
  const otherFolders = new Map<string, Promise<FolderFacts>>();
  let topOfStoreId: Promise<string> | undefined;
  /** Folders found to hold no mail, left out of a folder-less $filter by id so that its count is exact. */
  const notMailFolders = new Set<string>();

  /** The folder ids of the four well-known folders: from the settings, else asked once (and saved). */
  function loadFolderIds(signal: AbortSignal): Promise<void> {
    folderIdsLoaded ??= (async () => {
      let ids = settings.folderIds;
      if (ids === undefined) {
        const entries = await Promise.all(
          (Object.keys(WELL_KNOWN) as Folder[]).map(
            async (folder) =>
              [
                folder,
                (
                  await graph.json<{ id: string }>({
                    method: "GET",
                    path: `/me/mailFolders/${WELL_KNOWN[folder]}`,
                    query: { $select: "id" },
                    signal,
                  })
                ).id,
              ] as const,
          ),
        );
        ids = Object.fromEntries(entries) as Record<Folder, string>;
        await save({ ...settings, folderIds: ids });
      }
      for (const [folder, id] of Object.entries(ids)) folderNames.set(id, folder);
    })().catch((error: unknown) => {
      folderIdsLoaded = undefined;
      throw error;
    });
    return folderIdsLoaded;
  }

  async function folderIdsOf(folders: readonly Folder[], signal: AbortSignal): Promise<Set<string>> {
    await loadFolderIds(signal);
    return new Set(folders.map((folder) => settings.folderIds?.[folder] ?? ""));
  }

  /** msgfolderroot's id ("Top of Information Store"): the mail folders are the folders below it. */
  function topOfStore(signal: AbortSignal): Promise<string> {
    topOfStoreId ??= graph
      .json<{ id: string }>({ method: "GET", path: "/me/mailFolders/msgfolderroot", query: { $select: "id" }, signal })
      .then((folder) => folder.id)
      .catch((error: unknown) => {
        topOfStoreId = undefined;
        throw error;
      });
    return topOfStoreId;
  }

  /**
   * A folder's display name and whether it holds mail: the well-known four, or any folder below
   * msgfolderroot with none hidden on the way (one request per folder, once). GET /me/messages also
   * returns Teams chat items (https://learn.microsoft.com/graph/known-issues#get-messages-returns-chats-in-microsoft-teams),
   * kept in TeamsMessagesData beside msgfolderroot (earlier in a hidden folder below Conversation
   * History). Their subject, documented as "IM", has been reported empty since 2019
   * (https://github.com/microsoftgraph/microsoft-graph-docs/issues/4357), and Microsoft's answer there
   * is that reading chats through /messages "is not a supported scenario": the mail is what is in the
   * mail folders, as Microsoft points to in https://github.com/microsoftgraph/microsoft-graph-docs/issues/2909.
   * A folder Graph will not show (400, 403, 404) holds no mail either.
   */
  async function folderFacts(folderId: string, signal: AbortSignal, depth = 0): Promise<FolderFacts> {
    await loadFolderIds(signal);
    const known = folderNames.get(folderId);
    if (known !== undefined) return { name: known, mail: true };
    let facts = otherFolders.get(folderId);
    if (facts === undefined) {
      facts = (async (): Promise<FolderFacts> => {
        let folder: { displayName?: string; parentFolderId?: string | null; isHidden?: boolean };
        try {
          folder = await graph.json({
            method: "GET",
            path: `/me/mailFolders/${encodeURIComponent(folderId)}`,
            query: { $select: "displayName,parentFolderId,isHidden" },
            signal,
          });
        } catch (error) {
          if (error instanceof GraphRequestError && [400, 403, 404].includes(error.status))
            return { name: folderId, mail: false };
          throw error;
        }
        const name = folder.displayName ?? folderId;
        if (folder.isHidden === true) return { name, mail: false };
        const top = await topOfStore(signal);
        if (folderId === top || folder.parentFolderId === top) return { name, mail: true };
        if (!folder.parentFolderId || depth >= MAX_FOLDER_DEPTH) return { name, mail: false };
        return { name, mail: (await folderFacts(folder.parentFolderId, signal, depth + 1)).mail };
      })().catch((error: unknown) => {
        otherFolders.delete(folderId);
        throw error;
      });
      otherFolders.set(folderId, facts);
    }
    return facts;
  }

  /** INBOX/SENT/DRAFTS/TRASH, or the display name of any other folder (asked once per folder). */
  async function folderOf(parentFolderId: string | null | undefined, signal: AbortSignal): Promise<string> {
    if (parentFolderId === null || parentFolderId === undefined) return "INBOX";
    return (await folderFacts(parentFolderId, signal)).name;
  }

  /** Whether a message of a folder-less query is mail (not a Teams chat item). */
  async function isMail(message: Message, signal: AbortSignal): Promise<boolean> {
    const folderId = message.parentFolderId;
    return folderId === null || folderId === undefined || (await folderFacts(folderId, signal)).mail;
  }

  function failure(
    error: unknown,
    context: { messageId: string },
  ): ExecutionErrorResult<"auth_failed" | "provider_error" | "message_not_found">;
  function failure(
    error: unknown,
    context: { search: true },
  ): ExecutionErrorResult<"auth_failed" | "provider_error" | "search_timeout">;
  function failure(error: unknown, context: { send?: true }): ExecutionErrorResult<"auth_failed" | "provider_error">;
  function failure(
    error: unknown,
    context: { messageId?: string; search?: boolean; send?: boolean },
  ): ExecutionErrorResult<"auth_failed" | "provider_error" | "message_not_found" | "search_timeout"> {
    if (error instanceof GrantRefused) return authFailed({ inbox_id: inbox.id });
    const nothingSent = error instanceof NothingSent;
    const cause = nothingSent ? error.cause : error;
    if (!(cause instanceof GraphRequestError)) throw error;
    // Graph answers 400 ErrorInvalidIdMalformed to an id it could not have issued: no such message either.
    const noSuchMessage =
      cause.status === 404 || cause.code === "ErrorItemNotFound" || cause.code === "ErrorInvalidIdMalformed";
    if (context.messageId !== undefined && noSuchMessage)
      return messageNotFound({ message_id: context.messageId, inbox_id: inbox.id });
    if (context.search && (cause.code === "timeout" || cause.status === 504 || cause.code === "ErrorTimeoutExpired"))
      return searchTimeout({ timeoutSeconds: SEARCH_TIMEOUT_SECONDS });
    const retryAfter =
      cause.retryAfterSeconds === undefined ? {} : { retryAfter: Math.max(1, cause.retryAfterSeconds) };
    if (context.send && cause.outcomeUnknown && !nothingSent) {
      return providerError({
        detail: `${cause.message}. The message was handed to Outlook, which may or may not have sent it; it was not resent. Check SENT before sending again.`,
        deliveryStatus: "unknown",
        ...retryAfter,
      });
    }
    return providerError({ detail: `${cause.message}${context.send ? ". Nothing was sent." : ""}`, ...retryAfter });
  }

  async function summaries(messages: readonly Message[], signal: AbortSignal, folder?: string) {
    return Promise.all(
      messages.map(async (message) => toSummary(message, folder ?? (await folderOf(message.parentFolderId, signal)))),
    );
  }

  /**
   * The messages with the immutable ids every other call gives: $search ignores Prefer:
   * IdType="ImmutableId" (https://github.com/microsoftgraph/msgraph-sdk-dotnet/issues/698), and its REST
   * ids die when the message moves. One translateExchangeIds per page; an id Graph cannot translate (the
   * message is gone since) stays as found.
   */
  async function withImmutableIds(messages: readonly Message[], signal: AbortSignal): Promise<Message[]> {
    const ids = messages.flatMap((message) => (message.id ? [message.id] : []));
    const immutable = new Map<string, string>();
    for (let start = 0; start < ids.length; start += TRANSLATE_BATCH) {
      const answer = await graph.json<{ value?: Array<{ sourceId?: string; targetId?: string }> }>({
        method: "POST",
        path: "/me/translateExchangeIds",
        body: JSON.stringify({
          inputIds: ids.slice(start, start + TRANSLATE_BATCH),
          sourceIdType: "restId",
          targetIdType: "restImmutableEntryId",
        }),
        contentType: "application/json",
        signal,
      });
      for (const { sourceId, targetId } of answer.value ?? [])
        if (sourceId && targetId) immutable.set(sourceId, targetId);
    }
    return messages.map((message) => ({ ...message, id: immutable.get(message.id ?? "") ?? message.id }));
  }

  /** The URL of a collection's first page, with these query options. */
  function collectionUrl(base: string, query: Record<string, string>): URL {
    const url = new URL(`${GRAPH_BASE}${base}`);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    return url;
  }

  /** The next offset and total of a window whose collection gives no count. */
  function uncounted(window: CollectionWindow) {
    // An empty page never points at itself: a walk that found nothing (Graph's empty pages) ends there.
    const last = (window.exhausted && window.end >= window.keptThrough) || window.messages.length === 0;
    return { next_offset: last ? null : window.end, total: window.exhausted ? window.keptThrough : null };
  }

  /**
   * A $search of one folder (`base`) or of the whole mailbox (/me/messages) whose results count only
   * when `keep` says so: of the whole mailbox, always that they are mail (Graph's /me/messages also
   * returns Teams chat items), and as asked, that they are in some folders (Graph searches one folder
   * or the whole mailbox) or have a read state ($search has none). Offsets and totals count kept
   * results. Each request asks for what the page still lacks, at least `minBatch`: 1 when most
   * results are kept (about one request per page on a sequential walk), more when few may be.
   * `keptName` says what keep tests, for the checkpoints.
   */
  async function searchKeeping(
    base: string,
    search: string,
    keep: (message: Message) => boolean,
    keptName: string,
    args: SearchEmailsArgs,
    signal: AbortSignal,
    minBatch: number,
  ): Promise<SearchEmailsOutput> {
    const output = {
      offset: args.offset,
      limit: args.limit,
      result_ceiling: SEARCH_RESULT_CEILING,
      syntax: args.syntax,
      total_is_estimate: false,
    };
    if (args.offset >= SEARCH_RESULT_CEILING) return { ...output, messages: [], next_offset: null, total: null };
    const wholeMailbox = base === "/me/messages";
    const window = await collectionWindow(graph, checkpoints, {
      key: `${base}\u0000${search}\u0000${keptName}`,
      first: collectionUrl(base, { $search: search, $select: SUMMARY_SELECT }),
      keep: async (message) => keep(message) && (!wholeMailbox || (await isMail(message, signal))),
      offset: args.offset,
      limit: Math.min(args.limit, SEARCH_RESULT_CEILING - args.offset),
      minBatch,
      signal,
    });
    return {
      ...output,
      messages: await summaries(await withImmutableIds(window.messages, signal), signal),
      ...uncounted(window),
    };
  }

  /**
   * A page of a $filter, with Graph's exact count. Of the whole mailbox (`wholeMailbox`), it leaves
   * out by id the folders known to hold no mail (Teams' chats), so that the count is of mail only; a
   * page that shows such a folder for the first time is asked again without it (at most
   * MAX_FILTER_RETRIES times; past that its items are dropped and the total is an estimate).
   */
  async function filterPage(
    base: string,
    filter: string,
    args: SearchEmailsArgs,
    signal: AbortSignal,
    wholeMailbox = false,
  ): Promise<SearchEmailsOutput> {
    for (let retries = 0; ; retries++) {
      const left = wholeMailbox
        ? [...notMailFolders].map((id) => ` and parentFolderId ne '${id.replace(/'/gu, "''")}'`).join("")
        : "";
      const fullFilter = `${ORDERABLE_FILTER_PREFIX} and (${filter})${left}`;
      const strays: Message[] = [];
      const window = await collectionWindow(graph, checkpoints, {
        key: `${base}\u0000${fullFilter}`,
        first: collectionUrl(base, {
          $filter: fullFilter,
          $orderby: "receivedDateTime desc",
          $count: "true",
          $select: SUMMARY_SELECT,
        }),
        keep: async (message) => {
          if (!wholeMailbox || (await isMail(message, signal))) return true;
          strays.push(message);
          return false;
        },
        offset: args.offset,
        limit: args.limit,
        minBatch: 1,
        signal,
      });
      if (strays.length > 0) {
        for (const stray of strays) notMailFolders.add(stray.parentFolderId ?? "");
        if (retries < MAX_FILTER_RETRIES) continue;
      }
      const counted = window.count === undefined ? uncounted(window) : countedPage(window, window.count);
      return {
        messages: await summaries(window.messages, signal),
        offset: args.offset,
        limit: args.limit,
        ...counted,
        total_is_estimate: strays.length > 0,
        result_ceiling: null,
        syntax: args.syntax,
      };
    }
  }

  /** The next offset and total of a window of a collection Graph counted (`count`, less what was dropped). */
  function countedPage(window: CollectionWindow, count: number) {
    const total = count - window.dropped;
    const last =
      window.end >= total || (window.exhausted && window.end >= window.keptThrough) || window.messages.length === 0;
    return { next_offset: last ? null : window.end, total };
  }

  /** The original of a reply, parsed, with its conversation. */
  async function original(messageId: string, signal: AbortSignal) {
    const path = messagePath(messageId);
    const [raw, meta] = await Promise.all([
      graph.bytes({ method: "GET", path: `${path}/$value`, signal }),
      graph.json<Message>({
        method: "GET",
        path,
        query: { $select: "conversationId" },
        signal,
      }),
    ]);
    return {
      parsed: await parseMessage(raw, { includeHtml: false, includeAttachments: false }),
      conversationId: meta.conversationId ?? null,
    };
  }

  async function dispatch(
    outgoing: OutgoingMessage,
    threadId: string | null,
    signal: AbortSignal,
  ): Promise<SentMessage> {
    const sent = await sendThroughGraph(
      graph,
      outgoing,
      { name: null, address: settings.address },
      now(),
      signal,
      options.sentCopyWaitMs,
    );
    return {
      message_id: sent.messageId,
      thread_id: sent.conversationId ?? threadId,
      rfc822_message_id: sent.rfc822MessageId,
    };
  }

  return {
    async list_inbox(args, signal) {
      try {
        const base = `/me/mailFolders/${WELL_KNOWN[args.folder]}/messages`;
        const window = await collectionWindow(graph, checkpoints, {
          key: `${base}\u0000unread=${args.unread_only}`,
          first: collectionUrl(base, {
            $select: SUMMARY_SELECT,
            $orderby: "receivedDateTime desc",
            $count: "true",
            ...(args.unread_only ? { $filter: `${ORDERABLE_FILTER_PREFIX} and isRead eq false` } : {}),
          }),
          keep: () => true,
          offset: args.offset,
          limit: args.limit,
          minBatch: 1,
          signal,
        });
        const counted =
          window.count === undefined
            ? { ...uncounted(window), total: uncounted(window).total ?? window.end }
            : countedPage(window, window.count);
        const output: ListInboxOutput = {
          messages: await summaries(window.messages, signal, args.folder),
          offset: args.offset,
          limit: args.limit,
          ...counted,
          total_is_estimate: window.count === undefined,
        };
        return output;
      } catch (error) {
        return failure(error, {});
      }
    },

    async read_email(args, signal) {
      try {
        const path = messagePath(args.message_id);
        let raw: Buffer;
        let meta: Message;
        if (args.mark_as_read) {
          // The source first: a message is marked read only once it could be read. The PATCH answers with the properties needed.
          raw = await graph.bytes({ method: "GET", path: `${path}/$value`, signal });
          meta = await graph.json<Message>({
            method: "PATCH",
            path,
            body: JSON.stringify({ isRead: true }),
            contentType: "application/json",
            signal,
          });
        } else {
          [raw, meta] = await Promise.all([
            graph.bytes({ method: "GET", path: `${path}/$value`, signal }),
            graph.json<Message>({ method: "GET", path, query: { $select: READ_SELECT }, signal }),
          ]);
        }
        const parsed = await parseMessage(raw, {
          includeHtml: args.include_html,
          includeAttachments: args.include_attachments,
        });
        const output: ReadEmailOutput = {
          ...parsed,
          id: args.message_id,
          thread_id: meta.conversationId ?? null,
          folder: await folderOf(meta.parentFolderId, signal),
          date: parsed.date ?? new Date(meta.receivedDateTime ?? 0).toISOString(),
          unread: meta.isRead === false,
        };
        return output;
      } catch (error) {
        return failure(error, { messageId: args.message_id });
      }
    },

    async search_emails(args, signal) {
      const query: GraphQuery =
        args.syntax === "native"
          ? { kind: "search", search: quoteSearch(args.query) }
          : portableToGraph(parsePortableQuery(args.query));
      const folders =
        args.include_folders === undefined ? undefined : [...new Set(standardFolders(args.include_folders))];
      try {
        if (query.kind === "search-keeping-read-state") {
          const folderIds = folders === undefined ? undefined : await folderIdsOf(folders, signal);
          const keep = (message: Message) =>
            (message.isRead === false) === query.unread &&
            (folderIds === undefined || folderIds.has(message.parentFolderId ?? ""));
          return await searchKeeping(
            "/me/messages",
            query.search,
            keep,
            `unread=${query.unread} folders=${[...(folderIds ?? [])].sort().join(",")}`,
            args,
            signal,
            KEEPING_MIN_BATCH,
          );
        }
        if (query.kind === "search") {
          if (folders === undefined)
            return await searchKeeping("/me/messages", query.search, () => true, "mail", args, signal, 1);
          if (folders.length > 1) {
            const folderIds = await folderIdsOf(folders, signal);
            return await searchKeeping(
              "/me/messages",
              query.search,
              (message) => folderIds.has(message.parentFolderId ?? ""),
              `folders=${[...folderIds].sort().join(",")}`,
              args,
              signal,
              KEEPING_MIN_BATCH,
            );
          }
          return await searchKeeping(
            `/me/mailFolders/${WELL_KNOWN[folders[0] as Folder]}/messages`,
            query.search,
            () => true,
            "all",
            args,
            signal,
            1,
          );
        }
        if (folders === undefined) return await filterPage("/me/messages", query.filter, args, signal, true);
        if (folders.length === 1)
          return await filterPage(
            `/me/mailFolders/${WELL_KNOWN[folders[0] as Folder]}/messages`,
            query.filter,
            args,
            signal,
          );
        await loadFolderIds(signal);
        const ids = folders.map((folder) => `parentFolderId eq '${settings.folderIds?.[folder] ?? ""}'`).join(" or ");
        return await filterPage("/me/messages", `(${query.filter}) and (${ids})`, args, signal);
      } catch (error) {
        // A native query is KQL the caller wrote: Graph refusing it is a bad parameter, not a provider failure.
        if (args.syntax === "native" && error instanceof GraphRequestError && error.status === 400) {
          throw new ParameterError(
            "query",
            "query_term",
            `query: Outlook refused the native KQL query: ${error.message}`,
          );
        }
        return failure(error, { search: true });
      }
    },

    async send_email(args, signal) {
      const outgoing = prepareSend(args);
      if (isRefusal(outgoing)) return outgoing;
      try {
        return await dispatch(outgoing, null, signal);
      } catch (error) {
        return failure(error, { send: true });
      }
    },

    async reply_to_email(args, signal) {
      let found: Awaited<ReturnType<typeof original>>;
      try {
        found = await original(args.message_id, signal);
      } catch (error) {
        return failure(error, { messageId: args.message_id });
      }
      const outgoing = prepareReply(found.parsed, args, [...inbox.addresses, settings.address]);
      if (isRefusal(outgoing)) return outgoing;
      try {
        return await dispatch(outgoing, found.conversationId, signal);
      } catch (error) {
        return failure(error, { send: true });
      }
    },

    async close() {
      await saving;
    },
  };
}
