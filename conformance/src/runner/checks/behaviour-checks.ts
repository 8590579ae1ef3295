// What the tools do, judged by comparing the server with itself (page against page, listing
// against reading, a query against its results) rather than with a corpus only the reference
// server has. Nothing before mark-as-read changes the inbox, so the checks before it judge the
// run's one listing of it (InboxSample); mark-as-read and the checks after it list afresh.
import { randomUUID } from "node:crypto";
import { failed, passed, skipped, type Check } from "../check.js";
import type { ListedMessage } from "../inbox-sample.js";
import { listPage } from "../list-page.js";
import { readMessage } from "../read-message.js";
import type { RunContext } from "../run-context.js";
import { describeAnswer } from "../answer-description.js";
import { behaviour } from "./behaviour-check.js";
import { searchChecks } from "./search-checks.js";
import { sendChecks } from "./send-checks.js";

export function behaviourChecks(): Check[] {
  return [
    behaviour("newest-first", "decisions.pagination", "list_inbox returns messages newest first", async ({ inbox }) => {
      const messages = await inbox.messages();
      if (messages.length < 2) return skipped(`needs at least 2 messages in INBOX, found ${messages.length}`);
      for (let i = 1; i < messages.length; i++) {
        const [newer, older] = [messages[i - 1] as ListedMessage, messages[i] as ListedMessage];
        if (Date.parse(newer.date) < Date.parse(older.date))
          return failed(`message ${i} (${older.date}) is newer than message ${i - 1} (${newer.date})`);
      }
      return passed(`${messages.length} messages in order`);
    }),
    behaviour(
      "limit-respected",
      "tools.list_inbox.input.limit",
      "list_inbox returns at most limit messages, and exactly limit when there is a next page",
      async ({ client, config, inbox }) => {
        const all = await inbox.messages();
        if (all.length < 2)
          return skipped(`needs at least 2 messages in INBOX to see a limit at work, found ${all.length}`);
        for (const limit of [1, all.length - 1]) {
          const page = await listPage(client, { inbox_id: config.inbox, limit });
          if (page.messages.length > limit) return failed(`limit ${limit} returned ${page.messages.length} messages`);
          if (page.next_offset !== null && page.messages.length !== limit)
            return failed(`limit ${limit} returned ${page.messages.length} messages with a next page`);
          if (page.messages.length < limit)
            return failed(
              `limit ${limit} returned only ${page.messages.length} of the ${all.length} messages listed before`,
            );
        }
        return passed();
      },
    ),
    behaviour(
      "pages-concatenate",
      "decisions.pagination",
      "offset/limit pages concatenate to the longer page",
      async ({ client, config, inbox }) => {
        const all = await inbox.messages();
        if (all.length < 2) return skipped(`needs at least 2 messages in INBOX, found ${all.length}`);
        const size = Math.min(5, Math.floor(all.length / 2));
        const first = await listPage(client, { inbox_id: config.inbox, limit: size, offset: 0 });
        const second = await listPage(client, {
          inbox_id: config.inbox,
          limit: size,
          offset: first.next_offset ?? size,
        });
        const joined = [...first.messages, ...second.messages].map((m) => m.id);
        const expected = all.slice(0, size * 2).map((m) => m.id);
        if (JSON.stringify(joined) !== JSON.stringify(expected))
          return failed(
            `pages of ${size} give ${JSON.stringify(joined)}, one page of ${size * 2} gives ${JSON.stringify(expected)}`,
          );
        if (first.next_offset !== size)
          return failed(`the first page's next_offset is ${first.next_offset}, not ${size}`);
        return passed();
      },
    ),
    behaviour(
      "unread-only",
      "tools.list_inbox.input.unread_only",
      "unread_only returns only unread messages, and all of them",
      async ({ client, config, inbox }) => {
        const all = await inbox.messages();
        const unread = all.filter((m) => m.unread).map((m) => m.id);
        if (unread.length === 0) return skipped(`needs an unread message among the ${all.length} newest in INBOX`);
        const page = await listPage(client, { inbox_id: config.inbox, limit: 100, unread_only: true });
        const read = page.messages.filter((m) => !m.unread);
        if (read.length > 0) return failed(`unread_only returned read messages: ${read.map((m) => m.id).join(", ")}`);
        const listed = new Set(page.messages.map((m) => m.id));
        const lost = unread.filter((id) => !listed.has(id));
        if (page.next_offset === null && lost.length > 0)
          return failed(`unread_only left out unread messages: ${lost.join(", ")}`);
        return passed();
      },
    ),
    behaviour(
      "listed-id-reads",
      "decisions.message-ids",
      "a listed message id reads, as the same message",
      async ({ client, config, inbox }) => {
        const [message] = await inbox.messages();
        if (message === undefined) return skipped("needs a message in INBOX, found none");
        const answer = await readMessage(client, config.inbox, message.id, false);
        const read = answer.content;
        if (read.id !== message.id || read.subject !== message.subject)
          return failed(
            `read_email returned message ${JSON.stringify(read.id)} "${read.subject}" for listed ${message.id} "${message.subject}"`,
            answer.exchange,
          );
        return passed();
      },
    ),
    behaviour(
      "read-keeps-unread",
      "tools.read_email.input.mark_as_read",
      "reading without mark_as_read leaves an unread message unread",
      async ({ client, config, inbox }) => {
        const target = (await inbox.messages()).find((m) => m.unread);
        if (target === undefined) return skipped("needs an unread message among the newest in INBOX, found none");
        const answer = await readMessage(client, config.inbox, target.id, undefined);
        if (answer.content.unread !== true)
          return failed("read_email without mark_as_read reports the message as read", answer.exchange);
        const after = await listPage(client, { inbox_id: config.inbox, limit: 100, unread_only: true });
        if (!after.messages.some((m) => m.id === target.id))
          return failed(`message ${target.id} is no longer unread after read_email without mark_as_read`);
        return passed();
      },
    ),
    behaviour(
      "bogus-message-id",
      "errors.message_not_found",
      "read_email of an id that names nothing is message_not_found",
      async ({ client, config }) => {
        const answer = await client.callTool("read_email", {
          inbox_id: config.inbox,
          message_id: `conformance-no-such-message-${randomUUID()}`,
        });
        if (answer.result?.errorCode !== "message_not_found")
          return failed(`expected message_not_found, got ${describeAnswer(answer)}`, answer.exchange);
        return passed();
      },
    ),
    ...searchChecks(),
    // After the checks that look for unread messages: it may read the inbox's last one.
    behaviour(
      "mark-as-read",
      "tools.read_email.input.mark_as_read",
      "reading with mark_as_read true marks an unread message read, in the result and in later listings (this changes one message's read state)",
      async (context) => {
        const { client } = context;
        const target = await unreadTarget(context);
        if (target === undefined)
          return skipped(
            "needs an unread message in INBOX (or, with sends, --send-to-inbox to receive one), found none",
          );
        const answer = await readMessage(client, target.inbox, target.id, true);
        if (answer.content.unread !== false)
          return failed("read_email with mark_as_read true reports the message as still unread", answer.exchange);
        const unread = await listPage(client, { inbox_id: target.inbox, limit: 100, unread_only: true });
        if (unread.messages.some((m) => m.id === target.id))
          return failed(`message ${target.id} is still listed by unread_only after read_email with mark_as_read true`);
        const listed = (await listPage(client, { inbox_id: target.inbox, limit: 100 })).messages.find(
          (m) => m.id === target.id,
        );
        if (listed?.unread === true)
          return failed(`list_inbox still shows message ${target.id} unread after read_email with mark_as_read true`);
        return passed(
          target.inbox === context.config.inbox
            ? "marked an unread INBOX message read"
            : "marked the runner's own message in --send-to-inbox read",
        );
      },
    ),
    ...sendChecks(),
  ];
}

/** An unread message to mark read: the runner's own delivered one where it can read it, else one of the inbox's. */
async function unreadTarget({ client, config, sends }: RunContext): Promise<{ inbox: string; id: string } | undefined> {
  if (sends.unavailable === undefined && config.sendToInbox !== undefined) {
    const sent = await sends.sendNew("mark_as_read");
    const delivered = await sends.delivered(sent, config.sendToInbox);
    if (delivered.unread) return { inbox: config.sendToInbox, id: delivered.id };
  }
  const { messages } = await listPage(client, { inbox_id: config.inbox, limit: 100, unread_only: true });
  const target = messages.find((m) => m.unread);
  return target === undefined ? undefined : { inbox: config.inbox, id: target.id };
}
