// fast-check properties over each tool's input schema: inputs the schema accepts must succeed with
// structuredContent the output schema accepts; inputs broken in one place must give -32602 naming
// that place. Failures carry the shrunk counterexample and the seed.
import fc from "fast-check";
import {
  FOLDERS,
  PROTOCOL_ERRORS,
  TOOL_ANNOTATIONS,
  TOOL_NAMES,
  TOOL_SCOPES,
  type ToolName,
} from "@mcpemails/generated";
import { toolInputSchemas } from "@mcpemails/generated/json-schemas";
import { invalidValue, validValue, type JsonSchemaObject } from "../../arbitraries/from-json-schema.js";
import { CheckFailure, failed, passed, skipped, type Check, type Outcome } from "../check.js";
import { CallBudgetSpent } from "../mcp-client.js";
import { PlanCut } from "../run-plan.js";
import { redirectRecipients, uniqueIdempotencyKey } from "../conformance-cases.js";
import { validateOutput } from "../output-validation.js";
import { portableQuery } from "../portable-query-arbitrary.js";
import type { RunContext } from "../run-context.js";
import { describeAnswer } from "../answer-description.js";

const NO_SUCH_MESSAGE = "conformance-no-such-message";
const UNIQUE_KEY_LENGTH = 32;
/**
 * How many smaller inputs shrinking may try against the server once a property fails. Each try is
 * one or more calls; uncapped, a failure that shows only for a rare shape of input (a cc list, say)
 * made shrinking try hundreds of inputs, a minute of calls, to make the counterexample a little smaller.
 */
export const SHRINK_TRIES = 40;
const PORTABLE_FOLDERS = Object.keys(FOLDERS);

/** The tools that send mail: those of send:email that are not read-only (get_send_status reads). */
const sendsMail = (tool: ToolName) => TOOL_SCOPES[tool] === "send:email" && !TOOL_ANNOTATIONS[tool].readOnlyHint;

