// Portable search, judged by the query itself: each query is built from a message the inbox lists,
// and every result must satisfy it, as the generated matchesQuery reads the spec's terms. Terms
// that look at bodies (bare words, phrases) are judged on the body read_email returns.
import { matchesQuery, parseSearchQuery, queryReadsBody, type QueryNode } from "@mcpemails/generated";
import { failed, passed, skipped, type Check } from "../check.js";
import { describeAnswer } from "../answer-description.js";
import type { ListedMessage } from "../inbox-sample.js";
import type { McpClient } from "../mcp-client.js";
import { behaviour } from "./behaviour-check.js";

/** A query built from the inbox's messages; `source` must be among the results, or (negated) must not. */
interface BuiltQuery {
  query: string;
  source: ListedMessage;
  sourceExcluded?: boolean;
}

type QueryFrom = (messages: ListedMessage[]) => BuiltQuery | undefined;

// Words the portable syntax reads as operators, which a bare-word query must not use.
const OPERATOR_WORDS = new Set(["or", "and", "not"]);
// Queries that read bodies cost a read_email per result; this many results are judged.
const BODY_RESULTS_JUDGED = 20;

const SEARCH_TERMS: { term: string; build: QueryFrom }[] = [
  {
    term: "from",
    build: (ms) =>
      firstWith(ms, (m) => (m.from !== null && plain(m.from.address) ? `from:${m.from.address}` : undefined)),
  },
  {
    term: "to",
    build: (ms) =>
      firstWith(ms, (m) => (m.to[0] !== undefined && plain(m.to[0].address) ? `to:${m.to[0].address}` : undefined)),
  },
  { term: "subject", build: (ms) => firstWith(ms, (m) => wordsOf(m.subject).map((w) => `subject:${w}`)[0]) },
  { term: "is-unread", build: (ms) => firstWith(ms, (m) => (m.unread ? "is:unread" : undefined)) },
  { term: "has-attachment", build: (ms) => firstWith(ms, (m) => (m.has_attachments ? "has:attachment" : undefined)) },
  { term: "after", build: (ms) => firstWith(ms, (m) => `after:${utcDay(m.date, 0)}`) },
  { term: "before", build: (ms) => firstWith(ms, (m) => `before:${utcDay(m.date, 1)}`) },
  { term: "date-range", build: (ms) => firstWith(ms, (m) => `after:${utcDay(m.date, 0)} before:${utcDay(m.date, 1)}`) },
  { term: "word", build: (ms) => firstWith(ms, (m) => wordsOf(m.subject)[0]) },
  // A word of the snippet (not its last, which may be cut) that the subject lacks: only the body can match it.
  {
    term: "body-word",
    build: (ms) =>
      firstWith(ms, (m) =>
        wordsOf(m.snippet.split(/\s+/).slice(0, -1).join(" ")).find(
          (w) => !m.subject.toLowerCase().includes(w.toLowerCase()),
        ),
      ),
  },
  { term: "phrase", build: (ms) => firstWith(ms, (m) => phraseOf(m.subject)) },
  {
    term: "or",
    build: (ms) => {
      const first = firstWith(ms, (m) => wordsOf(m.subject).map((w) => `subject:${w}`)[0]);
      const other = ms
        .map((m) => wordsOf(m.subject)[0])
        .find((w) => w !== undefined && first !== undefined && !first.query.endsWith(`:${w}`));
      return first === undefined || other === undefined
        ? undefined
        : { query: `${first.query} OR subject:${other}`, source: first.source };
    },
  },
  {
    term: "negated-subject",
    build: (ms) => excluding(firstWith(ms, (m) => wordsOf(m.subject).map((w) => `-subject:${w}`)[0])),
  },
  { term: "negated-unread", build: (ms) => excluding(firstWith(ms, (m) => (m.unread ? "-is:unread" : undefined))) },
];

