// The bounds a request is held to (spec transport and decision request-bounds): the body size, the
// batch length and the JSON nesting depth, each at the limit and just past it.
import { PROTOCOL_ERRORS, PROTOCOL_REVISIONS, REVISION_FEATURES, TRANSPORT } from "@mcpemails/generated";
import { failed, passed, type Check, type Outcome } from "../check.js";
import { ServerUnreachable, type Answer } from "../mcp-client.js";

type Message = { id?: unknown; result?: unknown; error?: { code?: unknown; data?: unknown } };

const PING = { jsonrpc: "2.0", id: "bounds-ping", method: "ping" };
const OVER_LIMIT_ATTEMPTS = 3;

export function requestBoundsChecks(): Check[] {
  return [...bodySizeChecks(), ...batchLengthChecks(), ...jsonDepthChecks()];
}

function bodySizeChecks(): Check[] {
  const limit = TRANSPORT.max_body_bytes;
  const tooLarge = PROTOCOL_ERRORS.request_too_large;
  return [
    {
      id: "protocol.body-size.at-limit",
      stage: "protocol",
      specRef: "transport.max_body_bytes",
      description: `a ping padded with whitespace to exactly ${limit} bytes is answered`,
      async run({ client }) {
        const answer = await client.post(paddedTo(JSON.stringify(PING), limit));
        const message = answer.json as Message | undefined;
        if (answer.status !== 200 || message?.result === undefined)
          return failed(`expected HTTP 200 with a result, got ${describe(answer)}`, answer.exchange);
        return passed();
      },
    },
    {
      id: "protocol.body-size.over-limit",
      stage: "protocol",
      specRef: "transport.max_body_bytes, protocol_errors.request_too_large",
      description: `a body of ${limit + 1} bytes gets HTTP ${tooLarge.httpStatus} and ${tooLarge.code} with data.limitBytes ${limit}`,
      async run({ client }) {
        // A server may answer 413 and close the connection before the whole body has arrived (HTTP
        // allows it, Fastify and nginx do it); the client then fails to write the rest, and may lose
        // the answer. A few attempts see it.
        let lastFailure = "";
        for (let attempt = 1; attempt <= OVER_LIMIT_ATTEMPTS; attempt++) {
          let answer: Answer;
          try {
            answer = await client.post(paddedTo(JSON.stringify(PING), limit + 1));
          } catch (error) {
            if (!(error instanceof ServerUnreachable)) throw error;
            lastFailure = error.message;
            continue;
          }
          return expectError(answer, tooLarge, (data) =>
            (data as { limitBytes?: unknown } | undefined)?.limitBytes === limit
              ? undefined
              : `data.limitBytes should be ${limit}`,
          );
        }
        return failed(
          `no answer in ${OVER_LIMIT_ATTEMPTS} attempts: the connection closed while the body was sent (${lastFailure})`,
        );
      },
    },
  ];
}

function batchLengthChecks(): Check[] {
  const limit = TRANSPORT.max_batch_length;
  const pings = (count: number) =>
    Array.from({ length: count }, (_, index) => ({ jsonrpc: "2.0", id: `bounds-${index}`, method: "ping" }));
  return PROTOCOL_REVISIONS.filter((revision) => REVISION_FEATURES[revision].batches).flatMap((revision): Check[] => [
    {
      id: `protocol.batch-length.at-limit.${revision}`,
      stage: "protocol",
      specRef: "transport.max_batch_length",
      description: `under ${revision} a batch of ${limit} pings gets ${limit} answers`,
      async run({ client }) {
        const answer = await client.post(pings(limit), { revision });
        const answers = answer.json;
        if (answer.status !== 200 || !Array.isArray(answers))
          return failed(`expected HTTP 200 with an array of answers, got ${describe(answer)}`, answer.exchange);
        const answered = (answers as Message[]).filter((a) => a.result !== undefined).length;
        if (answered !== limit) return failed(`${limit} pings got ${answered} results`, answer.exchange);
        return passed();
      },
    },
    {
      id: `protocol.batch-length.over-limit.${revision}`,
      stage: "protocol",
      specRef: "transport.max_batch_length, protocol_errors.invalid_request",
      description: `under ${revision} a batch of ${limit + 1} elements is refused whole with ${PROTOCOL_ERRORS.invalid_request.code}`,
      async run({ client }) {
        return expectError(await client.post(pings(limit + 1), { revision }), PROTOCOL_ERRORS.invalid_request);
      },
    },
  ]);
}

function jsonDepthChecks(): Check[] {
  // Twice the limit: past it whichever way a server counts the envelope's own levels.
  const depth = 2 * TRANSPORT.max_json_depth;
  return [
    {
      id: "protocol.json-depth.arguments",
      stage: "protocol",
      specRef: "transport.max_json_depth, protocol_errors.invalid_params",
      description: `tool arguments nested ${depth} levels deep get ${PROTOCOL_ERRORS.invalid_params.code} with rule max_depth`,
      async run({ client, config }) {
        const answer = await client.request("tools/call", {
          name: "list_inbox",
          arguments: { inbox_id: config.inbox, folder: nested(depth) },
        });
        return expectError(answer, PROTOCOL_ERRORS.invalid_params, (data) =>
          (data as { rule?: unknown } | undefined)?.rule === "max_depth" ? undefined : "data.rule should be max_depth",
        );
      },
    },
    {
      id: "protocol.json-depth.envelope",
      stage: "protocol",
      specRef: "transport.max_json_depth, protocol_errors.invalid_request",
      description: `a ping whose params._meta is nested ${depth} levels deep gets ${PROTOCOL_ERRORS.invalid_request.code}`,
      async run({ client }) {
        const answer = await client.request("ping", { _meta: { deep: nested(depth) } });
        return expectError(answer, PROTOCOL_ERRORS.invalid_request);
      },
    },
  ];
}

/** Built as text: a value this deep would overflow the stack of a recursive JSON.stringify elsewhere. */
function nested(depth: number): unknown {
  return JSON.parse(`${"[".repeat(depth)}${"]".repeat(depth)}`);
}

function paddedTo(json: string, bytes: number): string {
  return json + " ".repeat(bytes - Buffer.byteLength(json));
}

function expectError(
  answer: Answer,
  error: { code: number; httpStatus: number },
  checkData: (data: unknown) => string | undefined = () => undefined,
): Outcome {
  const message = answer.json as Message | Message[] | undefined;
  const got = Array.isArray(message) ? undefined : message?.error;
  if (answer.status !== error.httpStatus || got?.code !== error.code)
    return failed(
      `expected HTTP ${error.httpStatus} with error ${error.code}, got ${describe(answer)}`,
      answer.exchange,
    );
  const problem = checkData(got.data);
  return problem === undefined ? passed() : failed(problem, answer.exchange);
}

function describe(answer: Answer): string {
  const message = answer.json as Message | Message[] | undefined;
  if (Array.isArray(message)) return `HTTP ${answer.status} with an array of ${message.length} answers`;
  const code = message?.error?.code;
  return `HTTP ${answer.status}${code === undefined ? "" : ` with error ${JSON.stringify(code)}`}`;
}
