// The dashboard under /dashboard: server-rendered pages (typed templates, views/) over forms that
// work without JavaScript, for operators and workspace members. Chosen over a bundled front end
// because every page is a list or a form, the pages must work without scripts, and a server that
// renders them ships a first load of a few KB with no build step and no CDN.
// Cookies: the session (accounts/sessions.ts) and the CSRF secret (@fastify/csrf-protection, a
// signed cookie; every form's token is bound to the session it was rendered for).
import { hkdfSync } from "node:crypto";
import fastifyCookie from "@fastify/cookie";
import fastifyCsrf from "@fastify/csrf-protection";
import fastifyFormbody from "@fastify/formbody";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { SESSION_COOKIE, sessionIdOf } from "./accounts/sessions.js";
import { assetRoutes } from "./assets.js";
import type { DashboardOptions } from "./dashboard-options.js";
import { accountRoutes } from "./routes/account-routes.js";
import { inboxRoutes } from "./routes/inbox-routes.js";
import { keyRoutes } from "./routes/key-routes.js";
import { memberRoutes } from "./routes/member-routes.js";
import { usageRoutes } from "./routes/usage-routes.js";
import { connectClientRoutes } from "./routes/connect-client-routes.js";
import { operatorRoutes } from "./routes/operator-routes.js";
import { consentRoutes } from "./routes/consent-routes.js";
import { connectedAppRoutes } from "./routes/connected-app-routes.js";
import { sendPolicyRoutes } from "./routes/send-policy-routes.js";
import { approvalRoutes } from "./routes/approval-routes.js";
import { approvalLinkRoutes } from "./routes/approval-link-routes.js";
import { errorPage } from "./views/error-page.js";

/** A form is small; anything larger is not one of ours. */
const FORM_BODY_LIMIT = 16 * 1024;

const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self' https://accounts.google.com https://login.microsoftonline.com",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

const deriveKey = (secretKey: Buffer, use: string) =>
  Buffer.from(hkdfSync("sha256", secretKey, Buffer.alloc(0), `mcpemails dashboard ${use} v1`, 32));

export async function dashboardPlugin(app: FastifyInstance, options: DashboardOptions): Promise<void> {
  await app.register(fastifyCookie, { secret: deriveKey(options.secretKey, "cookie").toString("hex") });
  await app.register(fastifyFormbody, { bodyLimit: FORM_BODY_LIMIT });
  await app.register(fastifyCsrf, {
    sessionPlugin: "@fastify/cookie",
    cookieKey: "mcpemails_csrf",
    cookieOpts: { signed: true, httpOnly: true, sameSite: "lax", path: "/dashboard", secure: "auto" },
    getUserInfo: csrfUserInfo,
    csrfOpts: { hmacKey: deriveKey(options.secretKey, "csrf"), userInfo: true },
  });

  app.addHook("onRequest", async (request, reply) => {
    reply
      .header("content-security-policy", CONTENT_SECURITY_POLICY)
      .header("x-content-type-options", "nosniff")
      .header("referrer-policy", "same-origin")
      .header("x-frame-options", "DENY")
      .header("cache-control", "no-store");
    // Forms post only from this server's own pages: a cross-site Origin is refused before any CSRF token is read.
    if (request.method === "POST" && !sameOrigin(request))
      return reply
        .code(403)
        .type("text/html")
        .send(errorPage("This form was sent from another site, so nothing was done."));
  });

  app.setErrorHandler(async (error: { code?: string; statusCode?: number; message: string }, request, reply) => {
    if (error.code === "FST_CSRF_INVALID_TOKEN" || error.code === "FST_CSRF_MISSING_SECRET")
      return reply
        .code(403)
        .type("text/html")
        .send(
          errorPage(
            "This form has expired or was not sent from this dashboard. Go back, reload the page and try again.",
          ),
        );
    if (error.code === "FST_ERR_CTP_BODY_TOO_LARGE")
      return reply.code(413).type("text/html").send(errorPage("The form was too large; nothing was done."));
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500)
      return reply.code(error.statusCode).type("text/html").send(errorPage("The request was not understood."));
    request.log.error({ err: error }, "dashboard request failed");
    return reply
      .code(500)
      .type("text/html")
      .send(errorPage("Something failed on the server; nothing was changed. Try again."));
  });

  await app.register(assetRoutes);
  await app.register(accountRoutes, options);
  await app.register(inboxRoutes, options);
  await app.register(keyRoutes, options);
  await app.register(connectedAppRoutes, options);
  await app.register(consentRoutes, options);
  await app.register(usageRoutes, options);
  await app.register(sendPolicyRoutes, options);
  await app.register(approvalRoutes, options);
  await app.register(approvalLinkRoutes, options);
  await app.register(memberRoutes, options);
  await app.register(connectClientRoutes, options);
  await app.register(operatorRoutes, options);
}

/** The CSRF tokens of a page are bound to the session cookie the page was rendered for (none: signed out). */
export function csrfUserInfo(request: FastifyRequest): string {
  const token = request.cookies[SESSION_COOKIE];
  return token ? sessionIdOf(token) : "signed-out";
}

export function csrfTokenFor(request: FastifyRequest, reply: FastifyReply): string {
  return reply.generateCsrf({ userInfo: csrfUserInfo(request) });
}

function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin === undefined || origin === "null") return origin === undefined;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}