/** Queries built from the run's listing of the inbox (InboxSample), which no check before them changes. */
export function searchChecks(): Check[] {
  return SEARCH_TERMS.map(({ term, build }) =>
    behaviour(
      `search.${term}`,
      "search.portable_terms, search.combining",
      `search results for a ${term} query built from a listed message satisfy it${term.startsWith("negated") ? " and leave that message out" : " and include that message"}`,
      async ({ client, config, inbox }) => {
        const messages = await inbox.messages();
        const built = build(messages);
        if (built === undefined)
          return skipped(`no message among the ${messages.length} newest in INBOX suits a ${term} query`);
        const parsed = parseSearchQuery(built.query);
        if (!parsed.ok)
          return skipped(
            `the query ${built.query} built from message ${built.source.id} is not portable: ${parsed.error.message}`,
          );
        const readsBody = queryReadsBody(parsed.query);
        const answer = await client.callTool("search_emails", {
          inbox_id: config.inbox,
          query: built.query,
          limit: readsBody ? BODY_RESULTS_JUDGED : 100,
        });
        const content = answer.result?.structuredContent as
          { messages?: ListedMessage[]; next_offset?: number | null } | undefined;
        if (answer.error !== undefined || answer.result?.isError === true || !Array.isArray(content?.messages))
          return failed(`search_emails "${built.query}" failed: ${describeAnswer(answer)}`, answer.exchange);
        const judged = await judgeResults(client, config.inbox, parsed.query, content.messages, readsBody);
        if (judged.wrong.length > 0)
          return failed(
            `"${built.query}" returned messages that do not satisfy it: ${judged.wrong.join(", ")}`,
            answer.exchange,
          );
        const found = content.messages.some((m) => m.id === built.source.id);
        if (built.sourceExcluded === true && found)
          return failed(`"${built.query}" returned message ${built.source.id}, which it excludes`, answer.exchange);
        if (built.sourceExcluded !== true && content.next_offset === null && !found)
          return failed(`"${built.query}" did not find message ${built.source.id} it was built from`, answer.exchange);
        const unjudged = judged.undecided > 0 ? `, ${judged.undecided} with truncated bodies not judged` : "";
        return passed(`"${built.query}": ${content.messages.length} results${unjudged}`);
      },
    ),
  );
}

/** The ids of results that break the query; a truncated body that does not match is undecided, not wrong. */
async function judgeResults(
  client: McpClient,
  inboxId: string,
  query: QueryNode,
  results: ListedMessage[],
  readsBody: boolean,
): Promise<{ wrong: string[]; undecided: number }> {
  const wrong: string[] = [];
  let undecided = 0;
  for (const message of results) {
    if (!readsBody) {
      if (!matchesQuery(query, { ...message, body: "" })) wrong.push(message.id);
      continue;
    }
    const answer = await client.callTool("read_email", {
      inbox_id: inboxId,
      message_id: message.id,
      mark_as_read: false,
    });
    const read = answer.result?.structuredContent as { body_text?: string; body_truncated?: boolean } | undefined;
    if (typeof read?.body_text !== "string") {
      wrong.push(`${message.id} (read_email failed: ${describeAnswer(answer)})`);
      continue;
    }
    if (matchesQuery(query, { ...message, body: read.body_text })) continue;
    if (read.body_truncated === true) undecided++;
    else wrong.push(message.id);
  }
  return { wrong, undecided };
}

function firstWith(messages: ListedMessage[], query: (m: ListedMessage) => string | undefined): BuiltQuery | undefined {
  for (const source of messages) {
    const built = query(source);
    if (built !== undefined) return { query: built, source };
  }
  return undefined;
}

function excluding(built: BuiltQuery | undefined): BuiltQuery | undefined {
  return built === undefined ? undefined : { ...built, sourceExcluded: true };
}

/** Words of three or more letters or digits that a query can carry bare. */
function wordsOf(text: string): string[] {
  return text.split(/\s+/).filter((w) => /^[\p{L}\p{N}]{3,}$/u.test(w) && !OPERATOR_WORDS.has(w.toLowerCase()));
}

/** Two neighbouring words of the subject, quoted. */
function phraseOf(subject: string): string | undefined {
  const words = subject.split(/\s+/);
  for (let i = 1; i < words.length; i++) {
    const [a, b] = [words[i - 1] ?? "", words[i] ?? ""];
    if (wordsOf(a).length === 1 && wordsOf(b).length === 1) return `"${a} ${b}"`;
  }
  return undefined;
}

function plain(address: string): boolean {
  return /^[^\s"()]+$/.test(address);
}

/** The UTC day of an ISO date, plus some days, as YYYY-MM-DD. */
function utcDay(iso: string, plusDays: number): string {
  return new Date(Date.parse(iso) + plusDays * 86_400_000).toISOString().slice(0, 10);
}