export function propertyChecks(): Check[] {
  const checks: Check[] = [];
  for (const tool of TOOL_NAMES) {
    const sends = sendsMail(tool);
    // Drafting writes into the inbox under test: like a send, only when the run may (--allow-send).
    const writes = sends || TOOL_SCOPES[tool] === "draft:email";
    checks.push({
      id: `inputs.positive.${tool}`,
      stage: "inputs",
      plan: "property",
      specRef: `tools.${tool}.input, tools.${tool}.output`,
      description: `${tool} accepts every input its schema accepts${sends ? " (every recipient made --send-to)" : ""}, with structuredContent valid against its output schema`,
      async run(context) {
        if (writes && context.sends.unavailable !== undefined) return skipped(context.sends.unavailable);
        const ids = await idsToUse(tool, context);
        if (typeof ids === "string") return skipped(ids);
        const draftTool = DRAFT_TOOLS.has(tool);
        if (TOOL_SCOPES[tool] === "draft:email" || draftTool) {
          const lacking = await lacksDraftScope(context);
          if (lacking !== undefined) return skipped(lacking);
        }
        const inputs = fc
          .tuple(validValue(schemaOf(tool)), portableQuery)
          .map(([value, query]) => fitPositive(tool, value as Record<string, unknown>, query, context, ids));
        let answered = 0;
        let refusedQueries = 0;
        const outcome = await checkProperty(context, inputs, async (generated) => {
          // A draft of the run's own for each input, addressed to --send-to, deleted afterwards.
          const draftId = draftTool ? await writeDraft(context) : undefined;
          const args = draftId === undefined ? generated : { ...generated, draft_id: draftId };
          const answer = await context.client.callTool(tool, args);
          await cleanUpDraft(context, tool, args, answer);
          if (tool === "search_emails" && isRefusedQueryTerm(answer.error)) {
            refusedQueries++;
            return;
          }
          // The runner holds no send of its own, so every hold_id is made up: send_hold_not_found is
          // the answer of a server that took the input.
          if (tool === "get_send_status" && answer.result?.errorCode === "send_hold_not_found") {
            answered++;
            return;
          }
          if (answer.error !== undefined || answer.result?.isError === true)
            throw new CheckFailure(`valid input refused: ${describeAnswer(answer)}`, answer.exchange);
          const problem = validateOutput(tool, answer.result?.structuredContent);
          if (problem !== undefined)
            throw new CheckFailure(`structuredContent breaks the output schema: ${problem}`, answer.exchange);
          answered++;
        });
        if (outcome.status !== "passed" || refusedQueries === 0) return outcome;
        // Decision search-syntax lets a provider refuse a portable combination it cannot honour; a
        // server that refuses every one honours none, which is not conformance.
        if (answered === 0)
          return failed(`every one of the ${refusedQueries} portable queries was refused with -32602 query_term`);
        return passed(
          `${answered} answered; ${refusedQueries} portable queries refused with -32602 query_term, as decision search-syntax allows`,
        );
      },
    });
  }
  for (const tool of TOOL_NAMES) {
    checks.push({
      id: `inputs.negative.${tool}`,
      stage: "inputs",
      plan: "property",
      specRef: "protocol_errors.invalid_params, decisions.validation-errors",
      description: `${tool} answers -32602 naming the parameter for inputs broken in one place`,
      async run(context) {
        const sends = sendsMail(tool);
        const { sendTo } = context.config;
        if (sends && sendTo === undefined)
          return skipped("sends if the server wrongly accepts the input: needs --allow-send --send-to ADDRESS");
        const messageId = sends ? NO_SUCH_MESSAGE : ((await context.inbox.firstMessageId()) ?? NO_SUCH_MESSAGE);
        const inputs = invalidValue(schemaOf(tool)).map((mutation) => {
          let value = mutation.value;
          if (isObject(value)) {
            value = fitIds(value, mutation.path, context.config.inbox, messageId);
            if (sendTo !== undefined) value = redirectRecipients(value as Record<string, unknown>, sendTo);
          }
          return { ...mutation, value };
        });
        return checkProperty(context, inputs, async ({ value, path }) => {
          const answer = await context.client.callTool(tool, value);
          const parameter = (answer.error?.data as { parameter?: unknown } | undefined)?.parameter;
          if (answer.error?.code !== PROTOCOL_ERRORS.invalid_params.code)
            throw new CheckFailure(
              `expected -32602 naming ${JSON.stringify(path)}, got ${describeAnswer(answer)}`,
              answer.exchange,
            );
          // Arguments that are not an object at all (path "") may be named as the object or, for null
          // (which MCP treats like absent arguments), as the first required parameter it lacks.
          if (path !== "" && parameter !== path)
            throw new CheckFailure(
              `-32602 names ${JSON.stringify(parameter)}, not ${JSON.stringify(path)}`,
              answer.exchange,
            );
        });
      },
    });
  }
  checks.push({
    id: "inputs.unknown-tool",
    stage: "inputs",
    plan: { reserved: 1 },
    specRef: "protocol_errors.method_not_found",
    description: "tools/call with an unknown tool name gets -32601",
    async run({ client, config }) {
      const answer = await client.callTool("conformance_no_such_tool", { inbox_id: config.inbox });
      if (answer.error?.code !== PROTOCOL_ERRORS.method_not_found.code)
        return failed(`expected -32601, got ${describeAnswer(answer)}`, answer.exchange);
      return passed();
    },
  });
  return checks;
}

