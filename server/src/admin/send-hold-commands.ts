// pnpm cli send-hold (decisions send-approval and undo-window): the sends a workspace holds, listed as
// JSON lines (never their content), and a person's decision on one: approve (it is sent now, through
// the same path as any send) or reject, which cancels one in its undo window (nothing is sent).
import type { Command } from "commander";
import { isWaiting, type SendApprovals } from "../send-approval/send-approvals.js";
import { settledListing } from "../send-approval/stalled-send.js";
import type { SendHold, Store } from "../store/store.js";
import { AdminInputError } from "./operations.js";

export interface SendHoldCommandDeps {
  theStore: () => Promise<Store>;
  approvals: () => Promise<SendApprovals>;
  out: (line: string) => void;
  need: (value: string | undefined, flag: string) => string;
}

const LISTED_HOLDS = 1_000;

/** A hold as listed and decided here: who asked, to whom, its state; the message itself stays sealed. */
function shown(hold: SendHold) {
  const { args: _sealedContent, ...rest } = hold;
  return rest;
}

export function addSendHoldCommands(program: Command, deps: SendHoldCommandDeps): void {
  const { theStore, approvals, out, need } = deps;
  const holds = program
    .command("send-hold")
    .description("sends held for a person's approval or in an undo window (send policy requireApproval, undoSeconds)");

  holds
    .command("list")
    .description("the workspace's holds as JSON lines, newest first")
    .option("--workspace <ID>", "the workspace (required)")
    .option("--pending", "only those still waiting: for approval, or in their undo window")
    .action(async (options: { workspace?: string; pending?: boolean }) => {
      const store = await theStore();
      const listed = await settledListing(
        store,
        await store.listSendHolds(need(options.workspace, "workspace"), { limit: LISTED_HOLDS }),
        new Date(),
      );
      for (const hold of listed) if (!options.pending || isWaiting(hold.status)) out(JSON.stringify(shown(hold)));
    });

  for (const [name, alias, description] of [
    [
      "approve",
      "send-now",
      "approve a held send (or end its undo window): it is sent now, checked against the policy in force now",
    ],
    ["reject", "cancel", "reject a held send, or cancel one in its undo window: nothing is sent"],
  ] as const)
    holds
      .command(name)
      .alias(alias)
      .description(description)
      .option("--workspace <ID>", "the workspace (required)")
      .option("--hold <HOLD_ID>", "the hold (required)")
      .option("--by <NAME>", "who decides, as the send log records it", "cli")
      .action(async (options: { workspace?: string; hold?: string; by: string }) => {
        const workspaceId = need(options.workspace, "workspace");
        const holdId = need(options.hold, "hold");
        const decided =
          name === "approve"
            ? await (await approvals()).approve(workspaceId, holdId, options.by)
            : await (await approvals()).reject(workspaceId, holdId, options.by);
        if (!decided.ok) throw new AdminInputError(`Nothing was decided: ${decided.problem}.`);
        out(JSON.stringify(shown(decided.hold)));
      });
}
