// What the log records of a request.
import type { FastifyRequest, FastifyServerOptions } from "fastify";

/**
 * The log's view of a request: its path without the query string, which for an OAuth callback
 * carries the authorization code and the state.
 */
export function withPathOnlyRequests(logger: FastifyServerOptions["logger"]): FastifyServerOptions["logger"] {
  if (logger === undefined || logger === false) return false;
  const serializers = {
    req: (request: FastifyRequest) => ({
      method: request.method,
      url: request.url.split("?")[0],
      host: request.headers.host,
      remoteAddress: request.ip,
    }),
  };
  return { ...(logger === true ? {} : logger), serializers };
}
