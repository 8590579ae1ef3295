// The Graph mail endpoints the Outlook provider uses, served by msw over the fake's mailboxes:
// folders (one, and a level of them), message collections with OData queries, one message, its MIME ($value), PATCH isRead,
// DELETE, drafts from MIME, attachments (POST and upload sessions), send, sendMail (MIME), id translation.
// Each request is authorised by its bearer token, counted per endpoint, subject to the 4 MB request
// limit and to the mailbox's 4 concurrent requests, and may be failed on demand. An id that is not
// well formed is 400 ErrorInvalidIdMalformed, a well-formed one that names nothing 404 ErrorItemNotFound.
import { randomBytes } from "node:crypto";
import type { FileAttachment, MailFolder, Message } from "@microsoft/microsoft-graph-types";
import { simpleParser } from "mailparser";
import { http, HttpResponse, type RequestHandler } from "msw";
import MailComposer from "nodemailer/lib/mail-composer";
import type { GraphFake } from "./graph-fake.js";
import {
  WELL_KNOWN_FOLDERS,
  wellFormedId,
  withoutBcc,
  type FakeFolder,
  type FakeMailbox,
  type StoredMessage,
} from "./graph-mailbox.js";
import { ODataError, readCollectionQuery, SEARCH_RESULT_CEILING } from "./odata-query.js";
import { pageAtStorePosition } from "./store-positions.js";

export const GRAPH_ROOT = "https://graph.microsoft.com/v1.0";
const UPLOAD_ROOT = "https://outlook.office.com/api/v2.0/AttachmentSessions";
/**
 * Graph's limit on one request, 4 MB: "there is a 4MB limit on the size of a request" (Microsoft, in
 * https://github.com/microsoftgraph/microsoft-graph-docs/issues/85), which is why a file attachment
 * POSTed as JSON (base64) must be "under 3 MB" (https://learn.microsoft.com/graph/api/message-post-attachments,
 * https://learn.microsoft.com/graph/api/resources/attachment) and one from 3 MB to 150 MB goes through
 * an upload session (https://learn.microsoft.com/graph/outlook-large-attachments). Microsoft does not
 * say whether it means 4,000,000 or 4,194,304 bytes: the fake takes the stricter, so a 3 MB file as
 * JSON (4,000,000 characters of base64 and its property names) is already too large.
 */
export const GRAPH_REQUEST_LIMIT_BYTES = 4_000_000;
/**
 * An upload session takes byte ranges "up to 4 MB each time"
 * (https://learn.microsoft.com/graph/api/attachment-createuploadsession), again read as the stricter 4,000,000.
 * Outlook's upload sessions do not ask for multiples of 320 KiB (OneDrive's driveItem sessions do):
 * Microsoft's own example uploads 2,097,152 bytes first, which is not one.
 */
const UPLOAD_CHUNK_LIMIT_BYTES = 4_000_000;
const REST_ID_PREFIX = "AAMk";

interface UploadSession {
  mailbox: FakeMailbox;
  messageId: string;
  name: string;
  contentType: string;
  size: number;
  chunks: Buffer[];
  next: number;
}

const graphError = (status: number, code: string, message: string, headers: Record<string, string> = {}) =>
  HttpResponse.json(
    {
      error: {
        code,
        message,
        innerError: { date: new Date().toISOString(), "request-id": randomBytes(8).toString("hex") },
      },
    },
    { status, headers },
  );

/** Without Prefer: IdType="ImmutableId" Graph gives ids that change when a message moves ("AAMk...", as Graph's REST ids begin). */
function outwardId(stored: StoredMessage, immutable: boolean): string {
  return immutable
    ? stored.message.id
    : `${REST_ID_PREFIX}${Buffer.from(`${stored.message.parentFolderId}|${stored.message.id}`).toString("base64url")}`;
}

