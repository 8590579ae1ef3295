// The reference server on HOST:PORT with the configured store (started by main.ts).
import { buildApp, REDACTED_PATHS } from "./app.js";
import { firstRun, firstRunMessage } from "./admin/first-run.js";
import { loadConfig, openConfiguredStore } from "./config.js";
import { defaultOriginPolicy } from "./mcp/origin-guard.js";
import { closeHtmlWorkers } from "./mail/html-off-thread.js";
import { createProviderRegistry } from "./providers/registry.js";
import { defaultConnectDeps } from "./admin/connect-inbox.js";
import { resolveSecretKey } from "./store/secrets.js";
import { firstAccountLink } from "./dashboard/accounts/first-account.js";

const config = readConfigOrExit();
const store = await openConfiguredStore(config);
const created = await firstRun(store);
const secretKey = resolveSecretKey({ dataDir: config.dataDir });
const providers = createProviderRegistry(store, {
  google: config.google,
  microsoft: config.microsoft,
  imapPool: config.imapPool,
  mailNetwork: config.mailNetwork,
  // Until the send result can carry it (a spec change), the operator at least sees it.
  onSentCopyNotFiled: ({ inboxId, reason }) =>
    app.log.warn({ inboxId, reason }, "a sent message's copy could not be filed in the Sent folder"),
});
const app = await buildApp({
  store,
  providerFor: providers,
  connect: defaultConnectDeps({
    google: config.google,
    microsoft: config.microsoft,
    secretKey,
    mailNetwork: config.mailNetwork,
  }),
  dashboard: {
    secretKey,
    signup: config.signup,
    publicUrl: config.configuredPublicUrl,
    operators: config.operators,
  },
  originPolicy: defaultOriginPolicy([config.host, ...config.allowedHosts], config.allowedOrigins),
  rateWindows: config.rateWindows,
  systemMail: config.systemMail,
  adminToken: config.adminToken,
  metricsToken: config.metricsToken,
  connectionLimits: { maxConnections: config.maxConnections },
  logger: { level: process.env.LOG_LEVEL ?? "info", redact: REDACTED_PATHS },
});
const address = await app.listen({ host: config.host, port: config.port });
const url = `${address.replace("0.0.0.0", "127.0.0.1")}/mcp`;
if (created) process.stdout.write(`\n${firstRunMessage(created, url)}\n`);
const base = config.configuredPublicUrl ?? url.replace(/\/mcp$/u, "");
const setupLink = await firstAccountLink(store, { publicUrl: base, workspaceId: created?.workspaceId });
if (setupLink)
  process.stdout.write(
    `\nDashboard: ${base}/dashboard. No account exists yet: create the first one (an owner${created ? " of the workspace above" : ""}) with this one-time link, valid for 24 hours:\n  ${setupLink}\n\n`,
  );
app.log.info(
  { url, store: config.redisUrl === undefined ? `sqlite:${config.dataDir}` : "redis" },
  "MCPEmails reference server ready",
);

const shutdown = async () => {
  await app.close();
  await providers.close();
  await closeHtmlWorkers();
  await store.close();
};
process.once("SIGINT", () => void shutdown());
process.once("SIGTERM", () => void shutdown());

/** A setting the server cannot start with is the operator's to fix: one line naming it, not a stack trace. */
function readConfigOrExit(): ReturnType<typeof loadConfig> {
  try {
    return loadConfig(process.env);
  } catch (error) {
    console.error(`mcpemails: cannot start: ${(error as Error).message}`);
    process.exit(2);
  }
}
