// Configuration from the environment, the same for the server and the CLI.
import { RATE_LIMITS } from "@mcpemails/generated";
import { resolve } from "node:path";
import type { RateWindows } from "./limits/rate-limit.js";
import { parseRateLimits } from "./limits/rate-limit-setting.js";
import { requireStrongAdminToken } from "./admin/admin-token.js";
import { DEFAULT_CONNECTION_LIMITS } from "./connection-limits.js";
import { mailNetworkPolicy, type MailNetworkPolicy } from "./providers/imap/mail-network.js";
import { DEFAULT_IMAP_POOL, type ImapPoolOptions } from "./providers/imap/imap-settings.js";
import type { GoogleAppConfig, MicrosoftAppConfig } from "./providers/provider-apps.js";
import type { Store } from "./store/store.js";
import { parseSignupMode, type SignupMode } from "./dashboard/accounts/signup-policy.js";
import { systemMailSettings, type SystemMailSettings } from "./system-mail/system-mail-settings.js";

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  redisUrl: string | undefined;
  /** How long one Redis command may wait before the request fails closed (the store's default when unset). */
  redisCommandTimeoutMs: number | undefined;
  /** Extra Host names and browser Origins allowed besides loopback (comma-separated in the environment). */
  allowedHosts: string[];
  allowedOrigins: string[];
  /** Enables the admin HTTP API under /admin. */
  adminToken: string | undefined;
  /** The Bearer token /metrics asks for; without it /metrics answers loopback clients only. */
  metricsToken: string | undefined;
  /** Connections open at once (MCPEMAILS_MAX_CONNECTIONS). */
  maxConnections: number;
  /** Where browsers reach this server (OAuth consent comes back to <publicUrl>/oauth/...). */
  publicUrl: string;
  /** MCPEMAILS_PUBLIC_URL itself: without it the dashboard's links use the Host a browser asked for. */
  configuredPublicUrl: string | undefined;
  /** Who may open an account in the dashboard (MCPEMAILS_SIGNUP). */
  signup: SignupMode;
  /** Dashboard accounts (by email) that see every workspace's limits and change them (MCPEMAILS_OPERATORS). */
  operators: string[];
  /** Gmail inboxes can be connected and served when set. */
  google: GoogleAppConfig | undefined;
  /** Outlook inboxes can be connected and served when set. */
  microsoft: MicrosoftAppConfig | undefined;
  /** IMAP connections one instance keeps per inbox (instances x this = the most an inbox sees). */
  imapPool: ImapPoolOptions;
  /** The rate windows per API key: the spec's, or MCPEMAILS_RATE_LIMITS. */
  rateWindows: RateWindows;
  /** Internal addresses IMAP/SMTP servers may be at (MCPEMAILS_MAIL_HOSTS_ALLOW), plaintext logins beyond loopback (MCPEMAILS_ALLOW_PLAINTEXT_MAIL). */
  mailNetwork: MailNetworkPolicy;
  /** The relay for the server's own notices (MCPEMAILS_SYSTEM_SMTP_URL, MCPEMAILS_SYSTEM_MAIL_FROM); none sent when unset. */
  systemMail?: SystemMailSettings;
}

const set = (value: string | undefined) => (value === undefined || value.trim() === "" ? undefined : value.trim());

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = set(env[name]);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 1)
    throw new Error(`${name} must be a whole number of at least 1, not ${value}.`);
  return parsed;
}

/** Both variables of a client, or neither: one without the other is a mistake worth stopping for. */
function client(
  env: NodeJS.ProcessEnv,
  idName: string,
  secretName: string,
): { clientId: string; clientSecret: string } | undefined {
  const clientId = set(env[idName]);
  const clientSecret = set(env[secretName]);
  if (clientId === undefined && clientSecret === undefined) return undefined;
  if (clientId === undefined || clientSecret === undefined)
    throw new Error(`Set both ${idName} and ${secretName}, or neither.`);
  return { clientId, clientSecret };
}

function adminToken(value: string | undefined): string | undefined {
  if (value === undefined || value === "") return undefined;
  requireStrongAdminToken(value);
  return value;
}

