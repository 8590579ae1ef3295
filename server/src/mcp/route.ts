// POST /mcp: MCP Streamable HTTP without sessions. JSON responses, or an SSE stream when the
// client accepts only that; GET and DELETE answer 405 (no sessions, no server-initiated stream).
import {
  invalidApiKey,
  invalidRequest,
  parseError,
  REVISION_FEATURES,
  TRANSPORT,
  transportError,
  type JsonRpcError,
} from "@mcpemails/generated";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { authenticate } from "../auth/authenticate.js";
import type { ServerCaller } from "../tools/tool-handlers.js";
import { createConfigCache, type ConfigReads } from "../store/config-cache.js";
import { rateWindowsOf, type RateWindows } from "../limits/rate-limit.js";
import { answerBatch, answerOne } from "./answer-messages.js";
import { readBodyShape } from "./body-shape.js";
import { refuseByShape } from "./refuse-by-shape.js";
import { storeFailed, type RequestDeps } from "./handle-request.js";
import { errorResponse, classify } from "./jsonrpc.js";
import { checkOrigin, type OriginPolicy } from "./origin-guard.js";
import { revisionFromHeader } from "./revision.js";
import { handleStatelessMessage, statelessBatchRefused } from "./handle-stateless-request.js";
import { speaksStatelessRevision } from "./stateless-envelope.js";

export interface McpRouteOptions extends RequestDeps {
  originPolicy: OriginPolicy;
}

function sendError(
  reply: FastifyReply,
  status: number,
  error: JsonRpcError,
  headers: Record<string, string> = {},
): FastifyReply {
  return reply.code(status).headers(headers).type("application/json").send(errorResponse(null, error));
}

function wantsStreamOnly(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  return accept.includes("text/event-stream") && !accept.includes("application/json") && !accept.includes("*/*");
}

function acceptsNeither(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === "") return false;
  return !/application\/json|text\/event-stream|\*\/\*|application\/\*/.test(accept);
}