function findMessage(mailbox: FakeMailbox, id: string): StoredMessage | undefined {
  const direct = mailbox.messages.get(id);
  if (direct) return direct;
  if (!id.startsWith(REST_ID_PREFIX)) return undefined;
  const [folder, immutable] = Buffer.from(id.slice(REST_ID_PREFIX.length), "base64url").toString().split("|");
  const stored = mailbox.messages.get(immutable ?? "");
  return stored?.message.parentFolderId === folder ? stored : undefined;
}

function selected(stored: StoredMessage, select: string[] | undefined, immutable: boolean): Message {
  const full: Message = { ...stored.message, id: outwardId(stored, immutable) };
  if (select === undefined) return full;
  const picked: Record<string, unknown> = { id: full.id };
  for (const name of select) if (name in full) picked[name] = (full as Record<string, unknown>)[name];
  return picked as Message;
}

/** translateExchangeIds supports many formats; the fake translates between Graph's two. */
const ID_FORMATS = ["restId", "restImmutableEntryId"] as const;
/** "Maximum size of this collection is 1000 strings." */
const TRANSLATE_BATCH_LIMIT = 1000;

/**
 * POST /me/translateExchangeIds (https://learn.microsoft.com/graph/api/user-translateexchangeids): one
 * convertIdResult per input id, in order; an id that cannot be converted has errorDetails instead of
 * a targetId (https://learn.microsoft.com/graph/api/resources/convertidresult). The codes of the fake's
 * errorDetails are those Graph gives for the same id in a URL.
 */
function translateIds(mailbox: FakeMailbox, body: Record<string, unknown>) {
  const { inputIds, sourceIdType, targetIdType } = body;
  const format = (value: unknown) => ID_FORMATS.find((known) => known === value);
  const source = format(sourceIdType);
  const target = format(targetIdType);
  if (source === undefined || target === undefined)
    throw new ODataError(400, "ErrorInvalidRequest", `The fake translates between ${ID_FORMATS.join(" and ")} only.`);
  if (!Array.isArray(inputIds) || inputIds.length === 0 || !inputIds.every((id) => typeof id === "string"))
    throw new ODataError(400, "ErrorInvalidRequest", "inputIds must be a collection of strings.");
  if (inputIds.length > TRANSLATE_BATCH_LIMIT)
    throw new ODataError(400, "ErrorInvalidRequest", `inputIds holds at most ${TRANSLATE_BATCH_LIMIT} strings.`);
  return (inputIds as string[]).map((sourceId) => {
    const ofSourceType = (source === "restId") === sourceId.startsWith(REST_ID_PREFIX);
    const stored = wellFormedId(sourceId) && ofSourceType ? findMessage(mailbox, sourceId) : undefined;
    if (stored !== undefined) return { sourceId, targetId: outwardId(stored, target === "restImmutableEntryId") };
    return {
      sourceId,
      errorDetails: wellFormedId(sourceId)
        ? { code: "ErrorItemNotFound", message: "The specified object was not found in the store." }
        : { code: "ErrorInvalidIdMalformed", message: "Id is malformed." },
    };
  });
}

/** A folder's properties, those of $select (and id) only when it is given. */
function selectedFolder(mailbox: FakeMailbox, folder: FakeFolder, url: URL): MailFolder {
  const full = mailbox.folderResource(folder) as unknown as Record<string, unknown>;
  const select = url.searchParams
    .get("$select")
    ?.split(",")
    .map((name) => name.trim());
  if (select === undefined) return full as MailFolder;
  return Object.fromEntries(Object.entries(full).filter(([name]) => name === "id" || select.includes(name)));
}

/**
 * Page size of a folder collection without $top. Graph pages its collections at a size of each API's
 * own and says only that "some queries against Microsoft Graph return multiple pages of data" with an
 * @odata.nextLink to follow (https://learn.microsoft.com/graph/paging). No figure is documented for mail
 * folders: the fake takes the 10 documented for messages (https://learn.microsoft.com/graph/api/user-list-messages),
 * so that a client reading one page misses the eleventh folder.
 */
const FOLDER_PAGE_SIZE = 10;

