// /approve?token=…: the emailed one-time approval link (approval-link-notifier.ts). The signed token
// is the credential, so no session is needed; it names one hold of one workspace until it expires,
// and decideSendHold lets a hold be decided once. GET only shows the hold (scanners fetch links);
// the POST decides. Nothing here is cached or sent on as a Referer: the URL carries the token.
import type { FastifyInstance, FastifyReply } from "fastify";
import { approvalLinkPath } from "../../send-approval/approval-link-notifier.js";
import { openApprovalLink, type ApprovalLinkProblem } from "../../send-approval/approval-link-token.js";
import type { DashboardOptions } from "../dashboard-options.js";
import { sendHtml } from "../member-page.js";
import { approvalLinkPage } from "../views/approval-link-page.js";
import { errorPage } from "../views/error-page.js";

const PROBLEMS: Record<ApprovalLinkProblem, string> = {
  malformed: "This approval link is not complete: copy the whole link from the email.",
  tampered: "This approval link is not one this server signed; nothing was done.",
  expired: "This approval link has expired; decide on the dashboard's Approvals page instead.",
};

/** Who the send log names for a decision made through the link: whoever holds an owner's mail. */
export const DECIDED_BY_LINK = "an owner, by emailed link";

export async function approvalLinkRoutes(app: FastifyInstance, options: DashboardOptions): Promise<void> {
  const { store, sendApprovals } = options;
  const noTrace = (reply: FastifyReply) =>
    reply.header("cache-control", "no-store").header("referrer-policy", "no-referrer");

  const holdOf = async (reply: FastifyReply, token: string | undefined) => {
    const opened = openApprovalLink(options.secretKey, token, options.now().getTime());
    if (!opened.ok) {
      sendHtml(noTrace(reply), errorPage(PROBLEMS[opened.problem]), opened.problem === "expired" ? 410 : 400);
      return undefined;
    }
    const hold = await store.getSendHold(opened.claim.workspaceId, opened.claim.holdId);
    if (hold === undefined)
      sendHtml(noTrace(reply), errorPage("This held send no longer exists; nothing was done."), 404);
    return hold;
  };

  app.get<{ Querystring: { token?: string } }>("/approve", async (request, reply) => {
    const hold = await holdOf(reply, request.query.token);
    if (hold === undefined) return reply;
    return sendHtml(noTrace(reply), approvalLinkPage(hold, approvalLinkPath(request.query.token ?? "")));
  });

  app.post<{ Querystring: { token?: string }; Body: { decision?: string } }>("/approve", async (request, reply) => {
    const hold = await holdOf(reply, request.query.token);
    if (hold === undefined) return reply;
    const action = approvalLinkPath(request.query.token ?? "");
    const decision = request.body?.decision;
    if (decision !== "approve" && decision !== "reject")
      return sendHtml(noTrace(reply), errorPage('decision must be "approve" or "reject"; nothing was done.'), 400);
    const decided = await sendApprovals[decision](hold.workspaceId, hold.id, DECIDED_BY_LINK);
    if (!decided.ok)
      return sendHtml(noTrace(reply), approvalLinkPage(hold, action, `Nothing was decided: ${decided.problem}.`), 409);
    const said = decided.hold.status === "sent" ? "Approved: the message was sent." : `It is ${decided.hold.status}.`;
    return sendHtml(noTrace(reply), approvalLinkPage(decided.hold, action, said));
  });
}
