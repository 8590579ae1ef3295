// A tool called through /mcp on a test server's sandbox inbox, answered as the agent reads it: the
// structuredContent of a success, or the error result itself. Shared by the send tests.
import { dayPeriod, quotaCounter } from "../../src/limits/quotas.js";
import { parseSendPolicy, type SendPolicy } from "../../src/send-policy/send-policy.js";
import { post, toolCall, type TestServer } from "./test-server.js";

export type ToolAnswer = Record<string, unknown>;

export async function callTool(s: TestServer, name: string, args: ToolAnswer, key?: string): Promise<ToolAnswer> {
  const response = await post(s, toolCall(name, { inbox_id: s.inbox.id, ...args }), {
    revision: "2025-06-18",
    ...(key === undefined ? {} : { key }),
  });
  const result = (response.json as { result: ToolAnswer & { structuredContent?: ToolAnswer } }).result;
  return result.isError === true ? result : (result.structuredContent ?? {});
}

/** The subjects in the sandbox inbox's SENT, newest first. */
export async function sentSubjects(s: TestServer, key?: string): Promise<string[]> {
  const listed = await callTool(s, "list_inbox", { folder: "SENT", limit: 100 }, key);
  return (listed.messages as { subject: string }[]).map((message) => message.subject);
}

/** The workspace's sends counted against today's quota. */
export const sendsToday = (s: TestServer) =>
  s.store.quotaUsed(quotaCounter("sends_per_day", s.workspaceId, dayPeriod(new Date())), Date.now());

/** A policy from its fields (the rest open), through parseSendPolicy as every real caller gives it. */
export function sendPolicy(fields: Partial<SendPolicy>): SendPolicy {
  const parsed = parseSendPolicy(fields);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.policy;
}
