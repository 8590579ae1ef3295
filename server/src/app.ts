// The Fastify application: /mcp, health checks, and the JSON-RPC answers for errors Fastify
// raises before a handler runs (a body too large, a content type that is not JSON).
import { requestTooLarge, TRANSPORT, transportError, internalError } from "@mcpemails/generated";
import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import { DEFAULT_CONNECTION_LIMITS, type ConnectionLimits } from "./connection-limits.js";
import type { RateWindows } from "./limits/rate-limit.js";
import { mcpRoute } from "./mcp/route.js";
import { adminRoutes } from "./admin/admin-routes.js";
import type { ConnectDeps } from "./admin/connect-inbox.js";
import { oauthCallbackRoutes } from "./oauth/oauth-callback-routes.js";
import { authorizationPlugin } from "./authorization/authorization-plugin.js";
import { createMetadataDocumentResolver } from "./authorization/client-metadata-documents.js";
import { protectedResource } from "./authorization/protected-resource.js";
import { createMetrics } from "./observability/metrics.js";
import { dashboardPlugin } from "./dashboard/dashboard-plugin.js";
import type { DashboardOptions } from "./dashboard/dashboard-options.js";
import { errorResponse } from "./mcp/jsonrpc.js";
import { checkOrigin, type OriginPolicy } from "./mcp/origin-guard.js";
import { metricsRefusal } from "./observability/metrics-access.js";
import { withPathOnlyRequests } from "./observability/request-log.js";
import { discardRest, OVERSIZED_BODY_DRAIN_BYTES } from "./oversized-body.js";
import type { MailProvider } from "./providers/provider.js";
import type { InboxRecord, Store } from "./store/store.js";
import { createToolHandlers } from "./tools/tool-handlers.js";
import { createSendApprovals } from "./send-approval/send-approvals.js";
import { startUndoWindowSender } from "./send-approval/undo-window-sender.js";
import { createApprovalLinkNotifier } from "./send-approval/approval-link-notifier.js";
import { createSystemMailer } from "./system-mail/system-mailer.js";
import type { SystemMailSettings } from "./system-mail/system-mail-settings.js";

export interface AppOptions {
  store: Store;
  providerFor: (inbox: InboxRecord) => MailProvider;
  originPolicy: OriginPolicy;
  rateWindows: RateWindows;
  now?: () => Date;
  logger?: FastifyServerOptions["logger"];
  /** Enables the admin API under /admin when set. */
  adminToken?: string | undefined;
  /** Connecting real mailboxes (admin API, OAuth callbacks); without it only sandbox inboxes can be added. */
  connect?: ConnectDeps | undefined;
  /** /metrics asks for this Bearer token when set; without it /metrics answers loopback clients only. */
  metricsToken?: string | undefined;
  connectionLimits?: Partial<ConnectionLimits>;
  /** Serves the dashboard under /dashboard when set. */
  dashboard?: Pick<DashboardOptions, "secretKey" | "signup" | "publicUrl" | "operators"> | undefined;
  /**
   * The relay the server sends its own mail through (MCPEMAILS_SYSTEM_SMTP_URL): with the dashboard
   * and its public URL, a send held for approval emails the workspace's owners a one-time link.
   */
  systemMail?: SystemMailSettings | undefined;
  /** The OAuth authorization server, served with the dashboard (which signs people in and asks their consent). */
  oauth?: {
    /** Fetches client ID metadata documents from http loopback URLs too: tests and local development only. */
    allowLoopbackClientMetadataDocuments?: boolean;
  };
}

export const SERVER_INFO = { name: "mcpemails-reference-server", version: "0.1.0" };

