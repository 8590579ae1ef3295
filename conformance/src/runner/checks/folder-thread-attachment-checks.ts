// The read tools of spec 1.1.0 (decision folders-threads-attachments), judged against what the
// other tools say about the same inbox: list_folders against list_inbox, get_thread against the
// listed message it came from, get_attachment against read_email's entry for the attachment.
import { randomUUID } from "node:crypto";
import {
  FOLDERS,
  type Attachment,
  type GetAttachmentOutput,
  type GetThreadOutput,
  type ListFoldersOutput,
} from "@mcpemails/generated";
import { CheckFailure, failed, passed, skipped, type Check, type Outcome } from "../check.js";
import { describeAnswer } from "../answer-description.js";
import type { ListPage } from "../inbox-sample.js";
import type { McpClient, ToolAnswer } from "../mcp-client.js";
import { validateOutput } from "../output-validation.js";
import { readMessage } from "../read-message.js";
import type { RunContext } from "../run-context.js";
import { behaviour } from "./behaviour-check.js";

const STANDARD: readonly string[] = Object.keys(FOLDERS);
/** Folders listed through list_inbox: the standard four and this many others, so that a mailbox of 1,000 costs no more. */
const OTHER_FOLDERS_LISTED = 8;
const FOLDER_PAGE = 5;
/** What read_email and get_attachment must agree on for one attachment. */
const ATTACHMENT_FIELDS = ["attachment_id", "filename", "mime_type", "inline", "content_id"] as const;

