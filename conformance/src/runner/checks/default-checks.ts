// Defaults the spec gives (tools.<tool>.input.<param>.default) observed, not assumed: a default
// limit can only be seen on an inbox with more messages than it, so the runner sends itself the
// difference when it may send to the inbox's own address, and otherwise says why it cannot judge.
import { toolInputSchemas } from "@mcpemails/generated/json-schemas";
import { failed, passed, skipped, type Check } from "../check.js";
import { listPage } from "../list-page.js";
import type { RunContext } from "../run-context.js";
import { ARRIVAL_TIMEOUT_MS, pollUntil } from "../send-fixture.js";
import { behaviour } from "./behaviour-check.js";

const DEFAULT_LIMIT = (toolInputSchemas.list_inbox.properties.limit as { default: number }).default;

export function defaultChecks(): Check[] {
  return [
    behaviour(
      "default-limit",
      "tools.list_inbox.input.limit",
      `list_inbox without limit returns ${DEFAULT_LIMIT} messages (the spec's default) when INBOX holds more`,
      async (context) => {
        const { client, config } = context;
        const held = await messagesInInbox(context, DEFAULT_LIMIT + 1);
        if (typeof held === "string") return skipped(held);
        const page = await listPage(client, { inbox_id: config.inbox });
        if (page.messages.length !== DEFAULT_LIMIT)
          return failed(
            `without limit, list_inbox returned ${page.messages.length} of the ${held} messages in INBOX; the default is ${DEFAULT_LIMIT}`,
          );
        if (page.next_offset !== DEFAULT_LIMIT)
          return failed(`without limit, next_offset is ${String(page.next_offset)}, not ${DEFAULT_LIMIT}`);
        return passed(`${DEFAULT_LIMIT} of ${held}`);
      },
    ),
  ];
}

/**
 * How many messages INBOX holds once it has at least `wanted`, sending the runner's own when it may
 * send to the inbox itself; otherwise (or if they never arrive) why the check cannot be judged.
 */
async function messagesInInbox({ client, config, sends }: RunContext, wanted: number): Promise<number | string> {
  const count = async () => (await listPage(client, { inbox_id: config.inbox, limit: 100 })).messages.length;
  const found = await count();
  if (found >= wanted) return found;
  const reason = `needs ${wanted} messages in INBOX to see the default at work, found ${found}`;
  if (sends.unavailable !== undefined)
    return `${reason}; with --allow-send --send-to <the inbox's own address> the runner sends itself the rest`;
  if (config.sendToInbox !== undefined && config.sendToInbox !== config.inbox)
    return `${reason}; --send-to delivers to another inbox, so the runner cannot add them here`;
  for (let i = found; i < wanted; i++) await sends.sendNew(`default limit ${i + 1}`);
  try {
    return await pollUntil(ARRIVAL_TIMEOUT_MS, `${wanted} messages in INBOX`, async () => {
      const now = await count();
      return now >= wanted ? now : undefined;
    });
  } catch {
    return `${reason}, and the ${wanted - found} the runner sent to ${config.sendTo ?? ""} did not arrive within ${ARRIVAL_TIMEOUT_MS / 1000} s: is --send-to the inbox's own address?`;
  }
}
