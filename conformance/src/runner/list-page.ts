// One page of list_inbox, as every check that lists takes it: a failure or a page the output
// schema does not accept fails the calling check at once, with the exchange.
import { CheckFailure } from "./check.js";
import type { ListPage } from "./inbox-sample.js";
import type { McpClient } from "./mcp-client.js";
import { validateOutput } from "./output-validation.js";

/** list_inbox that must succeed with a page the output schema accepts; anything else fails the calling check with the exchange. */
export async function listPage(client: McpClient, args: Record<string, unknown>): Promise<ListPage> {
  const answer = await client.callTool("list_inbox", args);
  const content = answer.result?.structuredContent as ListPage | undefined;
  if (answer.result?.isError === true || content === undefined || !Array.isArray(content.messages)) {
    throw new CheckFailure(`list_inbox ${JSON.stringify(args)} did not return a page of messages`, answer.exchange);
  }
  const problem = validateOutput("list_inbox", content);
  if (problem !== undefined)
    throw new CheckFailure(`list_inbox's structuredContent breaks the output schema: ${problem}`, answer.exchange);
  return content;
}
