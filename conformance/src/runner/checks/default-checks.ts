// Defaults the spec gives (tools.<tool>.input.<param>.default) observed, not assumed: a default
// limit can only be seen on an inbox with more messages than it. The check runs after the
// boundary cases and properties, whose sends usually leave --send-to's inbox with enough; it
// judges the inbox under test when it holds enough, else the inbox it can fill (the inbox under
// test when --send-to is its own address, else --send-to-inbox), sending the rest itself, and
// otherwise says why it cannot judge.
import { toolInputSchemas } from "@mcpemails/generated/json-schemas";
import { failed, passed, skipped, type Check } from "../check.js";
import { listPage } from "../list-page.js";
import type { RunContext } from "../run-context.js";
import { ARRIVAL_TIMEOUT_MS, pollUntil } from "../send-fixture.js";
import { behaviour } from "./behaviour-check.js";

const DEFAULT_LIMIT = (toolInputSchemas.list_inbox.properties.limit as { default: number }).default;

export function defaultChecks(): Check[] {
  return [
    {
      ...behaviour(
        "default-limit",
        "tools.list_inbox.input.limit",
        `list_inbox without limit returns ${DEFAULT_LIMIT} messages (the spec's default) when the inbox holds more`,
        async (context) => {
          const held = await inboxHolding(context, DEFAULT_LIMIT + 1);
          if (typeof held === "string") return skipped(held);
          const page = await listPage(context.client, { inbox_id: held.inbox });
          if (page.messages.length !== DEFAULT_LIMIT)
            return failed(
              `without limit, list_inbox returned ${page.messages.length} of the ${held.count} messages in ${held.name}; the default is ${DEFAULT_LIMIT}`,
            );
          if (page.next_offset !== DEFAULT_LIMIT)
            return failed(`without limit, next_offset is ${String(page.next_offset)}, not ${DEFAULT_LIMIT}`);
          return passed(`${DEFAULT_LIMIT} of ${held.count} in ${held.name}`);
        },
      ),
      // Its listings (INBOX, the inbox it can fill, the page without limit), after the properties: they leave it these.
      plan: { reserved: 3 },
    },
  ];
}

/**
 * An inbox holding at least `wanted` messages: the inbox under test if it does, else the one the
 * runner's sends reach, once it has sent the rest; or why there is none.
 */
async function inboxHolding(
  { client, config, sends }: RunContext,
  wanted: number,
): Promise<{ inbox: string; name: string; count: number } | string> {
  const count = async (inbox: string) => (await listPage(client, { inbox_id: inbox, limit: 100 })).messages.length;
  const found = await count(config.inbox);
  if (found >= wanted) return { inbox: config.inbox, name: "INBOX", count: found };
  const reason = `needs ${wanted} messages in an inbox to see the default at work; INBOX holds ${found}`;
  if (sends.unavailable !== undefined)
    return `${reason}; with --allow-send --send-to the runner sends the rest itself, to the inbox's own address or to --send-to-inbox`;
  const target = config.sendToInbox ?? config.inbox;
  const name = target === config.inbox ? "INBOX" : "--send-to-inbox";
  const there = target === config.inbox ? found : await count(target);
  if (there >= wanted) return { inbox: target, name, count: there };
  for (let i = there; i < wanted; i++) await sends.sendNew(`default limit ${i + 1}`);
  try {
    return await pollUntil(ARRIVAL_TIMEOUT_MS, `${wanted} messages in ${name}`, async () => {
      const now = await count(target);
      return now >= wanted ? { inbox: target, name, count: now } : undefined;
    });
  } catch {
    return `${reason}, and the ${wanted - there} the runner sent to ${config.sendTo ?? ""} did not reach ${name} within ${ARRIVAL_TIMEOUT_MS / 1000} s: is --send-to-inbox the inbox of --send-to (or, without it, --send-to the inbox's own address)?`;
  }
}
