// The "Connect your client" page: this server's endpoint and each client's configuration.
import { TRANSPORT } from "@mcpemails/generated";
import type { FastifyInstance } from "fastify";
import { clientConfigs } from "../client-configs.js";
import { publicUrlOf, type DashboardOptions } from "../dashboard-options.js";
import { isPage, memberPage, sendHtml } from "../member-page.js";
import { connectClientPage } from "../views/connect-client-page.js";

export async function connectClientRoutes(app: FastifyInstance, options: DashboardOptions): Promise<void> {
  app.get("/dashboard/connect", async (request, reply) => {
    const page = await memberPage(options, request, reply);
    if (!isPage(page)) return page;
    const endpoint = new URL(TRANSPORT.endpoint, publicUrlOf(options, request)).toString();
    const inboxId = (await options.store.listInboxes(page.me.workspace.id))[0]?.id;
    return sendHtml(
      reply,
      connectClientPage(page.frame("Connect your client", "connect"), {
        endpoint,
        inboxId,
        // The real key is shown only once, when it is created: the snippets hold a placeholder.
        configs: clientConfigs({ url: endpoint, inboxId }),
      }),
    );
  });
}
