// /metrics tells who calls which tool how often: it is for the operator's scraper, not the internet.
// With MCPEMAILS_METRICS_TOKEN set it asks for that Bearer token; without it, it answers loopback only.
import { isIP } from "node:net";
import { bearerMatches } from "../auth/bearer-token.js";
import { isLoopback } from "../network/ip-ranges.js";

export function metricsRefusal(
  token: string | undefined,
  clientAddress: string,
  authorization: string | undefined,
): { status: 401 | 403; error: string } | undefined {
  if (token !== undefined)
    return bearerMatches(token, authorization)
      ? undefined
      : { status: 401, error: "/metrics needs Authorization: Bearer <MCPEMAILS_METRICS_TOKEN>." };
  if (isIP(clientAddress) !== 0 && isLoopback(clientAddress)) return undefined;
  return {
    status: 403,
    error: "/metrics answers this machine only; set MCPEMAILS_METRICS_TOKEN to scrape it from elsewhere.",
  };
}
