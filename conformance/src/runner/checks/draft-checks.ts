// The draft tools (spec 1.1.0), by what they do to the inbox: a draft lands in DRAFTS and reads back;
// an update replaces the fields given and keeps the others, and a replaced id names nothing; a
// delete takes the draft away once; a draft without recipients is not sent, a sent one leaves
// DRAFTS. Drafting writes into the inbox under test, so these run only when the run may send
// (--allow-send --send-to), address --send-to only, and delete every draft they write.
import { failed, passed, skipped, CheckFailure, type Check, type Outcome } from "../check.js";
import { describeAnswer } from "../answer-description.js";
import type { RunContext } from "../run-context.js";
import { behaviour } from "./behaviour-check.js";

interface DraftAnswer {
  draft_id: string;
  message_id: string | null;
  subject: string;
  to: { address: string }[];
  cc: { address: string }[];
}

export function draftChecks(): Check[] {
  return [
    behaviour(
      "draft.create-update",
      "tools.create_draft, tools.update_draft",
      "create_draft files a draft in DRAFTS that read_email reads; update_draft replaces the fields given, keeps the others, and a draft_id it replaced names no draft",
      (context) =>
        withWrites(context, async (drafts) => {
          const subject = `MCPEmails conformance draft ${context.config.seed}`;
          const first = await drafts.create({ subject, body: "First words of the draft." });
          const listed = await drafts.listed(subject);
          if (listed === undefined) return failed(`create_draft answered, but DRAFTS lists no message "${subject}"`);
          if (first.message_id !== null && listed !== first.message_id)
            return failed(`create_draft answered message_id ${first.message_id}, but DRAFTS lists it as ${listed}`);
          if (!(await drafts.body(listed)).includes("First words of the draft."))
            return failed("read_email of the draft lacks the body create_draft was given");
          const renamed = `${subject} v2`;
          const updated = await drafts.update(first.draft_id, { subject: renamed });
          if (updated.subject !== renamed)
            return failed(`update_draft answered subject ${JSON.stringify(updated.subject)}`);
          if (updated.to[0]?.address.toLowerCase() !== drafts.recipient.toLowerCase())
            return failed("update_draft given a subject only lost the draft's recipient");
          const now = await drafts.listed(renamed);
          if (now === undefined || (await drafts.listed(subject)) !== undefined)
            return failed("after update_draft, DRAFTS does not hold exactly the updated draft");
          if (!(await drafts.body(now)).includes("First words of the draft."))
            return failed("update_draft given a subject only lost the draft's body");
          if (updated.draft_id !== first.draft_id) {
            const stale = await drafts.call("update_draft", { draft_id: first.draft_id, subject: "stale" });
            if (stale.result?.errorCode !== "draft_not_found")
              return failed(
                `update_draft of the replaced draft_id answered ${describeAnswer(stale)}, not draft_not_found`,
                stale.exchange,
              );
          }
          return passed("created, listed in DRAFTS, read, updated in part");
        }),
      { needsMessages: false },
    ),
    behaviour(
      "draft.delete",
      "tools.delete_draft",
      "delete_draft takes a draft out of DRAFTS and answers draft_not_found when asked again",
      (context) =>
        withWrites(context, async (drafts) => {
          const subject = `MCPEmails conformance draft to delete ${context.config.seed}`;
          const draft = await drafts.create({ subject, body: "To be deleted." });
          const deleted = await drafts.call("delete_draft", { draft_id: draft.draft_id });
          const content = deleted.result?.structuredContent as { deleted?: unknown } | undefined;
          if (deleted.result?.isError === true || content?.deleted !== true)
            return failed(`delete_draft answered ${describeAnswer(deleted)}`, deleted.exchange);
          if ((await drafts.listed(subject)) !== undefined)
            return failed("delete_draft answered deleted, but DRAFTS still lists the draft");
          const again = await drafts.call("delete_draft", { draft_id: draft.draft_id });
          if (again.result?.errorCode !== "draft_not_found")
            return failed(
              `a second delete_draft answered ${describeAnswer(again)}, not draft_not_found`,
              again.exchange,
            );
          return passed("deleted once, draft_not_found the second time");
        }),
      { needsMessages: false },
    ),
    behaviour(
      "draft.send",
      "tools.send_draft, errors.draft_not_sendable",
      "send_draft refuses a draft without recipients with draft_not_sendable, keeping it; a draft it sends leaves DRAFTS",
      (context) =>
        withWrites(context, async (drafts) => {
          const nobody = `MCPEmails conformance draft without recipients ${context.config.seed}`;
          const empty = await drafts.create({ subject: nobody, body: "Nobody to send to." }, false);
          const refused = await drafts.call("send_draft", { draft_id: empty.draft_id });
          if (refused.result?.errorCode !== "draft_not_sendable")
            return failed(
              `send_draft of a draft without recipients answered ${describeAnswer(refused)}`,
              refused.exchange,
            );
          if ((await drafts.listed(nobody)) === undefined)
            return failed("a draft send_draft refused is no longer in DRAFTS");
          const subject = `MCPEmails conformance draft sent ${context.config.seed}`;
          const draft = await drafts.create({ subject, body: "Sent from DRAFTS." });
          const sent = await drafts.call("send_draft", { draft_id: draft.draft_id });
          const result = sent.result?.structuredContent as { delivery_status?: unknown } | undefined;
          if (sent.result?.isError === true || result?.delivery_status === undefined)
            return failed(`send_draft answered ${describeAnswer(sent)}`, sent.exchange);
          drafts.forget(draft.draft_id);
          if ((await drafts.listed(subject)) !== undefined)
            return failed("send_draft sent the draft, but DRAFTS still lists it");
          return passed("a draft without recipients refused and kept; a sent draft gone from DRAFTS");
        }),
      { needsMessages: false },
    ),
  ];
}

