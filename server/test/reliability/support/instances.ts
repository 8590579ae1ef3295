// Server instances as a deployment runs them: each its own Fastify on a loopback port, its own
// store connection and its own provider registry, sharing only what is in the store.
import { RATE_LIMITS } from "@mcpemails/generated";
import type { FastifyInstance, FastifyServerOptions } from "fastify";
import { buildApp } from "../../../src/app.js";
import type { RateWindows } from "../../../src/limits/rate-limit.js";
import { defaultOriginPolicy } from "../../../src/mcp/origin-guard.js";
import type { MailProvider } from "../../../src/providers/provider.js";
import { createProviderRegistry } from "../../../src/providers/registry.js";
import { LOOPBACK_MAIL_NETWORK } from "../../support/dovecot-rig.js";
import type { InboxRecord, Store } from "../../../src/store/store.js";

export interface Instance {
  /** http://127.0.0.1:<port> */
  baseUrl: string;
  mcpUrl: string;
  app: FastifyInstance;
  store: Store;
  close(): Promise<void>;
}

export interface InstanceOptions {
  store: Store;
  rateWindows?: RateWindows;
  adminToken?: string;
  logger?: FastifyServerOptions["logger"];
  now?: () => Date;
  /** Wraps the provider of every inbox (to stage a crash, say). */
  provider?: (inbox: InboxRecord, real: MailProvider) => MailProvider;
  /** Closes the store with the instance (default true). */
  ownsStore?: boolean;
}

export async function startInstance(options: InstanceOptions): Promise<Instance> {
  const registry = createProviderRegistry(options.store, {
    mailNetwork: LOOPBACK_MAIL_NETWORK,
    ...(options.now ? { now: options.now } : {}),
  });
  const wrap = options.provider;
  const app = await buildApp({
    store: options.store,
    providerFor: wrap ? (inbox) => wrap(inbox, registry(inbox)) : registry,
    originPolicy: defaultOriginPolicy(),
    rateWindows: options.rateWindows ?? RATE_LIMITS.windows,
    adminToken: options.adminToken,
    logger: options.logger ?? false,
    ...(options.now ? { now: options.now } : {}),
  });
  const baseUrl = await app.listen({ host: "127.0.0.1", port: 0 });
  return {
    baseUrl,
    mcpUrl: `${baseUrl}/mcp`,
    app,
    store: options.store,
    async close() {
      await app.close();
      await registry.close();
      if (options.ownsStore !== false) await options.store.close();
    },
  };
}

/** Rate windows high enough that no test load meets them, so that quotas alone decide. */
export const UNLIMITED_RATE: RateWindows = [
  { name: "minute", seconds: 60, limit: 1_000_000 },
  { name: "hour", seconds: 3600, limit: 1_000_000 },
  { name: "day", seconds: 86400, limit: 1_000_000 },
];
