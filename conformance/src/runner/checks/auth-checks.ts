// Keys and scopes: a bad key is refused at the transport (HTTP 401, WWW-Authenticate, -32001); a
// key without a tool's scope gets scope_denied; an inbox the key cannot see is inbox_not_found.
import { randomUUID } from "node:crypto";
import { PROTOCOL_ERRORS, TOOL_NAMES, TOOL_SCOPES, TRANSPORT } from "@mcpemails/generated";
import { failed, passed, skipped, type Check, type Outcome } from "../check.js";
import type { Answer, PostOptions } from "../mcp-client.js";
import { MADE_UP_IDS, minimalArguments, realIds, type CallIds } from "../minimal-arguments.js";
import { describeAnswer } from "../answer-description.js";

const INVALID_API_KEY = PROTOCOL_ERRORS.invalid_api_key;

export function authChecks(): Check[] {
  const refused = (
    id: string,
    description: string,
    options: (config: { revokedToken?: string }) => PostOptions | string,
  ): Check => ({
    id,
    stage: "auth",
    specRef: "protocol_errors.invalid_api_key, decisions.bad-key-over-http",
    description,
    async run({ client, config }) {
      const chosen = options(config);
      if (typeof chosen === "string") return skipped(chosen);
      return expectUnauthorized(await client.request("tools/list", {}, chosen));
    },
  });
  const checks: Check[] = [
    refused("auth.no-key", "a request without Authorization gets HTTP 401, WWW-Authenticate and -32001", () => ({
      key: "none",
    })),
    refused(
      "auth.malformed-key",
      "a key that does not match the key pattern gets HTTP 401, WWW-Authenticate and -32001",
      () => ({ key: "malformed", rawAuthorization: "Bearer not-a-key" }),
    ),
    refused("auth.revoked-key", "a revoked key gets HTTP 401, WWW-Authenticate and -32001", (config) =>
      config.revokedToken === undefined ? "needs --revoked-token" : { key: "revoked-token" },
    ),
  ];
  for (const tool of TOOL_NAMES) {
    const scope = TOOL_SCOPES[tool];
    checks.push({
      id: `auth.scope.${tool}`,
      stage: "auth",
      specRef: `tools.${tool}.scope, errors.scope_denied`,
      description: `${tool} with a read:email-only key ${scope === "read:email" ? "is not scope_denied" : `is scope_denied naming ${scope}`}`,
      async run({ client, config, inbox }) {
        if (config.readOnlyToken === undefined) return skipped("needs --read-only-token");
        // A reply names a message id that cannot exist, so that even a server which skips the scope
        // check answers message_not_found instead of mailing a real sender.
        const ids = await realIds(inbox);
        const args = minimalArguments(tool, config.inbox, tool === "reply_to_email" ? MADE_UP_IDS : ids);
        if (scope !== "read:email") {
          // The scope check comes before anything is sent, so a conforming server sends nothing here;
          // the recipient is the --send-to address or a reserved domain that can never receive mail.
          const answer = await client.callTool(tool, args, { key: "read-only-token" });
          if (answer.result?.errorCode !== "scope_denied")
            return failed(`expected scope_denied, got ${describeAnswer(answer)}`, answer.exchange);
          if (answer.result.requiredScope !== scope)
            return failed(
              `requiredScope is ${JSON.stringify(answer.result.requiredScope)}, not ${scope}`,
              answer.exchange,
            );
          return passed();
        }
        const answer = await client.callTool(tool, args, { key: "read-only-token" });
        if (answer.result?.errorCode === "scope_denied" || answer.error !== undefined)
          return failed(`a read:email key was refused: ${describeAnswer(answer)}`, answer.exchange);
        const lacking = lackingId(tool, ids.real);
        if (lacking !== undefined)
          return passed(
            `the inbox has no ${lacking}, so ${tool} answered ${describeAnswer(answer)}, which is not scope_denied`,
          );
        return passed();
      },
    });
  }
  for (const tool of TOOL_NAMES.filter((t) => TOOL_SCOPES[t] === "read:email")) {
    checks.push({
      id: `auth.send-only-scope.${tool}`,
      stage: "auth",
      specRef: `tools.${tool}.scope, errors.scope_denied`,
      description: `${tool} with a send:email-only key is scope_denied naming read:email`,
      async run({ client, config, inbox }) {
        if (config.sendOnlyToken === undefined) return skipped("needs --send-only-token");
        const answer = await client.callTool(tool, minimalArguments(tool, config.inbox, await realIds(inbox)), {
          key: "send-only-token",
        });
        if (answer.result?.errorCode !== "scope_denied")
          return failed(`expected scope_denied, got ${describeAnswer(answer)}`, answer.exchange);
        if (answer.result.requiredScope !== "read:email")
          return failed(
            `requiredScope is ${JSON.stringify(answer.result.requiredScope)}, not read:email`,
            answer.exchange,
          );
        return passed();
      },
    });
  }
  for (const tool of TOOL_NAMES.filter((t) => TOOL_SCOPES[t] === "read:email")) {
    checks.push({
      id: `auth.foreign-inbox.${tool}`,
      stage: "auth",
      specRef: "errors.inbox_not_found",
      description: `${tool} on an inbox of another workspace (--foreign-inbox) is inbox_not_found`,
      async run({ client, config }) {
        if (config.foreignInbox === undefined) return skipped("needs --foreign-inbox: an inbox of another workspace");
        const answer = await client.callTool(tool, minimalArguments(tool, config.foreignInbox, MADE_UP_IDS));
        if (answer.result?.errorCode !== "inbox_not_found")
          return failed(`expected inbox_not_found, got ${describeAnswer(answer)}`, answer.exchange);
        return passed();
      },
    });
  }
  checks.push({
    id: "auth.unknown-inbox",
    stage: "auth",
    specRef: "errors.inbox_not_found",
    description: "list_inbox on a random inbox UUID is inbox_not_found",
    async run({ client }) {
      const answer = await client.callTool("list_inbox", { inbox_id: randomUUID() });
      if (answer.result?.errorCode !== "inbox_not_found")
        return failed(`expected inbox_not_found, got ${describeAnswer(answer)}`, answer.exchange);
      return passed();
    },
  });
  return checks;
}

/** What the tool's arguments name that the inbox turned out not to have, if anything. */
function lackingId(tool: string, real: Record<keyof CallIds, boolean>): string | undefined {
  if (tool === "read_email" && !real.message) return "message";
  if (tool === "get_thread" && !real.thread) return "message with a thread_id";
  if (tool === "get_attachment" && !real.attachment) return "message with an attachment";
  return undefined;
}

function expectUnauthorized(answer: Answer): Outcome {
  const code = (answer.json as { error?: { code?: unknown } } | undefined)?.error?.code;
  const challenge = answer.headers.get("www-authenticate");
  if (answer.status !== INVALID_API_KEY.httpStatus)
    return failed(`expected HTTP ${INVALID_API_KEY.httpStatus}, got ${answer.status}`, answer.exchange);
  if (challenge === null || !challenge.startsWith(TRANSPORT.auth.scheme))
    return failed(
      `expected a WWW-Authenticate: ${TRANSPORT.auth.scheme} header, got ${JSON.stringify(challenge)}`,
      answer.exchange,
    );
  if (code !== INVALID_API_KEY.code)
    return failed(`expected JSON-RPC error ${INVALID_API_KEY.code}, got ${JSON.stringify(code)}`, answer.exchange);
  return passed();
}
