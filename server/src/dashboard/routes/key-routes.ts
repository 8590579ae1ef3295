// API keys of the workspace in view: create (shown once), list, revoke.
import type { KeyMode, Scope } from "@mcpemails/generated";
import type { FastifyInstance } from "fastify";
import { AdminInputError, createApiKey, parseScopes } from "../../admin/operations.js";
import type { DashboardOptions } from "../dashboard-options.js";
import { isPage, memberPage, sendHtml } from "../member-page.js";
import { keysPage, revokeKeyPage } from "../views/key-pages.js";

const list = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.filter((v): v is string => typeof v === "string")
    : typeof value === "string"
      ? [value]
      : [];

export async function keyRoutes(app: FastifyInstance, options: DashboardOptions): Promise<void> {
  const { store } = options;
  const newestFirst = async (workspaceId: string) =>
    (await store.listApiKeys(workspaceId)).sort((a, b) => b.createdAt.localeCompare(a.createdAt));

  app.get("/dashboard/keys", async (request, reply) => {
    const page = await memberPage(options, request, reply);
    if (!isPage(page)) return page;
    const workspaceId = page.me.workspace.id;
    return sendHtml(
      reply,
      keysPage(page.frame("API keys", "keys"), {
        keys: await newestFirst(workspaceId),
        inboxes: await store.listInboxes(workspaceId),
      }),
    );
  });

  app.post("/dashboard/keys", { preHandler: app.csrfProtection }, async (request, reply) => {
    const page = await memberPage(options, request, reply);
    if (!isPage(page)) return page;
    const workspaceId = page.me.workspace.id;
    const body = (request.body ?? {}) as Record<string, unknown>;
    const form = {
      name: typeof body.name === "string" ? body.name.trim() : "",
      scopes: list(body.scopes),
      mode: body.mode === "live" ? "live" : "test",
      inboxIds: list(body.inbox_ids),
    };
    const inboxes = await store.listInboxes(workspaceId);
    try {
      if (form.name === "") throw new AdminInputError("Give the key a name.");
      if (form.name.length > 100) throw new AdminInputError("A key's name has at most 100 characters.");
      // The form offers this workspace's inboxes only; anything else is refused without being echoed.
      if (!form.inboxIds.every((id) => inboxes.some((inbox) => inbox.id === id)))
        throw new AdminInputError("Choose among this workspace's inboxes only.");
      const scopes: Scope[] = parseScopes(form.scopes.join(","));
      const created = await createApiKey(store, {
        workspaceId,
        scopes,
        mode: form.mode as KeyMode,
        name: form.name,
        inboxIds: form.inboxIds.length > 0 ? form.inboxIds : null,
      });
      reply.header("cache-control", "no-store");
      return sendHtml(
        reply,
        keysPage(page.frame("API keys", "keys"), { keys: await newestFirst(workspaceId), inboxes, created }),
        201,
      );
    } catch (error) {
      if (!(error instanceof AdminInputError)) throw error;
      return sendHtml(
        reply,
        keysPage(page.frame("API keys", "keys", { error: error.message }), {
          keys: await newestFirst(workspaceId),
          inboxes,
          form,
        }),
        400,
      );
    }
  });

  const ownKey = async (workspaceId: string, id: string) =>
    (await store.listApiKeys(workspaceId)).find((key) => key.id === id);

  app.get<{ Params: { id: string } }>("/dashboard/keys/:id/revoke", async (request, reply) => {
    const page = await memberPage(options, request, reply);
    if (!isPage(page)) return page;
    const key = await ownKey(page.me.workspace.id, request.params.id);
    if (!key || key.revokedAt !== null) return reply.redirect("/dashboard/keys", 303);
    return sendHtml(reply, revokeKeyPage(page.frame("Revoke key", "keys"), key));
  });

  app.post<{ Params: { id: string } }>(
    "/dashboard/keys/:id/revoke",
    { preHandler: app.csrfProtection },
    async (request, reply) => {
      const page = await memberPage(options, request, reply);
      if (!isPage(page)) return page;
      const key = await ownKey(page.me.workspace.id, request.params.id);
      if (key) await store.revokeApiKey(key.id);
      return reply.redirect(key ? "/dashboard/keys?done=key-revoked" : "/dashboard/keys", 303);
    },
  );
}
