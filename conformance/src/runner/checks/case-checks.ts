// One check per generated conformance case: the boundary values just inside and just outside every
// constraint, each with the outcome the spec requires.
import { FOLDERS, PROTOCOL_ERRORS } from "@mcpemails/generated";
import { failed, passed, skipped, type Check, type Outcome } from "../check.js";
import {
  conformanceCases,
  redirectRecipients,
  substitutePlaceholders,
  uniqueIdempotencyKey,
  type ConformanceCase,
} from "../conformance-cases.js";
import type { McpClient, ToolAnswer } from "../mcp-client.js";
import type { InboxSample } from "../inbox-sample.js";
import { validateOutput } from "../output-validation.js";
import { describeAnswer } from "../answer-description.js";

/**
 * The cases by rule (a parameter and one of its constraints, e.g. body max_length, in whichever tool
 * it appears): one of each rule, chosen by the seed, is reserved a call and always runs; the rest
 * are optional, run when the rate limits leave room (run-plan.ts).
 */
export function caseChecks(seed: number): { firstOfEachRule: Check[]; others: Check[] } {
  const rules = new Map<string, ConformanceCase[]>();
  for (const testCase of conformanceCases) {
    const rule = `${testCase.parameter} ${testCase.constraint}`;
    rules.set(rule, [...(rules.get(rule) ?? []), testCase]);
  }
  const firstOfEachRule: Check[] = [];
  const others: Check[] = [];
  for (const [index, cases] of [...rules.values()].entries()) {
    const chosen = (seed + index) % cases.length;
    cases.forEach((testCase, i) =>
      i === chosen
        ? firstOfEachRule.push(caseCheck(testCase, { reserved: 1 }))
        : others.push(caseCheck(testCase, "optional")),
    );
  }
  return { firstOfEachRule, others };
}

function caseCheck(testCase: ConformanceCase, plan: Check["plan"]): Check {
  return {
    id: `inputs.case.${testCase.id}`,
    stage: "inputs",
    specRef: `tools.${testCase.tool}.input: ${testCase.parameter} ${testCase.constraint}`,
    description: testCase.description,
    plan,
    async run({ client, config, inbox, sends }) {
      // Drafting writes into the inbox under test: like a send, only when the run may (--allow-send).
      if (testCase.effects !== "read" && sends.unavailable !== undefined) return skipped(sends.unavailable);
      // A reply answers the runner's own SENT message, whose only recipient is --send-to, so that
      // neither a reply the case expects nor one a broken server wrongly sends mails anyone else.
      const messageId =
        testCase.tool !== "reply_to_email"
          ? await inbox.firstMessageId()
          : sends.unavailable === undefined
            ? await sends.sentCopyId()
            : "conformance-no-such-message";
      const filled = substitutePlaceholders(testCase, { inbox: config.inbox, ...optionalMessage(messageId) });
      if ("missing" in filled) return skipped(`needs a ${filled.missing} id, and the inbox lists no message`);
      let args = filled.arguments;
      const realIds = await fillRealIds(testCase, args, inbox);
      args = realIds.args;
      if (testCase.effects === "write" && config.sendTo !== undefined) args = redirectRecipients(args, config.sendTo);
      if (testCase.effects === "send" && config.sendTo !== undefined) {
        args = redirectRecipients(args, config.sendTo);
        const keyUnderTest = testCase.parameter === "idempotency_key" && testCase.expect.outcome !== "valid";
        if (!keyUnderTest) args = uniqueIdempotencyKey(args, testCase.id);
      }
      const answer = await client.callTool(testCase.tool, args);
      await deleteWrittenDraft(client, config.inbox, answer);
      return judge(testCase, args, answer, realIds.madeUp);
    },
  };
}

function optionalMessage(id: string | undefined): { message?: string } {
  return id === undefined ? {} : { message: id };
}

/**
 * The cases name a thread and an attachment by the spec example's ids, which no real inbox has: a
 * case about another parameter gets the inbox's own (when it has them), so that valid input gets a
 * real answer; a case about the id itself keeps its made-up value, which names nothing.
 */
