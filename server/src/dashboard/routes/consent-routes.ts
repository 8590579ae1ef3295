// The consent step of the OAuth authorization server (authorization/authorize-route.ts brings the
// browser here with the request it checked and signed): the person signs in if they have not, then
// allows the app one workspace, some of its inboxes and some scopes, or denies it. Either way the
// browser goes back to the app's redirect URI.
import type { KeyMode, Scope } from "@mcpemails/generated";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { CONSENT_PATH } from "../../authorization/authorize-route.js";
import { authorizationResponseUrl } from "../../authorization/authorization-response.js";
import { openConsentRequest, type ConsentRequest } from "../../authorization/consent-request.js";
import { issueAuthorizationCode } from "../../authorization/issue-authorization-code.js";
import type { DashboardOptions } from "../dashboard-options.js";
import { isPage, memberPage, sendHtml, type MemberPage } from "../member-page.js";
import { consentPage, type ConsentPage } from "../views/consent-page.js";
import { errorPage } from "../views/error-page.js";

const list = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.filter((v): v is string => typeof v === "string")
    : typeof value === "string"
      ? [value]
      : [];

/** The dashboard's policy, with the app's redirect origin allowed as a form's destination: Allow and Deny post here, then redirect there. */
function consentSecurityPolicy(redirectUri: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `form-action 'self' ${new URL(redirectUri).origin}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join("; ");
}

export async function consentRoutes(app: FastifyInstance, options: DashboardOptions): Promise<void> {
  const { store } = options;

  const expired = (reply: FastifyReply) =>
    reply
      .code(400)
      .type("text/html; charset=utf-8")
      .send(
        errorPage(
          "This authorization request has expired or was altered. Start connecting again from the app; nothing was shared.",
        ),
      );

  const render = async (
    request: FastifyRequest,
    reply: FastifyReply,
    page: MemberPage,
    consent: ConsentRequest,
    sealed: string,
    chosen: ConsentPage["chosen"],
    error?: string,
    status = 200,
  ) => {
    const client = await store.getOAuthClient(consent.clientId);
    const workspaces = await Promise.all(
      page.me.workspaces.map(async (w) => ({ id: w.id, name: w.name, inboxes: await store.listInboxes(w.id) })),
    );
    reply.header("content-security-policy", consentSecurityPolicy(consent.redirectUri));
    return sendHtml(
      reply,
      consentPage(page.frame("Connect an app", "connected-apps", { error }), {
        clientName: client?.name ?? consent.clientId,
        redirectHost: new URL(consent.redirectUri).host,
        request: sealed,
        workspaces,
        scopes: consent.scopes,
        chosen,
      }),
      status,
    );
  };

  app.get<{ Querystring: { request?: string } }>(CONSENT_PATH, async (request, reply) => {
    const consent = openConsentRequest(options.secretKey, request.query.request, options.now().getTime());
    if (consent === undefined) return expired(reply);
    const page = await memberPage(options, request, reply);
    if (!isPage(page)) return page;
    return render(request, reply, page, consent, request.query.request ?? "", {
      workspaceId: page.me.workspace.id,
      inboxIds: [],
      scopes: consent.scopes,
    });
  });

  app.post(CONSENT_PATH, { preHandler: app.csrfProtection }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const consent = openConsentRequest(options.secretKey, body.request, options.now().getTime());
    if (consent === undefined) return expired(reply);
    const page = await memberPage(options, request, reply);
    if (!isPage(page)) return page;
    if (body.decision !== "allow")
      return reply.redirect(
        authorizationResponseUrl(
          consent.redirectUri,
          { error: "access_denied", error_description: "The person denied the request." },
          consent.state,
          consent.issuer,
        ),
        303,
      );

    const chosen = {
      workspaceId: typeof body.workspace_id === "string" ? body.workspace_id : "",
      inboxIds: [...new Set(list(body.inbox_ids))],
      scopes: [...new Set(list(body.scopes))],
    };
    const again = (error: string) => render(request, reply, page, consent, String(body.request), chosen, error, 400);
    const workspace = page.me.workspaces.find((w) => w.id === chosen.workspaceId);
    if (workspace === undefined) return again("Choose one of your workspaces.");
    const inboxes = await store.listInboxes(workspace.id);
    const picked = inboxes.filter((inbox) => chosen.inboxIds.includes(inbox.id));
    if (picked.length === 0 || picked.length !== chosen.inboxIds.length)
      return again(`Tick at least one inbox of the workspace ${workspace.name}, and only inboxes of it.`);
    const modes = new Set(picked.map((inbox) => inbox.mode));
    if (modes.size > 1)
      return again("Tick sandbox (test) inboxes or live inboxes, not both: an app works in one mode, as a key does.");
    if (chosen.scopes.length === 0 || !chosen.scopes.every((scope) => consent.scopes.includes(scope as Scope)))
      return again(`Tick at least one of the scopes the app asked for: ${consent.scopes.join(", ")}.`);
    const location = await issueAuthorizationCode(
      store,
      consent,
      {
        userId: page.me.user.id,
        workspaceId: workspace.id,
        mode: [...modes][0] as KeyMode,
        inboxIds: picked.map((inbox) => inbox.id),
        scopes: chosen.scopes as Scope[],
      },
      options.now(),
    );
    return reply.redirect(location, 303);
  });
}