/**
 * GET /me/mailFolders, the folders "directly under the root folder" (msgfolderroot: Inbox, Sent Items,
 * ...; https://learn.microsoft.com/graph/api/user-list-mailfolders), and GET /me/mailFolders/{id}/childFolders,
 * "the folder collection under the specified folder" (https://learn.microsoft.com/graph/api/mailfolder-list-childfolders):
 * one level only ("to return all mail folders in a mailbox, each child folder must be traversed
 * separately"), hidden folders left out unless includeHiddenFolders=true, paged with $top and nextLinks.
 */
function folderCollection(mailbox: FakeMailbox, parentId: string, url: URL): Response {
  const includeHidden = url.searchParams.get("includeHiddenFolders") === "true";
  const children = mailbox
    .allFolders()
    .filter((folder) => folder.parentFolderId === parentId && (includeHidden || !folder.isHidden));
  const top = Number(url.searchParams.get("$top") ?? FOLDER_PAGE_SIZE);
  const skip = Number(url.searchParams.get("$skip") ?? 0);
  if (!Number.isInteger(top) || top < 1 || top > 1000)
    throw new ODataError(400, "BadRequest", `Invalid $top value '${url.searchParams.get("$top")}'.`);
  if (!Number.isInteger(skip) || skip < 0)
    throw new ODataError(400, "BadRequest", `Invalid $skip value '${url.searchParams.get("$skip")}'.`);
  const page = children.slice(skip, skip + top);
  const next = new URL(url);
  next.searchParams.set("$skip", String(skip + top));
  return HttpResponse.json({
    value: page.map((folder) => selectedFolder(mailbox, folder, url)),
    ...(skip + top < children.length ? { "@odata.nextLink": next.toString() } : {}),
  });
}