function flag(env: NodeJS.ProcessEnv, name: string): boolean {
  const value = set(env[name])?.toLowerCase();
  if (value === undefined || value === "false" || value === "0") return false;
  if (value === "true" || value === "1") return true;
  throw new Error(`${name} must be true or false, not ${value}.`);
}

const list = (value: string | undefined) =>
  (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");

export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, not ${String(env.PORT)}.`);
  const host = env.HOST ?? "127.0.0.1";
  const publicUrl = (
    set(env.MCPEMAILS_PUBLIC_URL) ?? `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`
  ).replace(/\/+$/u, "");
  const google = client(env, "GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET");
  const microsoft = client(env, "MICROSOFT_CLIENT_ID", "MICROSOFT_CLIENT_SECRET");
  return {
    host,
    port,
    dataDir: resolve(env.MCPEMAILS_DATA_DIR ?? "./data"),
    redisUrl: env.REDIS_URL === "" ? undefined : env.REDIS_URL,
    redisCommandTimeoutMs:
      set(env.MCPEMAILS_REDIS_COMMAND_TIMEOUT_MS) === undefined
        ? undefined
        : positiveInteger(env, "MCPEMAILS_REDIS_COMMAND_TIMEOUT_MS", 1),
    allowedHosts: list(env.MCPEMAILS_ALLOWED_HOSTS),
    allowedOrigins: list(env.MCPEMAILS_ALLOWED_ORIGINS),
    adminToken: adminToken(env.MCPEMAILS_ADMIN_TOKEN),
    metricsToken: set(env.MCPEMAILS_METRICS_TOKEN),
    maxConnections: positiveInteger(env, "MCPEMAILS_MAX_CONNECTIONS", DEFAULT_CONNECTION_LIMITS.maxConnections),
    publicUrl,
    configuredPublicUrl: set(env.MCPEMAILS_PUBLIC_URL) === undefined ? undefined : publicUrl,
    signup: parseSignupMode(env.MCPEMAILS_SIGNUP),
    operators: list(env.MCPEMAILS_OPERATORS).map((email) => email.toLowerCase()),
    google: google && { ...google, redirectUri: `${publicUrl}/oauth/google/callback` },
    microsoft: microsoft && {
      ...microsoft,
      tenant: set(env.MICROSOFT_TENANT) ?? "common",
      redirectUri: `${publicUrl}/oauth/microsoft/callback`,
    },
    imapPool: {
      maxConnectionsPerInbox: positiveInteger(
        env,
        "MCPEMAILS_IMAP_MAX_CONNECTIONS",
        DEFAULT_IMAP_POOL.maxConnectionsPerInbox,
      ),
      idleCloseMs: positiveInteger(env, "MCPEMAILS_IMAP_IDLE_SECONDS", DEFAULT_IMAP_POOL.idleCloseMs / 1000) * 1000,
    },
    rateWindows:
      set(env.MCPEMAILS_RATE_LIMITS) === undefined
        ? RATE_LIMITS.windows
        : parseRateLimits(env.MCPEMAILS_RATE_LIMITS ?? "", RATE_LIMITS.windows),
    mailNetwork: mailNetworkPolicy({
      allow: list(env.MCPEMAILS_MAIL_HOSTS_ALLOW),
      plaintextBeyondLoopback: flag(env, "MCPEMAILS_ALLOW_PLAINTEXT_MAIL"),
    }),
    systemMail: systemMailSettings(env),
  };
}

/** Redis when REDIS_URL is set (any number of instances), otherwise SQLite in the data directory. */
export async function openConfiguredStore(config: Config): Promise<Store> {
  if (config.redisUrl !== undefined) {
    const { openRedisStore } = await import("./store/redis/redis-store.js");
    return openRedisStore({
      url: config.redisUrl,
      dataDir: config.dataDir,
      ...(config.redisCommandTimeoutMs === undefined ? {} : { commandTimeoutMs: config.redisCommandTimeoutMs }),
    });
  }
  const { openSqliteStore } = await import("./store/sqlite/sqlite-store.js");
  return openSqliteStore({ dataDir: config.dataDir });
}