function schemaOf(tool: ToolName): JsonSchemaObject {
  return toolInputSchemas[tool] as JsonSchemaObject;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Real ids of what the tool's inputs name, or why the inbox has none. A reply answers the runner's own SENT message, so it goes to --send-to. */
async function idsToUse(tool: ToolName, { inbox, sends }: RunContext): Promise<Record<string, string> | string> {
  const noMessage = "needs a message id, and the inbox lists no message";
  switch (tool) {
    case "reply_to_email": {
      const id = await sends.sentCopyId();
      return id === undefined ? noMessage : { message_id: id };
    }
    case "read_email": {
      const id = await inbox.firstMessageId();
      return id === undefined ? noMessage : { message_id: id };
    }
    case "get_thread": {
      const message = await inbox.threadMessage();
      return message === undefined
        ? "needs a thread_id, and the inbox lists no message with one"
        : { thread_id: message.thread_id };
    }
    case "get_attachment": {
      const found = await inbox.attachment();
      return found === undefined
        ? "needs an attachment, and neither the listed messages nor search has:attachment gave one"
        : { message_id: found.messageId, attachment_id: found.attachment.attachment_id };
    }
    default:
      return {};
  }
}

/** Real ids where the schema only knows the shape, a real query, no change to read state, and sends only to --send-to. */
function fitPositive(
  tool: ToolName,
  value: Record<string, unknown>,
  query: string,
  { config }: RunContext,
  ids: Record<string, string>,
): Record<string, unknown> {
  let args: Record<string, unknown> = { ...value, inbox_id: config.inbox, ...ids };
  if (tool === "search_emails") {
    // Native syntax is the provider's own language, which no schema describes.
    args.query = query;
    args.syntax = "portable";
    // Decision include-folders: only the four portable names work on every provider.
    if (Array.isArray(args.include_folders))
      args.include_folders = args.include_folders.map((_, i) => PORTABLE_FOLDERS[i % PORTABLE_FOLDERS.length]);
  }
  // Decision folders-threads-attachments: a folder id the inbox lacks is -32602; the four are on every provider.
  if (tool === "list_inbox" && typeof args.folder === "string")
    args.folder = PORTABLE_FOLDERS[[...args.folder].length % PORTABLE_FOLDERS.length];
  if (tool === "read_email") {
    // Marking as read would change the third party's inbox; the behaviour stage covers it.
    args.mark_as_read = false;
  }
  if (config.sendTo !== undefined && TOOL_SCOPES[tool] === "draft:email") {
    for (const list of ["to", "cc", "bcc"])
      if (Array.isArray(args[list])) args[list] = (args[list] as unknown[]).map(() => config.sendTo);
    // A reply draft answers the runner's own SENT message, whose only recipient is --send-to.
    if ("message_id" in args) delete args.message_id;
  }
  if (config.sendTo !== undefined && sendsMail(tool)) {
    // The schema allows any string as a recipient; only --send-to may receive anything.
    for (const list of ["to", "cc", "bcc"])
      if (Array.isArray(args[list])) args[list] = (args[list] as unknown[]).map(() => config.sendTo);
    if ("reply_to" in args) args.reply_to = config.sendTo;
    // Keys drawn at random repeat across different arguments; one derived from the arguments does
    // not, given room enough (a one-character key has 64 values). The cases cover the key's bounds.
    if (typeof args.idempotency_key === "string") {
      args.idempotency_key = "k".repeat(Math.max(UNIQUE_KEY_LENGTH, [...args.idempotency_key].length));
      args = uniqueIdempotencyKey(args, `positive.${tool}.${config.seed}`);
    }
  }
  return args;
}

function fitIds(
  value: Record<string, unknown>,
  brokenPath: string,
  inboxId: string,
  messageId: string,
): Record<string, unknown> {
  const untouched = (name: string) =>
    name in value && brokenPath !== name && !brokenPath.startsWith(`${name}[`) && !brokenPath.startsWith(`${name}.`);
  const args = { ...value };
  if (untouched("inbox_id")) args.inbox_id = inboxId;
  if (untouched("message_id")) args.message_id = messageId;
  // A random string is rarely a portable query; a server may rightly refuse it before the broken parameter.
  if (untouched("query")) args.query = "is:unread";
  return args;
}

/** -32602 naming the query with rule query_term: a portable query this provider cannot honour (decision search-syntax). */
function isRefusedQueryTerm(error: { code: number; data?: unknown } | undefined): boolean {
  const data = error?.data as { parameter?: unknown; rule?: unknown } | undefined;
  return (
    error?.code === PROTOCOL_ERRORS.invalid_params.code && data?.parameter === "query" && data.rule === "query_term"
  );
}

/**
 * Runs the property with the run's seed, as many runs as the run plan affords; a failure reports
 * the shrunk input and the exchange that broke the rule.
 */
async function checkProperty<T>(
  context: RunContext,
  inputs: fc.Arbitrary<T>,
  predicate: (input: T) => Promise<void>,
): Promise<Outcome> {
  const mayRun = context.plan.propertyRuns();
  let started = 0;
  let failing = false;
  let shrinkTries = 0;
  const planned = async (input: T) => {
    if (failing) {
      // Shrinking: a smaller input is tried only while SHRINK_TRIES, the limits and --max-calls
      // leave room; past that it counts as passing, so the smallest failing input found so far stands.
      if (shrinkTries >= SHRINK_TRIES || !context.plan.affordsOptional()) return;
      shrinkTries++;
      try {
        await predicate(input);
      } catch (error) {
        if (!(error instanceof CallBudgetSpent)) throw error;
      }
      return;
    }
    // Also on the replays of shrinking after a cut: none of them makes a call.
    if (!mayRun(started)) throw new PlanCut(context.plan.reason());
    started++;
    try {
      await predicate(input);
    } catch (error) {
      if (!(error instanceof CallBudgetSpent)) failing = true;
      throw error;
    }
  };
  const details = await fc.check(fc.asyncProperty(inputs, planned), {
    seed: context.config.seed,
    numRuns: context.config.runs,
  });
  if (!details.failed) return passed(`${details.numRuns} runs`);
  const error = details.errorInstance;
  // The plan or the budget ended the property: the runs before it stand, and say how many they were.
  if (error instanceof PlanCut) {
    const completed = details.numRuns - 1;
    context.plan.cut.propertyRuns += context.config.runs - completed;
    return passed(`${completed} of ${context.config.runs} runs: the rest cut, as ${error.reason}`);
  }
  if (error instanceof CallBudgetSpent) {
    const completed = details.numRuns - 1;
    return completed > 0
      ? passed(`${completed} runs, then ${error.message}`)
      : skipped(`${error.message} before this check's first run`);
  }
  const message = error instanceof Error ? error.message : String(error);
  const exchange = error instanceof CheckFailure ? error.exchange : undefined;
  return failed(
    `${message} (shrunk ${details.numShrinks} times${shrinkTries >= SHRINK_TRIES ? `, shrinking stopped after ${SHRINK_TRIES} tries` : ""}, seed ${details.seed}, path ${details.counterexamplePath ?? ""})`,
    exchange,
    { counterexample: details.counterexample?.[0], runs: details.numRuns },
  );
}

/** The tools given a draft_id: each input gets a fresh draft of the run's own. */
const DRAFT_TOOLS: ReadonlySet<ToolName> = new Set(["update_draft", "delete_draft", "send_draft"]);

async function writeDraft({ client, config }: RunContext): Promise<string> {
  const answer = await client.callTool("create_draft", {
    inbox_id: config.inbox,
    to: config.sendTo === undefined ? [] : [config.sendTo],
    subject: "MCPEmails conformance draft",
    body: "Written by the conformance runner; deleted when the check is done.",
  });
  const draftId = (answer.result?.structuredContent as { draft_id?: unknown } | undefined)?.draft_id;
  if (answer.result?.isError === true || typeof draftId !== "string")
    throw new CheckFailure(
      `create_draft, needed for a draft to work on, failed: ${describeAnswer(answer)}`,
      answer.exchange,
    );
  return draftId;
}

/** Deletes what a draft tool left in DRAFTS: the draft it wrote or changed (send and delete leave none). */
async function cleanUpDraft(
  { client, config }: RunContext,
  tool: ToolName,
  args: Record<string, unknown>,
  answer: Awaited<ReturnType<RunContext["client"]["callTool"]>>,
): Promise<void> {
  if (tool === "send_draft" || tool === "delete_draft") {
    // Refused, the draft is still there.
    if (answer.error !== undefined || answer.result?.isError === true)
      await client.callTool("delete_draft", { inbox_id: config.inbox, draft_id: args.draft_id });
    return;
  }
  if (tool !== "create_draft" && tool !== "update_draft") return;
  const written = (answer.result?.isError === true ? undefined : answer.result?.structuredContent) as
    { draft_id?: unknown } | undefined;
  const draftId = typeof written?.draft_id === "string" ? written.draft_id : args.draft_id;
  if (typeof draftId === "string") await client.callTool("delete_draft", { inbox_id: config.inbox, draft_id: draftId });
}

/** Why the run cannot write drafts (its --token lacks draft:email), or undefined when a probe draft was written and deleted. */
async function lacksDraftScope({ client, config }: RunContext): Promise<string | undefined> {
  const probe = await client.callTool("create_draft", { inbox_id: config.inbox, subject: "probe", body: "probe" });
  if (probe.result?.errorCode === "scope_denied")
    return "--token lacks draft:email, which the draft tools need: give the key that scope to check them";
  const draftId = (probe.result?.structuredContent as { draft_id?: unknown } | undefined)?.draft_id;
  if (typeof draftId === "string") await client.callTool("delete_draft", { inbox_id: config.inbox, draft_id: draftId });
  return undefined;
}
