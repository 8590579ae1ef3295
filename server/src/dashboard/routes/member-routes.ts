// Members: the list for everyone in the workspace; invitations and removals for its owners.
import type { FastifyInstance } from "fastify";
import { createInvite, inviteLink } from "../accounts/accounts.js";
import { publicUrlOf, type DashboardOptions } from "../dashboard-options.js";
import { isPage, memberPage, sendHtml, type MemberPage } from "../member-page.js";
import { membersPage, type MemberRow } from "../views/member-pages.js";

export async function memberRoutes(app: FastifyInstance, options: DashboardOptions): Promise<void> {
  const { store } = options;
  const render = async (page: MemberPage, inviteLinkShown?: string, status = 200, error?: string) => {
    const members: MemberRow[] = [];
    for (const m of await store.listMembersOfWorkspace(page.me.workspace.id)) {
      const user = await store.getUser(m.userId);
      if (user) members.push({ userId: user.id, email: user.email, role: m.role, since: m.createdAt });
    }
    return {
      status,
      body: membersPage(page.frame("Members", "members", { error }), {
        members,
        myRole: page.me.role,
        myUserId: page.me.user.id,
        inviteLink: inviteLinkShown,
      }),
    };
  };

  app.get("/dashboard/members", async (request, reply) => {
    const page = await memberPage(options, request, reply);
    if (!isPage(page)) return page;
    const { body } = await render(page);
    return sendHtml(reply, body);
  });

  app.post("/dashboard/members/invite", { preHandler: app.csrfProtection }, async (request, reply) => {
    const page = await memberPage(options, request, reply);
    if (!isPage(page)) return page;
    const refusal =
      page.me.role !== "owner"
        ? "Only the workspace's owners invite members."
        : options.signup === "closed"
          ? "On this server the operator makes invitations (pnpm cli user invite --workspace ID)."
          : undefined;
    if (refusal) {
      const { body } = await render(page, undefined, 403, refusal);
      return sendHtml(reply, body, 403);
    }
    const role = (request.body as { role?: unknown } | undefined)?.role === "owner" ? "owner" : "member";
    const { token } = await createInvite(store, { workspaceId: page.me.workspace.id, role, now: options.now() });
    const { body } = await render(page, inviteLink(publicUrlOf(options, request), token));
    return sendHtml(reply, body, 201);
  });

  app.post<{ Params: { userId: string } }>(
    "/dashboard/members/:userId/remove",
    { preHandler: app.csrfProtection },
    async (request, reply) => {
      const page = await memberPage(options, request, reply);
      if (!isPage(page)) return page;
      const target = request.params.userId;
      if (page.me.role !== "owner" || target === page.me.user.id) {
        const { body } = await render(page, undefined, 403, "Only an owner removes members, and not themselves.");
        return sendHtml(reply, body, 403);
      }
      if (await store.removeMembership(page.me.workspace.id, target)) {
        // Their sessions end everywhere; with other workspaces they sign in again to those.
        await store.deleteSessionsOfUser(target);
        return reply.redirect("/dashboard/members?done=member-removed", 303);
      }
      return reply.redirect("/dashboard/members", 303);
    },
  );
}
