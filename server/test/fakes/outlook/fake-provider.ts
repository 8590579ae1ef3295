// An Outlook provider on a mailbox of the Graph fake, its tools called as the MCP layer calls them
// (arguments validated, defaults applied): what tests of one tool start from.
import { randomUUID } from "node:crypto";
import { inputValidators, type ToolArgs } from "@mcpemails/generated";
import { createOutlookProvider } from "../../../src/providers/outlook/outlook-provider.js";
import type { ClosableProvider } from "../../../src/providers/provider.js";
import type { InboxRecord } from "../../../src/store/store.js";
import { FAKE_MICROSOFT_APP, type GraphFakeSession } from "./fake-session.js";

export interface FakeOutlookInbox {
  provider: ClosableProvider;
  address: string;
  /** A tool's arguments from what a client sends, for this inbox. */
  args<T extends keyof ToolArgs>(tool: T, input: Record<string, unknown>): ToolArgs[T];
}

export async function fakeOutlookInbox(session: GraphFakeSession, address: string): Promise<FakeOutlookInbox> {
  const settings = await session.connect(address);
  const inbox = { id: randomUUID(), kind: "outlook", addresses: [address] } as InboxRecord;
  const provider = createOutlookProvider({
    inbox,
    settings,
    app: FAKE_MICROSOFT_APP,
    saveSettings: async () => undefined,
    sentCopyWaitMs: 2_000,
  });
  return {
    provider,
    address,
    args(tool, input) {
      const checked = inputValidators[tool]({ inbox_id: inbox.id, ...input });
      if (!checked.ok) throw new Error(`bad test arguments: ${checked.problem.message}`);
      return checked.value as ToolArgs[typeof tool];
    },
  };
}