export function folderThreadAttachmentChecks(): Check[] {
  return [
    behaviour(
      "list-folders",
      "tools.list_folders.output, decisions.folders-threads-attachments",
      "list_folders gives unique ids, the standard four at most once each with the id of their kind, INBOX among them, and unread at most total",
      async ({ client, config }) => {
        const { content, answer } = await listFolders(client, config.inbox);
        const seen = new Set<string>();
        for (const folder of content.folders) {
          if (seen.has(folder.id))
            return failed(`folder id ${JSON.stringify(folder.id)} is listed twice`, answer.exchange);
          seen.add(folder.id);
          if (folder.kind !== "other" && folder.id !== folder.kind)
            return failed(
              `the ${folder.kind} folder has the id ${JSON.stringify(folder.id)}, not ${folder.kind}`,
              answer.exchange,
            );
          if (folder.kind === "other" && STANDARD.includes(folder.id))
            return failed(`a folder of kind other has the standard id ${folder.id}`, answer.exchange);
          if (folder.total !== null && folder.unread !== null && folder.unread > folder.total)
            return failed(
              `folder ${JSON.stringify(folder.id)} has ${folder.unread} unread of ${folder.total} messages`,
              answer.exchange,
            );
        }
        if (!seen.has("INBOX")) return failed("list_folders does not list INBOX", answer.exchange);
        return passed(`${content.folders.length} folders`);
      },
      { needsMessages: false },
    ),
    behaviour(
      "list-folders.ids-list",
      "tools.list_inbox.input.folder, decisions.folders-threads-attachments",
      "every folder id list_folders gives is a folder list_inbox lists (no -32602), its messages saying that folder, and INBOX's exact total is list_inbox's",
      async ({ client, config }) => {
        const { content } = await listFolders(client, config.inbox);
        const standard = content.folders.filter((f) => STANDARD.includes(f.id));
        const others = content.folders.filter((f) => !STANDARD.includes(f.id));
        const judged = [...standard, ...others.slice(0, OTHER_FOLDERS_LISTED)];
        for (const folder of judged) {
          const args = { inbox_id: config.inbox, folder: folder.id, limit: FOLDER_PAGE };
          const answer = await client.callTool("list_inbox", args);
          if (answer.error !== undefined || answer.result?.isError === true)
            return failed(
              `list_inbox refuses folder ${JSON.stringify(folder.id)} that list_folders gives: ${describeAnswer(answer)}`,
              answer.exchange,
            );
          const page = answer.result?.structuredContent as ListPage & { total_is_estimate?: boolean };
          const problem = validateOutput("list_inbox", page);
          if (problem !== undefined)
            return failed(`list_inbox's structuredContent breaks the output schema: ${problem}`, answer.exchange);
          const stray = page.messages.find((m) => m.folder !== folder.id);
          if (stray !== undefined)
            return failed(
              `listing folder ${JSON.stringify(folder.id)} gives message ${stray.id} of folder ${JSON.stringify(stray.folder)}`,
              answer.exchange,
            );
          const inboxTotalDiffers =
            folder.id === "INBOX" &&
            folder.total !== null &&
            page.total !== null &&
            page.total_is_estimate !== true &&
            page.total !== folder.total;
          if (inboxTotalDiffers)
            return failed(
              `list_folders counts ${folder.total ?? ""} messages in INBOX, list_inbox's exact total is ${page.total ?? ""}`,
              answer.exchange,
            );
        }
        const left = others.length - OTHER_FOLDERS_LISTED;
        return passed(`${judged.length} folders listed${left > 0 ? ` (${left} other folders not tried)` : ""}`);
      },
      { needsMessages: false },
    ),
    behaviour(
      "get-thread",
      "tools.get_thread.output, decisions.folders-threads-attachments",
      "get_thread of a listed message's thread_id holds that message, oldest first, each with that thread_id; message_count at least the messages given, and truncated exactly when fewer",
      async ({ client, config, inbox, sends }) => {
        // The thread listed most often, the thread of a message with an attachment, whose
        // attachments come without data, and when the run may send, the thread of a message it
        // sends itself with Bcc and Reply-To, so that every field of a thread's messages is seen.
        const listed = await inbox.threadMessage();
        const withAttachment = await inbox.attachment();
        const own =
          sends.unavailable === undefined && config.sendTo !== undefined
            ? await ownThread(sends, config.sendTo)
            : undefined;
        const sources = [
          ...(listed === undefined ? [] : [{ id: listed.id, threadId: listed.thread_id }]),
          ...(withAttachment === undefined ||
          withAttachment.threadId === null ||
          withAttachment.threadId === listed?.thread_id
            ? []
            : [{ id: withAttachment.messageId, threadId: withAttachment.threadId }]),
          ...(own === undefined ? [] : [own]),
        ];
        if (sources.length === 0) return skipped("needs a message with a thread_id, and the inbox lists none");
        const judged: string[] = [];
        for (const source of sources) {
          const outcome = await judgeThread(client, config.inbox, source);
          if (typeof outcome !== "string") return outcome;
          judged.push(outcome);
        }
        return passed(judged.join("; "));
      },
    ),
    behaviour(
      "get-thread.unknown",
      "errors.thread_not_found",
      "get_thread of a thread id no message has is thread_not_found, never an empty thread",
      async ({ client, config }) => {
        const threadId = randomUUID();
        const answer = await client.callTool("get_thread", { inbox_id: config.inbox, thread_id: threadId });
        if (answer.result?.isError !== true || answer.result.errorCode !== "thread_not_found")
          return failed(
            `made-up thread ${threadId}: expected thread_not_found, got ${describeAnswer(answer)}`,
            answer.exchange,
          );
        return passed();
      },
      { needsMessages: false },
    ),
    behaviour(
      "get-attachment",
      "tools.get_attachment.output, decisions.folders-threads-attachments",
      "get_attachment gives the attachment read_email describes: base64 data of size_bytes decoded bytes, and the same id, filename, type, inline and content_id",
      async ({ client, config, inbox }) => {
        const found = await inbox.attachment();
        if (found === undefined) return skipped(NO_ATTACHMENT);
        const { messageId, attachment } = found;
        const answer = await client.callTool("get_attachment", {
          inbox_id: config.inbox,
          message_id: messageId,
          attachment_id: attachment.attachment_id,
        });
        const content = succeeded<GetAttachmentOutput>("get_attachment", answer);
        const differs = differingField(content, attachment);
        if (differs !== undefined)
          return failed(
            `attachment ${attachment.attachment_id} of message ${messageId}: ${differs} is ${JSON.stringify(content[differs])}, read_email says ${JSON.stringify(attachment[differs])}`,
            answer.exchange,
          );
        const decoded = Buffer.from(content.data, "base64").length;
        if (decoded !== attachment.size_bytes || content.size_bytes !== attachment.size_bytes)
          return failed(
            `attachment ${attachment.attachment_id} of message ${messageId}: data decodes to ${decoded} bytes, size_bytes is ${content.size_bytes} here and ${attachment.size_bytes} in read_email`,
            answer.exchange,
          );
        return passed(`${decoded} bytes of ${attachment.mime_type}`);
      },
    ),
    behaviour(
      "get-attachment.unknown",
      "errors.attachment_not_found",
      "get_attachment of an attachment id the message lacks is attachment_not_found, and of another message's attachment that message's own or attachment_not_found",
      async ({ client, config, inbox }) => {
        const found = await inbox.attachment();
        if (found === undefined) return skipped(NO_ATTACHMENT);
        const made = `conformance-${randomUUID()}`;
        const unknown = await client.callTool("get_attachment", {
          inbox_id: config.inbox,
          message_id: found.messageId,
          attachment_id: made,
        });
        if (unknown.result?.isError !== true || unknown.result.errorCode !== "attachment_not_found")
          return failed(
            `attachment ${made} of message ${found.messageId}: expected attachment_not_found, got ${describeAnswer(unknown)}`,
            unknown.exchange,
          );
        const other = (await inbox.messages()).find((m) => m.id !== found.messageId);
        if (other === undefined) return passed("no other message to ask for this attachment id");
        const { content: read } = await readMessage(client, config.inbox, other.id, false);
        const own = read.attachments.find((a) => a.attachment_id === found.attachment.attachment_id);
        const answer = await client.callTool("get_attachment", {
          inbox_id: config.inbox,
          message_id: other.id,
          attachment_id: found.attachment.attachment_id,
        });
        const about = `attachment ${found.attachment.attachment_id} (of message ${found.messageId}) asked of message ${other.id}`;
        if (own === undefined) {
          if (answer.result?.isError !== true || answer.result.errorCode !== "attachment_not_found")
            return failed(
              `${about}, which has no such attachment: expected attachment_not_found, got ${describeAnswer(answer)}`,
              answer.exchange,
            );
          return passed();
        }
        const content = succeeded<GetAttachmentOutput>("get_attachment", answer);
        const differs =
          differingField(content, own) ?? (content.size_bytes !== own.size_bytes ? "size_bytes" : undefined);
        if (differs !== undefined)
          return failed(`${about}: ${differs} is not that message's own attachment's`, answer.exchange);
        return passed("the other message has an attachment of the same id, and got its own");
      },
    ),
  ];
}

