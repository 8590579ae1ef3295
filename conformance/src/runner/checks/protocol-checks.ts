// The transport and the JSON-RPC methods: initialize per revision, tools/list against the generated
// payload, ping, notifications, batches per revision, a foreign Origin, and the answers to
// malformed requests.
import { isDeepStrictEqual } from "node:util";
import { PROTOCOL_ERRORS, PROTOCOL_REVISIONS, REVISION_FEATURES, toolsListByRevision } from "@mcpemails/generated";
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
        if (answer.status !== 200 || result === undefined)
          return failed(`expected HTTP 200 with a result, got HTTP ${answer.status}`, answer.exchange);
        if (result.protocolVersion !== revision)
          return failed(
            `protocolVersion is ${JSON.stringify(result.protocolVersion)}, not ${revision}`,
            answer.exchange,
          );
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
        const answer = await client.request(
          "tools/list",
          {},
          { revision, headers: { "mcp-protocol-version": revision } },
        );
        const result = (answer.json as Message | undefined)?.result;
        const expected = (toolsListByRevision as Record<string, unknown>)[revision];
        if (result === undefined) return failed(`expected a result, got HTTP ${answer.status}`, answer.exchange);
        const { nextCursor: _cursor, ...comparable } = result;
        if (!isDeepStrictEqual(comparable, expected))
          return failed(`tools/list differs from the spec: ${firstDifference(expected, comparable)}`, answer.exchange);
        return passed();
      },
    });
  }
  checks.push(...batchChecks(), {
    id: "protocol.foreign-origin",
    stage: "protocol",
    specRef: "protocol_errors.transport_error, MCP Streamable HTTP: security (Origin)",
    description: `a request with an Origin the server does not allow gets HTTP 403 and ${PROTOCOL_ERRORS.transport_error.code}`,
    async run({ client }) {
      const answer = await client.request("ping", undefined, { headers: { origin: FOREIGN_ORIGIN } });
      const code = (answer.json as Message | undefined)?.error?.code;
      if (answer.status !== 403 || code !== PROTOCOL_ERRORS.transport_error.code)
        return failed(
          `expected HTTP 403 with error ${PROTOCOL_ERRORS.transport_error.code}, got HTTP ${answer.status} with ${JSON.stringify(code ?? null)}`,
          answer.exchange,
        );
      return passed();
    },
  });
  checks.push(
    {
      id: "protocol.ping",
      stage: "protocol",
      specRef: "transport.jsonrpc_methods",
      description: "ping answers an empty result",
      async run({ client }) {
        const answer = await client.request("ping");
        const result = (answer.json as Message | undefined)?.result;
        if (answer.status !== 200 || !isDeepStrictEqual(result, {}))
          return failed(`expected HTTP 200 with result {}, got HTTP ${answer.status}`, answer.exchange);
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
        if (answer.status !== 202 || answer.json !== undefined)
          return failed(`expected HTTP 202 and no body, got HTTP ${answer.status}`, answer.exchange);
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
          return failed(
            `expected error ${PROTOCOL_ERRORS.parse_error.code} with HTTP ${PROTOCOL_ERRORS.parse_error.httpStatus}, got ${JSON.stringify(code)} with HTTP ${answer.status}`,
            answer.exchange,
          );
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
        if (error?.code !== PROTOCOL_ERRORS.method_not_found.code)
          return failed(
            `expected error ${PROTOCOL_ERRORS.method_not_found.code}, got ${JSON.stringify(error?.code)}`,
            answer.exchange,
          );
        if ((error.data as { method?: unknown } | undefined)?.method !== method)
          return failed(`data.method should be ${method}`, answer.exchange);
        return passed();
      },
    },
  );
  return checks;
}

// A site no operator allows (RFC 2606 reserves .invalid): what a DNS-rebinding page would send.
const FOREIGN_ORIGIN = "https://conformance.invalid";

/**
 * A batch of ping and tools/list under each revision that the server can tell apart over HTTP:
 * 2025-03-26 (no MCP-Protocol-Version header) must answer both; the revisions with the header
 * forbid batches and must refuse one whole. 2024-11-05 sends no header either, so a server
 * without sessions cannot tell it from 2025-03-26, and it gets no check.
 */
function batchChecks(): Check[] {
  return PROTOCOL_REVISIONS.flatMap((revision): Check[] => {
    const features = REVISION_FEATURES[revision];
    const batch = [
      { jsonrpc: "2.0", id: "batch-1", method: "ping" },
      { jsonrpc: "2.0", id: "batch-2", method: "tools/list", params: {} },
    ];
    if (features.batches) {
      return [
        {
          id: `protocol.batch.${revision}`,
          stage: "protocol",
          specRef: "decisions.mcp-revision, REVISION_FEATURES.batches",
          description: `under ${revision} a JSON-RPC batch gets an array with an answer to each request`,
          async run({ client }) {
            const answer = await client.post(batch, { revision });
            const answers = answer.json as { id?: unknown; result?: unknown }[] | undefined;
            if (answer.status !== 200 || !Array.isArray(answers))
              return failed(`expected HTTP 200 with an array of answers, got HTTP ${answer.status}`, answer.exchange);
            for (const request of batch) {
              const reply = answers.find((a) => a.id === request.id);
              if (reply?.result === undefined)
                return failed(`the batch has no result for ${request.method} (id ${request.id})`, answer.exchange);
            }
            if (answers.length !== batch.length)
              return failed(`${batch.length} requests got ${answers.length} answers`, answer.exchange);
            return passed();
          },
        },
      ];
    }
    if (!features.protocolVersionHeader) return [];
    return [
      {
        id: `protocol.batch.${revision}`,
        stage: "protocol",
        specRef: "protocol_errors.invalid_request, REVISION_FEATURES.batches",
        description: `under ${revision}, which has no batches, a JSON-RPC batch is refused whole with HTTP ${PROTOCOL_ERRORS.invalid_request.httpStatus} and ${PROTOCOL_ERRORS.invalid_request.code}`,
        async run({ client }) {
          const answer = await client.post(batch, { revision });
          const message = answer.json as Message | Message[] | undefined;
          const code = Array.isArray(message) ? undefined : message?.error?.code;
          if (
            answer.status !== PROTOCOL_ERRORS.invalid_request.httpStatus ||
            code !== PROTOCOL_ERRORS.invalid_request.code
          ) {
            return failed(
              `expected HTTP ${PROTOCOL_ERRORS.invalid_request.httpStatus} with error ${PROTOCOL_ERRORS.invalid_request.code}, got HTTP ${answer.status} with ${Array.isArray(message) ? "an array of answers" : JSON.stringify(code ?? null)}`,
              answer.exchange,
            );
          }
          return passed();
        },
      },
    ];
  });
}