export function graphHandlers(fake: GraphFake): RequestHandler[] {
  const sessions = new Map<string, UploadSession>();
  /** Requests in flight per mailbox: from the request until its answer's body has been read (or dropped). */
  const inFlight = new Map<FakeMailbox, number>();
  const streaming = new WeakSet<() => void>();

  /**
   * The answer with its body streamed through, `finish` called once the client has read all of it or
   * dropped it: a request holds its place among the mailbox's concurrent requests while a large body
   * still streams, as it holds a connection to Exchange. The body begins after streamMs.
   */
  function streamedThenFinished(response: Response, finish: () => void, streamMs: number): Response {
    if (response.body === null) return response;
    const reader = response.body.getReader();
    let started = false;
    streaming.add(finish);
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (!started) {
          started = true;
          if (streamMs > 0) await new Promise((resolve) => setTimeout(resolve, streamMs));
        }
        const { done, value } = await reader.read();
        if (done) {
          finish();
          controller.close();
        } else controller.enqueue(value);
      },
      async cancel(reason) {
        finish();
        await reader.cancel(reason);
      },
    });
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  }

  /**
   * Sends a message: the sender's copy to Sent Items (the draft itself, when sent from one), a copy
   * without Bcc to every hosted recipient's Inbox, after the fake's sentCopyDelayMs (see there). A
   * draft leaves Drafts at once: until its copy is filed, its id answers 404, as Graph's "getting the
   * message in Sent Items may not succeed immediately after sending the message" warns.
   */
  async function deliver(sender: FakeMailbox, mime: Buffer, draft?: StoredMessage): Promise<void> {
    if (draft) sender.messages.delete(draft.message.id);
    await fake.afterSending(() => file(sender, mime, draft));
  }

  /** Files every copy of a sent message at once: none shows before the others. */
  async function file(sender: FakeMailbox, submitted: Buffer, draft?: StoredMessage): Promise<void> {
    const mime = fake.assignsInternetMessageId ? withMessageId(submitted, exchangeMessageId(sender)) : submitted;
    const parsed = await simpleParser(mime);
    const addresses = [parsed.to, parsed.cc, parsed.bcc]
      .flat()
      .flatMap((field) => field?.value ?? [])
      .map((entry) => entry.address ?? "");
    // The sent draft is the same item, moved: its immutable id and its conversation stay.
    const copies: Array<[FakeMailbox, StoredMessage]> = [
      [
        sender,
        await sender.messageFromMime(mime, {
          folder: "sentitems",
          isRead: true,
          ...(draft ? { id: draft.message.id, conversationId: draft.message.conversationId } : {}),
        }),
      ],
    ];
    const delivered = withoutBcc(mime);
    const reached = new Set<FakeMailbox>();
    for (const address of addresses) {
      const recipient = fake.hostedMailbox(address);
      if (recipient === undefined || reached.has(recipient)) continue;
      reached.add(recipient);
      // Sent to oneself: the Inbox copy is in the conversation of the Sent Items one.
      const ownCopy = recipient === sender ? { conversationId: copies[0]?.[1].message.conversationId } : {};
      copies.push([
        recipient,
        await recipient.messageFromMime(delivered, { folder: "inbox", isRead: false, ...ownCopy }),
      ]);
    }
    for (const [mailbox, stored] of copies) mailbox.messages.set(stored.message.id, stored);
  }

  /** A Message-ID as Exchange Online makes them: <random@host.namprdNN.prod.outlook.com>. */
  function exchangeMessageId(sender: FakeMailbox): string {
    const local = randomBytes(24).toString("hex").toUpperCase();
    return `<${local}@${sender.userId.slice(0, 8).replace(/[^A-Za-z0-9]/gu, "x")}.namprd04.prod.outlook.com>`;
  }

  /** The MIME source with its Message-ID header replaced (or added). */
  function withMessageId(mime: Buffer, messageId: string): Buffer {
    const text = mime.toString("latin1");
    const end = text.search(/\r?\n\r?\n/u);
    const head = end === -1 ? text : text.slice(0, end);
    const rest = end === -1 ? "" : text.slice(end);
    const without = head.replace(/^message-id:.*(?:\r?\n[ \t].*)*(?:\r?\n|$)/gimu, "").replace(/\r?\n$/u, "");
    return Buffer.from(`Message-ID: ${messageId}\r\n${without}${rest}`, "latin1");
  }

  /** The draft's MIME with the attachments added to it through Graph, as Exchange renders it at send time. */
  async function renderDraft(draft: StoredMessage): Promise<Buffer> {
    if (draft.draftAttachments.length === 0) return draft.mime;
    const parsed = await simpleParser(draft.mime);
    const list = (field: typeof parsed.to) => [field ?? []].flat().flatMap((object) => object.value);
    const composer = new MailComposer({
      from: list(parsed.from)[0],
      to: list(parsed.to),
      cc: list(parsed.cc),
      bcc: list(parsed.bcc),
      replyTo: list(parsed.replyTo),
      subject: parsed.subject ?? "",
      text: parsed.text ?? "",
      ...(typeof parsed.html === "string" ? { html: parsed.html } : {}),
      messageId: parsed.messageId ?? "",
      date: parsed.date ?? new Date(),
      ...(parsed.inReplyTo ? { inReplyTo: parsed.inReplyTo } : {}),
      ...(parsed.references ? { references: parsed.references } : {}),
      attachments: [
        ...parsed.attachments.map((part) => ({
          filename: part.filename ?? "attachment",
          contentType: part.contentType,
          content: part.content,
        })),
        ...draft.draftAttachments.map((part) => ({
          filename: part.name,
          contentType: part.contentType,
          content: part.content,
        })),
      ],
    });
    const root = composer.compile();
    root.keepBcc = true;
    return root.build();
  }

  /** Routes a Graph request; `path` is after /v1.0, without the query. */
  async function route(
    request: Request,
    url: URL,
    path: string,
    mailbox: FakeMailbox,
    body: Buffer,
  ): Promise<{ endpoint: string; run: () => Promise<Response> }> {
    const method = request.method;
    const immutable = /IdType="ImmutableId"/u.test(request.headers.get("prefer") ?? "");
    const segments = path
      .split("/")
      .filter((s) => s !== "")
      .map(decodeURIComponent);
    const messageOr404 = (id: string) => {
      if (!wellFormedId(id)) throw new ODataError(400, "ErrorInvalidIdMalformed", "Id is malformed.");
      const stored = findMessage(mailbox, id);
      if (stored === undefined)
        throw new ODataError(404, "ErrorItemNotFound", "The specified object was not found in the store.");
      return stored;
    };
    const folderOr404 = (name: string): FakeFolder => {
      const known = WELL_KNOWN_FOLDERS.find((wellKnown) => wellKnown === name.toLowerCase());
      const folder = known === undefined ? mailbox.folderById(name) : mailbox.folders.get(known);
      if (folder === undefined && !wellFormedId(name))
        throw new ODataError(400, "ErrorInvalidIdMalformed", "Id is malformed.");
      if (folder === undefined)
        throw new ODataError(404, "ErrorItemNotFound", "The specified object was not found in the store.");
      return folder;
    };
    const json = (): Record<string, unknown> => {
      try {
        return JSON.parse(body.toString("utf8")) as Record<string, unknown>;
      } catch {
        throw new ODataError(400, "RequestBodyRead", "The request body is not valid JSON.");
      }
    };
    const mimeBody = (): Buffer => {
      if (!(request.headers.get("content-type") ?? "").startsWith("text/plain"))
        throw new ODataError(
          400,
          "ErrorMimeContentInvalid",
          "The fake accepts MIME content (text/plain, base64) here.",
        );
      const decoded = Buffer.from(body.toString("latin1").trim(), "base64");
      if (decoded.length === 0)
        throw new ODataError(400, "ErrorMimeContentInvalidBase64String", "Invalid base64 string for MIME content.");
      return decoded;
    };
    // Without a folder: every message of the mailbox, Teams chat items included (see addTeamsChat).
    const collection = (folder: FakeFolder | undefined) => async () => {
      const query = readCollectionQuery(url);
      let all = [...mailbox.messages.values()].filter(
        (s) => folder === undefined || s.message.parentFolderId === folder.id,
      );
      if (query.filter) all = all.filter(query.filter);
      let found = all;
      if (query.search) {
        // $search results come newest sent first, at most SEARCH_RESULT_CEILING of them.
        found = all
          .filter(query.search)
          .sort((a, b) => (b.message.sentDateTime ?? "").localeCompare(a.message.sentDateTime ?? ""))
          .slice(0, SEARCH_RESULT_CEILING);
      } else if (query.orderByReceivedDesc) {
        found.sort((a, b) => b.message.receivedDateTime.localeCompare(a.message.receivedDateTime));
      }
      // $search's nextLinks carry $skip too, with all the other parameters of the request, as every nextLink.
      const { page, nextSkip } = pageAtStorePosition(found, query.skip, query.top, fake.nonMessageItemEvery);
      const next = new URL(url);
      if (nextSkip !== undefined) next.searchParams.set("$skip", String(nextSkip));
      return HttpResponse.json({
        ...(query.count ? { "@odata.count": found.length } : {}),
        // $search ignores Prefer: IdType="ImmutableId" and gives REST ids, which change when the message
        // moves (https://github.com/microsoftgraph/msgraph-sdk-dotnet/issues/698,
        // https://github.com/microsoftgraph/microsoft-graph-docs-contrib/issues/8739); translateExchangeIds converts them.
        value: page.map((s) => selected(s, query.select, query.search ? false : immutable)),
        ...(nextSkip !== undefined ? { "@odata.nextLink": next.toString() } : {}),
      });
    };

    const [first, second, third, fourth, fifth] = segments;
    if (first !== "me") throw new ODataError(400, "BadRequest", `The fake serves /me only, not ${path}.`);
    if (segments.length === 1 && method === "GET") {
      return {
        endpoint: "GET /me",
        run: async () =>
          HttpResponse.json({
            id: mailbox.userId,
            mail: mailbox.address,
            userPrincipalName: mailbox.address,
            displayName: mailbox.displayName,
          }),
      };
    }
    if (second === "translateExchangeIds" && segments.length === 2 && method === "POST") {
      return {
        endpoint: "POST /me/translateExchangeIds",
        run: async () => HttpResponse.json({ value: translateIds(mailbox, json()) }),
      };
    }
    if (second === "sendMail" && segments.length === 2 && method === "POST") {
      return {
        endpoint: "POST /me/sendMail",
        run: async () => {
          await deliver(mailbox, mimeBody());
          return new HttpResponse(null, { status: 202 });
        },
      };
    }
    if (second === "mailFolders" && segments.length === 2 && method === "GET")
      return {
        endpoint: "GET /me/mailFolders",
        run: async () => folderCollection(mailbox, mailbox.folderId("msgfolderroot"), url),
      };
    if (second === "mailFolders" && third !== undefined) {
      if (segments.length === 3 && method === "GET") {
        return {
          endpoint: "GET /me/mailFolders/{id}",
          run: async () => HttpResponse.json(selectedFolder(mailbox, folderOr404(third), url)),
        };
      }
      if (fourth === "childFolders" && segments.length === 4 && method === "GET")
        return {
          endpoint: "GET /me/mailFolders/{id}/childFolders",
          run: async () => folderCollection(mailbox, folderOr404(third).id, url),
        };
      if (fourth === "messages" && segments.length === 4 && method === "GET")
        return { endpoint: "GET /me/mailFolders/{id}/messages", run: async () => collection(folderOr404(third))() };
    }
    if (second === "messages") {
      if (segments.length === 2 && method === "GET")
        return { endpoint: "GET /me/messages", run: collection(undefined) };
      if (segments.length === 2 && method === "POST") {
        return {
          endpoint: "POST /me/messages",
          run: async () => {
            const draft = await mailbox.addFromMime(mimeBody(), { folder: "drafts", isRead: true, isDraft: true });
            return HttpResponse.json(selected(draft, undefined, immutable), { status: 201 });
          },
        };
      }
      if (third !== undefined && segments.length === 3) {
        if (method === "GET")
          return {
            endpoint: "GET /me/messages/{id}",
            run: async () =>
              HttpResponse.json(selected(messageOr404(third), url.searchParams.get("$select")?.split(","), immutable)),
          };
        if (method === "DELETE") {
          return {
            endpoint: "DELETE /me/messages/{id}",
            run: async () => {
              // Graph's DELETE is a soft delete: the item leaves every folder a mail client shows (Deleted
              // Items too) for the recoverable items deletions folder
              // (https://learn.microsoft.com/graph/api/message-delete), which the fake does not keep.
              mailbox.messages.delete(messageOr404(third).message.id);
              return new HttpResponse(null, { status: 204 });
            },
          };
        }
        if (method === "PATCH") {
          return {
            endpoint: "PATCH /me/messages/{id}",
            run: async () => {
              const stored = messageOr404(third);
              const patch = json();
              if (typeof patch.isRead === "boolean") stored.message.isRead = patch.isRead;
              return HttpResponse.json(selected(stored, undefined, immutable));
            },
          };
        }
      }
      if (third !== undefined && fourth === "$value" && segments.length === 4 && method === "GET") {
        return {
          endpoint: "GET /me/messages/{id}/$value",
          run: async () => new HttpResponse(messageOr404(third).mime, { headers: { "content-type": "text/plain" } }),
        };
      }
      if (third !== undefined && fourth === "send" && segments.length === 4 && method === "POST") {
        return {
          endpoint: "POST /me/messages/{id}/send",
          run: async () => {
            const draft = messageOr404(third);
            if (draft.message.isDraft !== true)
              throw new ODataError(400, "ErrorInvalidOperation", "Only drafts can be sent.");
            await deliver(mailbox, await renderDraft(draft), draft);
            return new HttpResponse(null, { status: 202 });
          },
        };
      }
      if (third !== undefined && fourth === "attachments" && segments.length === 4 && method === "POST") {
        return {
          endpoint: "POST /me/messages/{id}/attachments",
          run: async () => {
            const draft = messageOr404(third);
            const attachment = json() as FileAttachment & { "@odata.type"?: string };
            if (
              attachment["@odata.type"] !== "#microsoft.graph.fileAttachment" ||
              typeof attachment.contentBytes !== "string" ||
              typeof attachment.name !== "string"
            ) {
              throw new ODataError(
                400,
                "ErrorInvalidRequest",
                "A file attachment needs @odata.type #microsoft.graph.fileAttachment, name and contentBytes.",
              );
            }
            draft.draftAttachments.push({
              name: attachment.name,
              contentType: attachment.contentType ?? "application/octet-stream",
              content: Buffer.from(attachment.contentBytes, "base64"),
            });
            draft.message.hasAttachments = true;
            return HttpResponse.json(
              { id: randomBytes(12).toString("base64url"), name: attachment.name },
              { status: 201 },
            );
          },
        };
      }
      if (third !== undefined && fourth === "attachments" && fifth === "createUploadSession" && method === "POST") {
        return {
          endpoint: "POST /me/messages/{id}/attachments/createUploadSession",
          run: async () => {
            const draft = messageOr404(third);
            const item = (json().AttachmentItem ?? {}) as {
              attachmentType?: string;
              name?: string;
              size?: number;
              contentType?: string;
            };
            if (
              item.attachmentType !== "file" ||
              typeof item.name !== "string" ||
              typeof item.size !== "number" ||
              item.size < 1
            ) {
              throw new ODataError(
                400,
                "ErrorInvalidRequest",
                "AttachmentItem needs attachmentType file, name and size.",
              );
            }
            if (item.size > 150 * 1024 * 1024)
              throw new ODataError(400, "ErrorAttachmentSizeLimitExceeded", "The attachment is larger than 150 MB.");
            const token = randomBytes(24).toString("base64url");
            sessions.set(token, {
              mailbox,
              messageId: draft.message.id,
              name: item.name,
              contentType: item.contentType ?? "application/octet-stream",
              size: item.size,
              chunks: [],
              next: 0,
            });
            return HttpResponse.json(
              {
                uploadUrl: `${UPLOAD_ROOT}('${token}')?authtoken=${token}`,
                expirationDateTime: new Date(Date.now() + 3600_000).toISOString(),
                nextExpectedRanges: ["0-"],
              },
              { status: 201 },
            );
          },
        };
      }
    }
    throw new ODataError(400, "BadRequest", `The fake does not serve ${method} ${path}.`);
  }

  const graph = http.all(`${GRAPH_ROOT}/*`, async ({ request }) => {
    const url = new URL(request.url);
    const path = url.pathname.slice("/v1.0".length);
    const body = Buffer.from(await request.arrayBuffer());
    const owner = fake.accessTokenOwner((request.headers.get("authorization") ?? "").replace(/^Bearer /u, ""));
    if (owner === undefined || owner === "expired") {
      fake.countRequest(`${request.method} (unauthorised)`);
      return graphError(
        401,
        "InvalidAuthenticationToken",
        owner === "expired"
          ? "Lifetime validation failed, the token is expired."
          : "Access token validation failure. Invalid audience.",
        { "www-authenticate": 'Bearer realm="", error="invalid_token"' },
      );
    }
    const mailbox = fake.mailbox(owner);
    let routed: Awaited<ReturnType<typeof route>>;
    try {
      routed = await route(request, url, path, mailbox, body);
    } catch (error) {
      if (error instanceof ODataError) return graphError(error.status, error.code, error.message);
      throw error;
    }
    fake.countRequest(routed.endpoint);
    const concurrent = (inFlight.get(mailbox) ?? 0) + 1;
    inFlight.set(mailbox, concurrent);
    fake.maxObservedConcurrency = Math.max(fake.maxObservedConcurrency, concurrent);
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      inFlight.set(mailbox, (inFlight.get(mailbox) ?? 1) - 1);
    };
    try {
      if (fake.latencyMs > 0 && (fake.latencyEndpoint === undefined || fake.latencyEndpoint.test(routed.endpoint)))
        await new Promise((resolve) => setTimeout(resolve, fake.latencyMs));
      if (concurrent > fake.mailboxConcurrencyLimit) {
        fake.mailboxConcurrencyRefusals++;
        return graphError(429, "ApplicationThrottled", "Application is over its MailboxConcurrency limit.", {
          "retry-after": "1",
        });
      }
      if (body.length > GRAPH_REQUEST_LIMIT_BYTES)
        return graphError(
          413,
          "RequestEntityTooLarge",
          `The request is larger than ${GRAPH_REQUEST_LIMIT_BYTES} bytes.`,
        );
      const fault = fake.takeFault(routed.endpoint);
      if (fault && !fault.afterExecution)
        return graphError(
          fault.status,
          fault.code,
          `Injected ${fault.code}.`,
          fault.retryAfterDate !== undefined
            ? { "retry-after": fault.retryAfterDate.toUTCString() }
            : fault.retryAfterSeconds !== undefined
              ? { "retry-after": String(fault.retryAfterSeconds) }
              : {},
        );
      const response = await routed.run();
      if (fault)
        return graphError(fault.status, fault.code, `Injected ${fault.code} after the request was carried out.`);
      return streamedThenFinished(response, finish, fake.bodyStreamMs);
    } catch (error) {
      if (error instanceof ODataError) return graphError(error.status, error.code, error.message);
      throw error;
    } finally {
      // Answers without a body, and those the fake made up, end here; a message's body is in flight until it is read.
      if (!finished && !streaming.has(finish)) finish();
    }
  });

  const upload = http.put(`${UPLOAD_ROOT}*`, async ({ request }) => {
    fake.countRequest("PUT upload session");
    const fault = fake.takeFault("PUT upload session");
    if (fault) return graphError(fault.status, fault.code, `Injected ${fault.code}.`);
    const token = new URL(request.url).searchParams.get("authtoken") ?? "";
    const session = sessions.get(token);
    if (session === undefined)
      return graphError(404, "ErrorItemNotFound", "The upload session was not found or has expired.");
    if (request.headers.has("authorization"))
      return graphError(
        401,
        "InvalidAuthenticationToken",
        "Do not send an Authorization header to an upload URL; it carries its own token.",
      );
    const range = /^bytes (\d+)-(\d+)\/(\d+)$/u.exec(request.headers.get("content-range") ?? "");
    const chunk = Buffer.from(await request.arrayBuffer());
    if (range === null) return graphError(400, "InvalidContentRange", "Content-Range must be bytes start-end/total.");
    const [start, end, total] = [Number(range[1]), Number(range[2]), Number(range[3])];
    if (total !== session.size || start !== session.next || end - start + 1 !== chunk.length || end >= total) {
      return graphError(
        416,
        "InvalidRange",
        `Expected the range starting at ${session.next} of ${session.size} bytes.`,
      );
    }
    if (chunk.length > UPLOAD_CHUNK_LIMIT_BYTES)
      return graphError(413, "RequestEntityTooLarge", `A byte range may be at most ${UPLOAD_CHUNK_LIMIT_BYTES} bytes.`);
    session.chunks.push(chunk);
    session.next = end + 1;
    if (session.next < session.size) {
      return HttpResponse.json({
        expirationDateTime: new Date(Date.now() + 3600_000).toISOString(),
        nextExpectedRanges: [`${session.next}-`],
      });
    }
    sessions.delete(token);
    const draft = session.mailbox.messages.get(session.messageId);
    if (draft === undefined)
      return graphError(404, "ErrorItemNotFound", "The message of this upload session no longer exists.");
    draft.draftAttachments.push({
      name: session.name,
      contentType: session.contentType,
      content: Buffer.concat(session.chunks),
    });
    draft.message.hasAttachments = true;
    return new HttpResponse(null, {
      status: 201,
      headers: {
        location: `${GRAPH_ROOT}/me/messages/${draft.message.id}/attachments/${randomBytes(12).toString("base64url")}`,
      },
    });
  });

  return [graph, upload];
}
