// The transport and the JSON-RPC methods: initialize per revision, tools/list against the generated
// payload, ping, notifications, and the answers to malformed requests.
import { isDeepStrictEqual } from "node:util";
import { PROTOCOL_ERRORS, PROTOCOL_REVISIONS, toolsListByRevision } from "@mcpemails/generated";
import { failed, passed, type Check } from "../check.js";
import { initializeParams } from "../mcp-client.js";
import { firstDifference } from "../first-difference.js";

type Message = { result?: Record<string, unknown>; error?: { code?: unknown; data?: unknown } };

export function protocolChecks(): Check[] {
  const checks: Check[] = [];
  for (const revision of PROTOCOL_REVISIONS) {
    checks.push({
      id: `protocol.initialize.${revision}`,
      stage: "protocol",
      specRef: "decisions.mcp-revision",
      description: `initialize with protocolVersion ${revision} is accepted and answered with that revision`,
      async run({ client }) {
        const answer = await client.request("initialize", initializeParams(revision), { revision });
        const result = (answer.json as Message | undefined)?.result;
        if (answer.status !== 200 || result === undefined) return failed(`expected HTTP 200 with a result, got HTTP ${answer.status}`, answer.exchange);
        if (result.protocolVersion !== revision) return failed(`protocolVersion is ${JSON.stringify(result.protocolVersion)}, not ${revision}`, answer.exchange);
        const capabilities = result.capabilities as { tools?: unknown } | undefined;
        if (capabilities?.tools === undefined) return failed("capabilities.tools is missing", answer.exchange);
        return passed();
      },
    });
    checks.push({
      id: `protocol.tools-list.${revision}`,
      stage: "protocol",
      specRef: `generated/json/tools-list.${revision}.json`,
      description: `tools/list under ${revision} equals the generated payload (names, schemas, annotations)`,
      async run({ client }) {
        // A server without sessions learns the revision only from MCP-Protocol-Version (a request
        // without it is 2025-03-26), so the header is sent even for the revisions that predate it.
        const answer = await client.request("tools/list", {}, { revision, headers: { "mcp-protocol-version": revision } });
        const result = (answer.json as Message | undefined)?.result;
        const expected = (toolsListByRevision as Record<string, unknown>)[revision];
        if (result === undefined) return failed(`expected a result, got HTTP ${answer.status}`, answer.exchange);
        const { nextCursor: _cursor, ...comparable } = result;
        if (!isDeepStrictEqual(comparable, expected)) return failed(`tools/list differs from the spec: ${firstDifference(expected, comparable)}`, answer.exchange);
        return passed();
      },
    });
  }
  checks.push(
    {
      id: "protocol.ping",
      stage: "protocol",
      specRef: "transport.jsonrpc_methods",
      description: "ping answers an empty result",
      async run({ client }) {
        const answer = await client.request("ping");
        const result = (answer.json as Message | undefined)?.result;
        if (answer.status !== 200 || !isDeepStrictEqual(result, {})) return failed(`expected HTTP 200 with result {}, got HTTP ${answer.status}`, answer.exchange);
        return passed();
      },
    },
    {
      id: "protocol.notification-accepted",
      stage: "protocol",
      specRef: "MCP Streamable HTTP: notifications",
      description: "a notification is answered HTTP 202 with no body",
      async run({ client }) {
        const answer = await client.post({ jsonrpc: "2.0", method: "notifications/initialized" });
        if (answer.status !== 202 || answer.json !== undefined) return failed(`expected HTTP 202 and no body, got HTTP ${answer.status}`, answer.exchange);
        return passed();
      },
    },
    {
      id: "protocol.parse-error",
      stage: "protocol",
      specRef: "protocol_errors.parse_error",
      description: `a body that is not JSON gets ${PROTOCOL_ERRORS.parse_error.code} with HTTP ${PROTOCOL_ERRORS.parse_error.httpStatus}`,
      async run({ client }) {
        const answer = await client.post('{"jsonrpc": "2.0", "id": 1, "method": ');
        const code = (answer.json as Message | undefined)?.error?.code;
        if (code !== PROTOCOL_ERRORS.parse_error.code || answer.status !== PROTOCOL_ERRORS.parse_error.httpStatus) {
          return failed(`expected error ${PROTOCOL_ERRORS.parse_error.code} with HTTP ${PROTOCOL_ERRORS.parse_error.httpStatus}, got ${JSON.stringify(code)} with HTTP ${answer.status}`, answer.exchange);
        }
        return passed();
      },
    },
    {
      id: "protocol.method-not-found",
      stage: "protocol",
      specRef: "protocol_errors.method_not_found",
      description: `an unknown method gets ${PROTOCOL_ERRORS.method_not_found.code} naming it in data.method`,
      async run({ client }) {
        const method = "conformance/no-such-method";
        const answer = await client.request(method, {});
        const error = (answer.json as Message | undefined)?.error;
        if (error?.code !== PROTOCOL_ERRORS.method_not_found.code) return failed(`expected error ${PROTOCOL_ERRORS.method_not_found.code}, got ${JSON.stringify(error?.code)}`, answer.exchange);
        if ((error.data as { method?: unknown } | undefined)?.method !== method) return failed(`data.method should be ${method}`, answer.exchange);
        return passed();
      },
    },
  );
  return checks;
}
