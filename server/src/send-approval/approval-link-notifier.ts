// Emails a workspace's owners when a send is held for their approval (decision send-approval): a
// plain-text notice with a signed one-time link (approval-link-token.ts) to /approve?token=…, where
// the hold is shown and decided. Sent in the background: the agent's call never waits for the relay,
// and a failure is logged (without the link, which is a credential) and nothing else.
import type { FastifyBaseLogger } from "fastify";
import { keyLabels } from "../auth/key-labels.js";
import type { SendHold, Store } from "../store/store.js";
import type { SystemMailer } from "../system-mail/system-mailer.js";
import { composeApprovalNotice } from "./approval-link-notice.js";
import { APPROVAL_LINK_LIFETIME_MS, signApprovalLink } from "./approval-link-token.js";

export interface ApprovalLinkNotifierOptions {
  store: Store;
  mailer: SystemMailer;
  secretKey: Buffer;
  /** The dashboard's public URL (MCPEMAILS_PUBLIC_URL): the link must open from the owner's mail client. */
  publicUrl: string;
  now: () => Date;
  log: FastifyBaseLogger;
}

/** The path an emailed approval link opens (a query, not a path parameter: a token outgrows Fastify's 100-character parameters). */
export const approvalLinkPath = (token: string) => `/approve?token=${token}`;

export function createApprovalLinkNotifier(options: ApprovalLinkNotifierOptions): (hold: SendHold) => void {
  const { store, mailer, secretKey, now, log } = options;
  const notify = async (hold: SendHold) => {
    const members = await store.listMembersOfWorkspace(hold.workspaceId);
    const owners = await Promise.all(
      members.filter((member) => member.role === "owner").map((member) => store.getUser(member.userId)),
    );
    const to = owners.flatMap((user) => (user === undefined ? [] : [user.email]));
    if (to.length === 0) return;
    const expiresAt = new Date(now().getTime() + APPROVAL_LINK_LIFETIME_MS);
    const token = signApprovalLink(secretKey, {
      workspaceId: hold.workspaceId,
      holdId: hold.id,
      expiresAtMs: expiresAt.getTime(),
    });
    const [inbox, keyLabel] = await Promise.all([store.getInbox(hold.inboxId), keyLabels(store, hold.workspaceId)]);
    const notice = composeApprovalNotice({
      hold,
      inboxAddress: inbox?.addresses[0] ?? hold.inboxId,
      keyLabel: keyLabel(hold.keyId),
      link: `${options.publicUrl.replace(/\/$/u, "")}${approvalLinkPath(token)}`,
      expiresAt,
    });
    await mailer.send({ to, ...notice });
  };
  return (hold) => {
    notify(hold).catch((error: unknown) =>
      log.warn(
        { holdId: hold.id, error: error instanceof Error ? error.name : "unknown" },
        "the approval notice was not sent",
      ),
    );
  };
}