export async function mcpRoute(app: FastifyInstance, options: McpRouteOptions): Promise<void> {
  // Bodies are parsed here rather than by Fastify, so that bad JSON is a JSON-RPC -32700; and
  // JSON is the only content type, so that text/plain is a 415 rather than a parse error.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    "application/json",
    { parseAs: "string", bodyLimit: TRANSPORT.max_body_bytes },
    (_request, body, done) => done(null, body),
  );

  const cache = createConfigCache(options.store);

  app.addHook("onRequest", async (request, reply) => {
    const refused = checkOrigin(options.originPolicy, request.headers.host, request.headers.origin);
    if (refused) return sendError(reply, 403, transportError(refused));
    // With the OAuth authorization server, a 401 names its metadata (RFC 9728 §5.1) and a token is
    // only ever read from the Authorization header (RFC 6750 §2.3 is not supported).
    const resource = app.protectedResource;
    const challenge =
      resource === undefined
        ? TRANSPORT.auth.www_authenticate
        : `Bearer realm="mcpemails", resource_metadata="${resource.metadataUrlOf(request)}"${
            request.headers.authorization ? ', error="invalid_token"' : ""
          }`;
    if (resource !== undefined && new URLSearchParams(request.url.split("?")[1] ?? "").has("access_token"))
      return sendError(
        reply,
        401,
        invalidApiKey("A token in the URL is never accepted: send it as Authorization: Bearer <token>."),
        { "www-authenticate": challenge },
      );
    let auth: Awaited<ReturnType<typeof authenticate>>;
    let reads: ConfigReads;
    try {
      reads = await cache.reads();
      auth = await authenticate(options.store, request.headers.authorization, options.now(), {
        resource: resource?.resourceOf(request),
        reads,
        cache,
      });
    } catch (error) {
      request.log.error({ err: error }, "API key check failed");
      return sendError(reply, 500, storeFailed("the API key could not be checked"));
    }
    if (!auth.ok) return sendError(reply, 401, invalidApiKey(auth.reason), { "www-authenticate": challenge });
    request.caller = auth.caller;
    request.reads = reads;
    request.rateWindows = rateWindowsOf(auth.workspace, options.rateWindows);
  });

  app.get(TRANSPORT.endpoint, async (_request, reply) =>
    sendError(
      reply,
      405,
      transportError(
        "Method not allowed: this server uses no sessions and sends no server-initiated stream; POST JSON-RPC messages.",
      ),
      { allow: "POST" },
    ),
  );
  app.delete(TRANSPORT.endpoint, async (_request, reply) =>
    sendError(reply, 405, transportError("Method not allowed: this server uses no sessions."), { allow: "POST" }),
  );

  app.post(TRANSPORT.endpoint, async (request: FastifyRequest, reply: FastifyReply) => {
    if (acceptsNeither(request.headers.accept))
      return sendError(reply, 406, transportError("Not Acceptable: accept application/json or text/event-stream."));
    const text = request.body as string;
    const refused = refuseByShape(
      readBodyShape(text, { maxBatchLength: TRANSPORT.max_batch_length, maxDepth: TRANSPORT.max_json_depth }),
    );
    if (refused) return reply.code(refused.status).type("application/json").send(refused.response);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      return sendError(reply, 400, parseError(`Parse error: ${(error as Error).message}`));
    }
    if (Array.isArray(body) && body.some((element) => speaksStatelessRevision(request.headers, element)))
      return reply.code(400).type("application/json").send(statelessBatchRefused());
    if (!Array.isArray(body) && speaksStatelessRevision(request.headers, body)) {
      const { caller, reads, rateWindows } = request;
      if (!caller || !reads || !rateWindows) throw new Error("onRequest hook did not authenticate");
      const signal = abortOnClientGone(reply);
      const answer = await handleStatelessMessage(
        body,
        request.headers,
        { caller, reads, rateWindows, signal },
        options,
      );
      if (answer.response === undefined) return reply.code(202).send();
      return sendAnswers(reply, request.headers.accept, answer.status, [JSON.stringify(answer.response)], false);
    }
    const messages = Array.isArray(body) ? body : [body];
    const isInitialize = messages.some((m) => (m as { method?: unknown } | null)?.method === "initialize");
    const header = revisionFromHeader(request.headers["mcp-protocol-version"]);
    if (!header.ok && !isInitialize) return sendError(reply, 400, transportError(header.message));
    const revision = header.ok ? header.revision : "2025-03-26";
    if (Array.isArray(body)) {
      if (body.length === 0) return sendError(reply, 400, invalidRequest("Invalid Request: an empty batch."));
      if (!REVISION_FEATURES[revision].batches || isInitialize)
        return sendError(
          reply,
          400,
          invalidRequest(
            `Invalid Request: MCP ${revision} does not allow JSON-RPC batches${isInitialize ? " with initialize" : ""}.`,
          ),
        );
    }

    const { caller, reads, rateWindows } = request;
    if (!caller || !reads || !rateWindows) throw new Error("onRequest hook did not authenticate");
    const context = { caller, reads, rateWindows, revision, signal: abortOnClientGone(reply) };
    const answers = Array.isArray(body)
      ? await answerBatch(body, context, options)
      : await answerOne(classify(body), context, options);
    if (answers.length === 0) return reply.code(202).send();
    return sendAnswers(reply, request.headers.accept, 200, answers, Array.isArray(body));
  });
}

/** A signal that fires when the client goes away before its answer is written: work only it waited for stops. */
function abortOnClientGone(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.on("close", () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}

function sendAnswers(
  reply: FastifyReply,
  accept: string | undefined,
  status: number,
  answers: string[],
  asBatch: boolean,
): FastifyReply {
  if (wantsStreamOnly(accept)) {
    reply.code(status).header("content-type", "text/event-stream").header("cache-control", "no-cache");
    return reply.send(answers.map((answer) => `event: message\ndata: ${answer}\n\n`).join(""));
  }
  return reply
    .code(status)
    .type("application/json")
    .send(asBatch ? `[${answers.join(",")}]` : answers[0]);
}

declare module "fastify" {
  interface FastifyRequest {
    /** Set by the /mcp onRequest hook once the API key is known. */
    caller?: ServerCaller;
    /** The reads of keys, workspaces and inboxes for this request (config-cache.ts). */
    reads?: ConfigReads;
    /** The caller's rate windows: its workspace's override, else the server's. */
    rateWindows?: RateWindows;
  }
}