const NO_ATTACHMENT =
  "needs a message with an attachment, and neither the listed messages nor search has:attachment gave one";

/** One thread judged against the message it was found through: a failure, or what was judged. */
async function judgeThread(
  client: McpClient,
  inboxId: string,
  source: { id: string; threadId: string },
): Promise<Outcome | string> {
  const answer = await client.callTool("get_thread", { inbox_id: inboxId, thread_id: source.threadId });
  const thread = succeeded<GetThreadOutput>("get_thread", answer);
  const { messages } = thread;
  const fail = (message: string) => failed(`thread ${source.threadId}: ${message}`, answer.exchange);
  if (thread.thread_id !== source.threadId) return fail(`answered as thread ${JSON.stringify(thread.thread_id)}`);
  // A thread past get_thread's bounds keeps its newest messages, which need not include this one.
  if (!thread.truncated && !messages.some((m) => m.id === source.id))
    return fail(`message ${source.id}, which has this thread_id, is not among its ${messages.length} messages`);
  const stray = messages.find((m) => m.thread_id !== source.threadId);
  if (stray !== undefined) return fail(`message ${stray.id} has thread_id ${JSON.stringify(stray.thread_id)}`);
  for (let i = 1; i < messages.length; i++) {
    const [earlier, later] = [messages[i - 1], messages[i]];
    if (earlier !== undefined && later !== undefined && Date.parse(later.date) < Date.parse(earlier.date))
      return fail(`message ${i} (${later.date}) is older than message ${i - 1} (${earlier.date}): not oldest first`);
  }
  if (thread.message_count < messages.length)
    return fail(`message_count ${thread.message_count} is below the ${messages.length} messages given`);
  if (thread.truncated !== messages.length < thread.message_count)
    return fail(`truncated is ${thread.truncated} with ${messages.length} of ${thread.message_count} messages given`);
  const withData = messages.flatMap((m) => m.attachments).find((a) => typeof a.data === "string");
  if (withData !== undefined)
    return fail(`attachment ${withData.attachment_id} comes with data, which get_thread never gives`);
  return `${messages.length} of ${thread.message_count} messages`;
}

async function listFolders(client: McpClient, inboxId: string) {
  const answer = await client.callTool("list_folders", { inbox_id: inboxId });
  return { content: succeeded<ListFoldersOutput>("list_folders", answer), answer };
}

/** A tool call that must succeed with structuredContent its output schema accepts; anything else fails the check. */
function succeeded<T>(tool: string, answer: ToolAnswer): T {
  if (answer.error !== undefined || answer.result?.isError === true)
    throw new CheckFailure(`${tool} failed: ${describeAnswer(answer)}`, answer.exchange);
  const problem = validateOutput(tool, answer.result?.structuredContent);
  if (problem !== undefined)
    throw new CheckFailure(`${tool}'s structuredContent breaks the output schema: ${problem}`, answer.exchange);
  return answer.result?.structuredContent as T;
}

function differingField(
  content: GetAttachmentOutput,
  entry: Attachment,
): (typeof ATTACHMENT_FIELDS)[number] | undefined {
  return ATTACHMENT_FIELDS.find((field) => content[field] !== entry[field]);
}

/** The SENT copy of a message the runner sends itself with Bcc and Reply-To, and its thread; undefined when the send names neither. */
async function ownThread(
  sends: RunContext["sends"],
  sendTo: string,
): Promise<{ id: string; threadId: string } | undefined> {
  const sent = await sends.sendNew("get_thread", { bcc: [sendTo], reply_to: sendTo });
  const { message_id: id, thread_id: threadId } = sent.result;
  return id === null || threadId === null ? undefined : { id, threadId };
}