async function fillRealIds(
  testCase: ConformanceCase,
  args: Record<string, unknown>,
  inbox: InboxSample,
): Promise<{ args: Record<string, unknown>; madeUp?: MadeUpId }> {
  if (testCase.tool === "get_thread" && typeof args.thread_id === "string") {
    const thread = testCase.parameter === "thread_id" ? undefined : await inbox.threadMessage();
    if (thread === undefined) return { args, madeUp: MADE_UP.get_thread };
    return { args: { ...args, thread_id: thread.thread_id } };
  }
  if (testCase.tool === "get_attachment" && typeof args.attachment_id === "string") {
    const underTest = testCase.parameter === "attachment_id" || testCase.parameter === "message_id";
    const found = underTest || testCase.placeholders.message_id !== "message" ? undefined : await inbox.attachment();
    if (found === undefined) return { args, madeUp: MADE_UP.get_attachment };
    return { args: { ...args, message_id: found.messageId, attachment_id: found.attachment.attachment_id } };
  }
  // The runner makes no draft and holds no send of its own: every draft id and hold id the cases name is made up.
  const ownedByTheServer = MADE_UP_ALWAYS[testCase.tool];
  if (ownedByTheServer !== undefined && typeof args[ownedByTheServer.parameter] === "string")
    return { args, madeUp: ownedByTheServer };
  return { args };
}

interface MadeUpId {
  parameter: string;
  errorCode: string;
}

const MADE_UP = {
  get_thread: { parameter: "thread_id", errorCode: "thread_not_found" },
  get_attachment: { parameter: "attachment_id", errorCode: "attachment_not_found" },
} as const satisfies Record<string, MadeUpId>;

const DRAFT_ID: MadeUpId = { parameter: "draft_id", errorCode: "draft_not_found" };
const MADE_UP_ALWAYS: Partial<Record<string, MadeUpId>> = {
  update_draft: DRAFT_ID,
  delete_draft: DRAFT_ID,
  send_draft: DRAFT_ID,
  get_send_status: { parameter: "hold_id", errorCode: "send_hold_not_found" },
};

function judge(
  testCase: ConformanceCase,
  args: Record<string, unknown>,
  answer: ToolAnswer,
  madeUp: MadeUpId | undefined,
): Outcome {
  const expect = testCase.expect;
  switch (expect.outcome) {
    case "valid": {
      if (isRefusedProviderFolder(testCase, answer))
        return passed(
          "refused a folder name this inbox's provider does not have, as decision folders-threads-attachments allows",
        );
      if (isRefusedNativeQuery(testCase, answer))
        return passed(
          "refused a native query its provider does not understand with -32602 naming the query: native syntax is the provider's own",
        );
      if (isReusedShortKey(testCase, args, answer))
        return passed(
          "accepted the key, which an earlier call (in this run or within 24 hours) used for other arguments: idempotency_key_reused, as the spec requires",
        );
      if (madeUp !== undefined && answer.result?.errorCode === madeUp.errorCode)
        return passed(`the made-up ${madeUp.parameter} passed validation and names nothing here: ${madeUp.errorCode}`);
      if (answer.error !== undefined || answer.result?.isError === true)
        return failed(`expected success, got ${describeAnswer(answer)}`, answer.exchange);
      const problems = validateOutput(testCase.tool, answer.result?.structuredContent);
      return problems === undefined
        ? passed()
        : failed(`structuredContent breaks the output schema: ${problems}`, answer.exchange);
    }
    case "invalid_params": {
      const data = answer.error?.data as { parameter?: unknown; rule?: unknown } | undefined;
      if (answer.error?.code !== PROTOCOL_ERRORS.invalid_params.code)
        return failed(
          `expected ${PROTOCOL_ERRORS.invalid_params.code} naming ${expect.parameter}, got ${describeAnswer(answer)}`,
          answer.exchange,
        );
      if (data?.parameter !== expect.parameter)
        return failed(`-32602 names ${JSON.stringify(data?.parameter)}, not ${expect.parameter}`, answer.exchange);
      if (data.rule !== expect.rule)
        return failed(`-32602 gives rule ${JSON.stringify(data.rule)}, not ${expect.rule}`, answer.exchange);
      return passed();
    }
    case "execution_error": {
      // The runner has no draft of its own: a server that looks the made-up draft up before judging
      // the parameter under test cannot be judged on it.
      if (
        madeUp !== undefined &&
        answer.result?.errorCode === madeUp.errorCode &&
        expect.errorCode !== madeUp.errorCode
      )
        return skipped(`the case's ${madeUp.parameter} is made up, and the server answered ${madeUp.errorCode} first`);
      if (answer.result?.errorCode !== expect.errorCode)
        return failed(`expected ${expect.errorCode}, got ${describeAnswer(answer)}`, answer.exchange);
      if (expect.parameter !== undefined && answer.result.parameter !== expect.parameter)
        return failed(
          `${expect.errorCode} names ${JSON.stringify(answer.result.parameter)}, not ${expect.parameter}`,
          answer.exchange,
        );
      return passed();
    }
  }
}