export const REDACTED_PATHS = ["req.headers.authorization", "req.headers.cookie", "headers.authorization"];

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const now = options.now ?? (() => new Date());
  const limits = { ...DEFAULT_CONNECTION_LIMITS, ...options.connectionLimits };
  const app = Fastify({
    logger: withPathOnlyRequests(options.logger),
    bodyLimit: TRANSPORT.max_body_bytes,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    http: { headersTimeout: limits.headersTimeoutMs, connectionsCheckingInterval: limits.checkIntervalMs },
  });
  app.server.maxConnections = limits.maxConnections;
  app.setErrorHandler(async (error: { code?: string; statusCode?: number; message: string }, request, reply) => {
    if (error.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      await discardRest(request.raw, OVERSIZED_BODY_DRAIN_BYTES);
      return reply.code(413).send(
        errorResponse(
          null,
          requestTooLarge(`Request too large: the body is over ${TRANSPORT.max_body_bytes} bytes.`, {
            limitBytes: TRANSPORT.max_body_bytes,
          }),
        ),
      );
    }
    if (error.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") {
      return reply
        .code(415)
        .send(errorResponse(null, transportError("Unsupported Media Type: send Content-Type: application/json.")));
    }
    request.log.error({ err: error }, "request failed");
    return reply.code(500).send(errorResponse(null, internalError("Internal error.")));
  });

  // Every route answers to this server's own Host names only (DNS rebinding); /mcp checks Host and
  // Origin itself, to answer in JSON-RPC.
  app.addHook("onRequest", async (request, reply) => {
    if (request.routeOptions.url === TRANSPORT.endpoint) return;
    const refused = checkOrigin(options.originPolicy, request.headers.host, undefined);
    if (refused !== undefined) return reply.code(403).send({ error: refused });
  });

  const metrics = createMetrics();
  const notifyOwners = approvalNotifier(app, options, now);
  const handlers = createToolHandlers({
    store: options.store,
    providerFor: options.providerFor,
    now,
    onHold: notifyOwners,
  });
  const sendApprovals = createSendApprovals({ store: options.store, providerFor: options.providerFor, now });
  app.decorate("sendApprovals", sendApprovals);
  const undoWindowSender = startUndoWindowSender({ store: options.store, approvals: sendApprovals, now, log: app.log });
  app.addHook("onClose", () => undoWindowSender.stop());
  if (options.dashboard !== undefined)
    app.decorate("protectedResource", protectedResource(options.dashboard.publicUrl));
  await app.register(mcpRoute, {
    store: options.store,
    handlers,
    rateWindows: options.rateWindows,
    now,
    serverInfo: SERVER_INFO,
    log: app.log,
    metrics,
    originPolicy: options.originPolicy,
  });
  if (options.adminToken !== undefined)
    await app.register(adminRoutes, {
      prefix: "/admin",
      store: options.store,
      adminToken: options.adminToken,
      connect: options.connect,
    });
  if (options.connect !== undefined)
    await app.register(oauthCallbackRoutes, { store: options.store, connect: options.connect });
  if (options.dashboard !== undefined)
    await app.register(dashboardPlugin, {
      ...options.dashboard,
      store: options.store,
      connect: options.connect,
      now,
      rateWindows: options.rateWindows,
      sendApprovals,
    });
  if (options.dashboard !== undefined)
    await app.register(authorizationPlugin, {
      store: options.store,
      now,
      publicUrl: options.dashboard.publicUrl,
      secretKey: options.dashboard.secretKey,
      resolveMetadataDocument: createMetadataDocumentResolver({
        allowLoopbackDocuments: options.oauth?.allowLoopbackClientMetadataDocuments === true,
      }),
    });

  app.get("/metrics", async (request, reply) => {
    const refused = metricsRefusal(options.metricsToken, request.ip, request.headers.authorization);
    if (refused !== undefined) return reply.code(refused.status).header("www-authenticate", "Bearer").send(refused);
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/readyz", async (_request, reply) => {
    try {
      await options.store.listWorkspaces();
      return { status: "ready" };
    } catch {
      return reply.code(503).send({ status: "store unavailable" });
    }
  });
  return app;
}

/** The emailed approval links, when the server has a mail relay and a public URL to link to. */
function approvalNotifier(app: FastifyInstance, options: AppOptions, now: () => Date) {
  const { systemMail, dashboard } = options;
  if (systemMail === undefined || dashboard === undefined) return undefined;
  if (dashboard.publicUrl === undefined) {
    app.log.warn("MCPEMAILS_SYSTEM_SMTP_URL is set but MCPEMAILS_PUBLIC_URL is not: no approval link can be emailed");
    return undefined;
  }
  const mailer = createSystemMailer(systemMail, app.log);
  app.addHook("onClose", async () => mailer.close());
  return createApprovalLinkNotifier({
    store: options.store,
    mailer,
    secretKey: dashboard.secretKey,
    publicUrl: dashboard.publicUrl,
    now,
    log: app.log,
  });
}
