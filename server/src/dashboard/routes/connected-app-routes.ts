// Connected apps of the workspace in view: list and revoke (a revoked grant's tokens are refused at once).
import type { FastifyInstance } from "fastify";
import type { DashboardOptions } from "../dashboard-options.js";
import { isPage, memberPage, sendHtml } from "../member-page.js";
import { connectedAppsPage, type ConnectedApp } from "../views/connected-apps-page.js";

export async function connectedAppRoutes(app: FastifyInstance, options: DashboardOptions): Promise<void> {
  const { store } = options;

  app.get("/dashboard/connected-apps", async (request, reply) => {
    const page = await memberPage(options, request, reply);
    if (!isPage(page)) return page;
    const workspace = page.me.workspace;
    const grants = (await store.listOAuthGrants(workspace.id)).reverse();
    const apps: ConnectedApp[] = await Promise.all(
      grants.map(async (grant) => ({
        grant,
        clientName: (await store.getOAuthClient(grant.clientId))?.name ?? grant.clientId,
        allowedBy: (await store.getUser(grant.userId))?.email ?? grant.userId,
      })),
    );
    return sendHtml(
      reply,
      connectedAppsPage(page.frame("Connected apps", "connected-apps"), {
        apps,
        inboxes: await store.listInboxes(workspace.id),
        workspaceName: workspace.name,
      }),
    );
  });

  app.post<{ Params: { id: string } }>(
    "/dashboard/connected-apps/:id/revoke",
    { preHandler: app.csrfProtection },
    async (request, reply) => {
      const page = await memberPage(options, request, reply);
      if (!isPage(page)) return page;
      const grant = await store.getOAuthGrant(request.params.id);
      const ours = grant !== undefined && grant.workspaceId === page.me.workspace.id;
      if (ours) await store.revokeOAuthGrant(grant.id, options.now().toISOString());
      return reply.redirect(ours ? "/dashboard/connected-apps?done=app-revoked" : "/dashboard/connected-apps", 303);
    },
  );
}