type Call = RunContext["client"]["callTool"];

/** The drafts a check writes, each deleted when the check is done. */
interface Drafts {
  recipient: string;
  call(tool: string, args: Record<string, unknown>): ReturnType<Call>;
  create(fields: Record<string, unknown>, addressed?: boolean): Promise<DraftAnswer>;
  update(draftId: string, fields: Record<string, unknown>): Promise<DraftAnswer>;
  /** The id DRAFTS lists a message with this subject under, if any. */
  listed(subject: string): Promise<string | undefined>;
  body(messageId: string): Promise<string>;
  forget(draftId: string): void;
}

async function withWrites(context: RunContext, check: (drafts: Drafts) => Promise<Outcome>): Promise<Outcome> {
  const { client, config, sends } = context;
  if (sends.unavailable !== undefined || config.sendTo === undefined)
    return skipped(sends.unavailable ?? "writes drafts: needs --allow-send --send-to ADDRESS");
  const recipient = config.sendTo;
  const written = new Set<string>();
  const call = (tool: string, args: Record<string, unknown>) =>
    client.callTool(tool, { inbox_id: config.inbox, ...args });
  const asDraft = async (tool: string, args: Record<string, unknown>): Promise<DraftAnswer> => {
    const answer = await call(tool, args);
    const draft = answer.result?.structuredContent as DraftAnswer | undefined;
    if (answer.result?.isError === true || typeof draft?.draft_id !== "string")
      throw new CheckFailure(`${tool} answered ${describeAnswer(answer)}`, answer.exchange);
    written.add(draft.draft_id);
    return draft;
  };
  const drafts: Drafts = {
    recipient,
    call,
    create: (fields, addressed = true) =>
      asDraft("create_draft", { ...(addressed ? { to: [recipient] } : {}), ...fields }),
    async update(draftId, fields) {
      const draft = await asDraft("update_draft", { draft_id: draftId, ...fields });
      if (draft.draft_id !== draftId) written.delete(draftId);
      return draft;
    },
    async listed(subject) {
      const answer = await call("list_inbox", { folder: "DRAFTS", limit: 100 });
      const page = answer.result?.structuredContent as { messages?: { id: string; subject: string }[] } | undefined;
      if (page?.messages === undefined)
        throw new CheckFailure(`list_inbox of DRAFTS answered ${describeAnswer(answer)}`, answer.exchange);
      return page.messages.find((message) => message.subject === subject)?.id;
    },
    async body(messageId) {
      const answer = await call("read_email", { message_id: messageId });
      const read = answer.result?.structuredContent as { body_text?: unknown } | undefined;
      if (typeof read?.body_text !== "string")
        throw new CheckFailure(`read_email of the draft answered ${describeAnswer(answer)}`, answer.exchange);
      return read.body_text;
    },
    forget: (draftId) => void written.delete(draftId),
  };
  const probe = await call("create_draft", { subject: "probe", body: "probe" });
  if (probe.result?.errorCode === "scope_denied")
    return skipped("--token lacks draft:email, which the draft tools need: give the key that scope to check them");
  const probeId = (probe.result?.structuredContent as { draft_id?: unknown } | undefined)?.draft_id;
  if (typeof probeId === "string") written.add(probeId);
  try {
    return await check(drafts);
  } finally {
    for (const draftId of written) await call("delete_draft", { draft_id: draftId });
  }
}
