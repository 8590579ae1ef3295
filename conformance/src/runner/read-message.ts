// One read_email, as every check that reads takes it: a failure or structuredContent the output
// schema does not accept fails the calling check at once, with the exchange.
import type { ReadEmailOutput } from "@mcpemails/generated";
import { CheckFailure } from "./check.js";
import { describeAnswer } from "./answer-description.js";
import type { Exchange } from "./exchange.js";
import type { McpClient } from "./mcp-client.js";
import { validateOutput } from "./output-validation.js";

/** read_email that must succeed with structuredContent the output schema accepts; anything else fails the calling check. */
export async function readMessage(
  client: McpClient,
  inboxId: string,
  messageId: string,
  markAsRead: boolean | undefined,
  include: { include_html?: boolean; include_attachments?: boolean } = {},
): Promise<{ content: ReadEmailOutput; exchange: Exchange }> {
  const answer = await client.callTool("read_email", {
    inbox_id: inboxId,
    message_id: messageId,
    ...(markAsRead === undefined ? {} : { mark_as_read: markAsRead }),
    ...include,
  });
  if (answer.error !== undefined || answer.result?.isError === true)
    throw new CheckFailure(`read_email of message ${messageId} failed: ${describeAnswer(answer)}`, answer.exchange);
  const problem = validateOutput("read_email", answer.result?.structuredContent);
  if (problem !== undefined)
    throw new CheckFailure(`read_email's structuredContent breaks the output schema: ${problem}`, answer.exchange);
  return { content: answer.result?.structuredContent as ReadEmailOutput, exchange: answer.exchange };
}