const PORTABLE_FOLDERS: readonly string[] = Object.keys(FOLDERS);
// Below this length a key has so few values that another case, or an earlier run, may have taken it.
const SHORT_KEY = 8;

/**
 * A valid case with a very short idempotency_key (min_length.at is one character, 64 values) may
 * meet its key already used for other arguments; idempotency_key_reused then shows the key passed
 * validation, which is what the case is about.
 */
function isReusedShortKey(testCase: ConformanceCase, args: Record<string, unknown>, answer: ToolAnswer): boolean {
  const key = args.idempotency_key;
  return (
    testCase.parameter === "idempotency_key" &&
    typeof key === "string" &&
    [...key].length < SHORT_KEY &&
    answer.result?.errorCode === "idempotency_key_reused"
  );
}

/**
 * A native query is passed to the provider as it is, so the case's one sample query (written in one
 * provider's dialect) may be nonsense to another; -32602 naming the query is that provider's answer.
 */
function isRefusedNativeQuery(testCase: ConformanceCase, answer: ToolAnswer): boolean {
  const data = answer.error?.data as { parameter?: unknown; rule?: unknown } | undefined;
  return (
    testCase.arguments.syntax === "native" &&
    answer.error?.code === PROTOCOL_ERRORS.invalid_params.code &&
    data?.parameter === "query" &&
    data.rule === "query_term"
  );
}

/**
 * Decision folders-threads-attachments: list_inbox's folder and search_emails' include_folders take
 * the four standard ids and the ids of the inbox's own folders; any other is -32602 rule enum naming
 * it. A case that expects success with another name has two conforming answers.
 */
function isRefusedProviderFolder(testCase: ConformanceCase, answer: ToolAnswer): boolean {
  if (answer.error?.code !== PROTOCOL_ERRORS.invalid_params.code) return false;
  const data = answer.error.data as { parameter?: unknown; rule?: unknown } | undefined;
  if (data?.rule !== "enum") return false;
  const notStandard = (folder: unknown) => typeof folder !== "string" || !PORTABLE_FOLDERS.includes(folder);
  const { folder, include_folders: folders } = testCase.arguments;
  if (testCase.tool === "list_inbox" && folder !== undefined) return notStandard(folder) && data.parameter === "folder";
  if (!Array.isArray(folders)) return false;
  const index = folders.findIndex(notStandard);
  return index >= 0 && data.parameter === `include_folders[${index}]`;
}

/** A draft a case wrote (create_draft, update_draft answered with a draft_id) is deleted at once. */
async function deleteWrittenDraft(client: McpClient, inboxId: string, answer: ToolAnswer): Promise<void> {
  const written = (answer.result?.isError === true ? undefined : answer.result?.structuredContent) as
    { draft_id?: unknown; deleted?: unknown } | undefined;
  if (typeof written?.draft_id === "string" && written.deleted === undefined)
    await client.callTool("delete_draft", { inbox_id: inboxId, draft_id: written.draft_id });
}
