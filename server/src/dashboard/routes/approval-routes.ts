// The approvals page: held sends, and an owner's approval (the send leaves now) or rejection (a
// cancellation, for a send in its undo window).
import type { FastifyInstance, FastifyReply } from "fastify";
import type { DashboardOptions } from "../dashboard-options.js";
import { keyLabels } from "../../auth/key-labels.js";
import { settledListing } from "../../send-approval/stalled-send.js";
import { isPage, memberPage, sendHtml, type MemberPage } from "../member-page.js";
import { approvalsPage } from "../views/approvals-page.js";

const LISTED_HOLDS = 100;
// The notices after a decision, asked for by name (never text from the URL), like member-page's.
const NOTICES: Record<string, string> = {
  sent: "Approved: the message was sent.",
  failed: "Approved, but the send failed: see the hold below.",
  rejected: "Rejected: nothing was sent.",
  cancelled: "Cancelled: nothing was sent.",
};

export async function approvalRoutes(app: FastifyInstance, options: DashboardOptions): Promise<void> {
  const { store } = options;

  const render = async (
    page: MemberPage,
    reply: FastifyReply,
    status = 200,
    extra?: { error?: string; notice?: string },
  ) => {
    const workspaceId = page.me.workspace.id;
    const [holds, keyLabel] = await Promise.all([
      store
        .listSendHolds(workspaceId, { limit: LISTED_HOLDS })
        .then((listed) => settledListing(store, listed, options.now())),
      keyLabels(store, workspaceId),
    ]);
    return sendHtml(
      reply,
      approvalsPage(page.frame("Approvals", "approvals", extra), {
        holds,
        keyLabel,
        canDecide: page.me.role === "owner",
      }),
      status,
    );
  };

  app.get<{ Querystring: { done?: string } }>("/dashboard/approvals", async (request, r) => {
    const page = await memberPage(options, request, r);
    if (!isPage(page)) return page;
    const notice = NOTICES[request.query.done ?? ""];
    return render(page, r, 200, notice === undefined ? undefined : { notice });
  });

  for (const decision of ["approve", "reject"] as const)
    app.post<{ Params: { id: string } }>(
      `/dashboard/approvals/:id/${decision}`,
      { preHandler: app.csrfProtection },
      async (request, r) => {
        const page = await memberPage(options, request, r);
        if (!isPage(page)) return page;
        if (page.me.role !== "owner")
          return render(page, r, 403, { error: "Only the workspace's owners approve or reject sends." });
        const decided = await options.sendApprovals[decision](
          page.me.workspace.id,
          request.params.id,
          page.me.user.email,
        );
        if (!decided.ok) return render(page, r, 409, { error: `Nothing was decided: ${decided.problem}.` });
        return r.redirect(`/dashboard/approvals?done=${decided.hold.status}`, 303);
      },
    );
}
