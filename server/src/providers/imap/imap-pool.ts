// The authenticated IMAP connections of one inbox: at most maxConnectionsPerInbox, reused across
// calls (one selected mailbox does one command at a time, so the pool decides throughput), each
// closed after idleCloseMs unused. A call whose connection drops is retried once on a fresh one
// when the caller says the work is safe to repeat. A call whose client goes away (its signal aborts)
// stops waiting for a connection, and a command it left running loses its connection, which is closed
// rather than handed to the next call with an unknown command still in flight.
import { ImapFlow } from "imapflow";
import { ImapAuthError, isAuthFailure, isDroppedConnection, serverWords } from "./imap-errors.js";
import type { ImapPoolOptions, ImapSettings, TransportSecurity } from "./imap-settings.js";
import { imapCredentials, type ImapCredentials, type ImapLogin } from "./imap-login.js";
import { dialTarget, type DialTarget, type MailNetworkPolicy } from "./mail-network.js";

export interface ImapConnection {
  readonly client: ImapFlow;
  /**
   * Opens the folder (or refreshes its message count when it is open already) and returns its state:
   * read-only (EXAMINE) unless the call changes flags, so that a read never touches \Seen or \Recent.
   */
  open(path: string, access?: FolderAccess): Promise<{ exists: number; uidValidity: bigint }>;
  /** APPENDs a message to the folder, also when this connection has that folder open read-only. */
  append(...args: Parameters<ImapFlow["append"]>): ReturnType<ImapFlow["append"]>;
}

export type FolderAccess = "read" | "write";

export interface UseOptions {
  /** Repeat the work once on a fresh connection if the connection drops mid-call. Never for anything that must not happen twice. */
  retryOnDrop: boolean;
  /** The caller's: once it aborts, the call rejects with its reason and its connection is closed. */
  signal?: AbortSignal;
}

export interface ImapPool {
  use<T>(work: (connection: ImapConnection) => Promise<T>, options: UseOptions): Promise<T>;
  /** How many connections are open, and how many of them wait unused. */
  stats(): { open: number; idle: number };
  close(): Promise<void>;
}

/** imapflow's words for each security: doSTARTTLS true refuses a server that does not offer STARTTLS. */
const IMAP_SECURITY: Record<TransportSecurity, { secure: boolean; doSTARTTLS?: boolean }> = {
  tls: { secure: true },
  starttls: { secure: false, doSTARTTLS: true },
  plaintext: { secure: false, doSTARTTLS: false },
};

/** Options of every IMAP client the provider opens (also used by verifyImapSettings), dialling the checked address. */
export function imapClientOptions(settings: ImapSettings, target: DialTarget, login: ImapLogin) {
  return {
    host: target.address,
    ...(target.servername === undefined ? {} : { servername: target.servername }),
    port: settings.imap.port,
    ...IMAP_SECURITY[settings.imap.security],
    auth: login,
    logger: false as const,
    // A pooled connection waits for its next call without IDLE: each call refreshes what it reads.
    disableAutoIdle: true,
    connectionTimeout: 30_000,
    greetingTimeout: 16_000,
    socketTimeout: 5 * 60_000,
  };
}

export function createImapPool(
  settings: ImapSettings,
  options: ImapPoolOptions,
  network: MailNetworkPolicy,
  credentials: ImapCredentials = imapCredentials(settings, undefined),
): ImapPool {
  const idle: Array<{ connection: PooledConnection; timer: NodeJS.Timeout }> = [];
  const waiting: Array<(connection: PooledConnection | undefined) => void> = [];
  const live = new Set<PooledConnection>();
  let opening = 0;
  let closed = false;

  async function open(renewRefusedToken = false): Promise<PooledConnection> {
    const target = await dialTarget("IMAP", settings.imap, network);
    const client = new ImapFlow(imapClientOptions(settings, target, await credentials.login(renewRefusedToken)));
    // An idle connection the server closes emits "error"/"close"; the pool notices when it next looks.
    client.on("error", () => {});
    try {
      await client.connect();
    } catch (error) {
      client.close();
      if (isAuthFailure(error) && credentials.usesToken && !renewRefusedToken) return open(true);
      if (isAuthFailure(error))
        throw new ImapAuthError(
          `the IMAP server refused the login of ${settings.user}: ${serverWords(error, settings)}`,
        );
      throw error;
    }
    return new PooledConnection(client);
  }

  async function acquire(signal?: AbortSignal): Promise<PooledConnection> {
    signal?.throwIfAborted();
    if (closed)
      throw Object.assign(new Error("the IMAP connections of this inbox are closed"), { code: "NoConnection" });
    while (idle.length > 0) {
      const entry = idle.pop();
      if (entry === undefined) break;
      clearTimeout(entry.timer);
      if (entry.connection.client.usable) return entry.connection;
      discard(entry.connection);
    }
    if (live.size + opening < options.maxConnectionsPerInbox) {
      opening++;
      try {
        const connection = await open();
        live.add(connection);
        return connection;
      } finally {
        opening--;
      }
    }
    const handed = await new Promise<PooledConnection | undefined>((resolve, reject) => {
      const waiter = (connection: PooledConnection | undefined) => {
        signal?.removeEventListener("abort", leave);
        resolve(connection);
      };
      const leave = () => {
        const index = waiting.indexOf(waiter);
        if (index >= 0) waiting.splice(index, 1);
        reject(signal?.reason as Error);
      };
      waiting.push(waiter);
      signal?.addEventListener("abort", leave, { once: true });
    });
    return handed ?? acquire(signal);
  }

  function release(connection: PooledConnection): void {
    if (closed || !connection.client.usable) {
      discard(connection);
      // A slot came free: the next waiter opens a connection of its own.
      waiting.shift()?.(undefined);
      return;
    }
    const waiter = waiting.shift();
    if (waiter) {
      waiter(connection);
      return;
    }
    const timer = setTimeout(() => {
      const index = idle.findIndex((entry) => entry.connection === connection);
      if (index >= 0) idle.splice(index, 1);
      discard(connection, true);
    }, options.idleCloseMs);
    timer.unref();
    idle.push({ connection, timer });
  }

  function discard(connection: PooledConnection, politely = false): void {
    live.delete(connection);
    if (politely && connection.client.usable) connection.client.logout().catch(() => connection.client.close());
    else connection.client.close();
  }

  return {
    async use(work, { retryOnDrop, signal }) {
      for (let attempt = 0; ; attempt++) {
        const connection = await acquire(signal);
        try {
          return await untilAborted(work(connection), connection, signal);
        } catch (error) {
          if (signal?.aborted) throw signal.reason;
          const dropped = !connection.client.usable || isDroppedConnection(error);
          if (dropped && retryOnDrop && attempt === 0 && !closed) continue;
          throw error;
        } finally {
          release(connection);
        }
      }
    },
    stats: () => ({ open: live.size, idle: idle.length }),
    async close() {
      closed = true;
      for (const waiter of waiting.splice(0)) waiter(undefined);
      for (const entry of idle.splice(0)) clearTimeout(entry.timer);
      const all = [...live];
      live.clear();
      await Promise.allSettled(
        all.map((connection) =>
          connection.client.usable ? connection.client.logout() : Promise.resolve(connection.client.close()),
        ),
      );
    },
  };
}

/** The work's result, unless the signal aborts first: then the connection is closed (its command may still run) and the signal's reason thrown. */
async function untilAborted<T>(
  work: Promise<T>,
  connection: PooledConnection,
  signal: AbortSignal | undefined,
): Promise<T> {
  if (signal === undefined) return work;
  let leave: (() => void) | undefined;
  const aborted = new Promise<never>((_resolve, reject) => {
    leave = () => {
      work.catch(() => {});
      connection.client.close();
      reject(signal.reason as Error);
    };
    if (signal.aborted) leave();
    else signal.addEventListener("abort", leave, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    if (leave) signal.removeEventListener("abort", leave);
  }
}

class PooledConnection implements ImapConnection {
  /** How the open folder was opened: EXAMINE and SELECT are not interchangeable. */
  private access: FolderAccess | undefined;

  constructor(readonly client: ImapFlow) {}

  async open(path: string, access: FolderAccess = "read"): Promise<{ exists: number; uidValidity: bigint }> {
    const current = this.client.mailbox;
    if (current && current.path === path && this.access === access) {
      // Already open: NOOP brings the EXISTS and EXPUNGE news that arrived since.
      await this.client.noop();
    } else {
      this.access = undefined;
      await this.client.mailboxOpen(path, { readOnly: access === "read" });
      this.access = access;
    }
    const mailbox = this.client.mailbox;
    if (!mailbox) throw Object.assign(new Error(`the server did not select ${path}`), { code: "NoMailboxSelected" });
    return { exists: mailbox.exists, uidValidity: mailbox.uidValidity };
  }

  async append(...args: Parameters<ImapFlow["append"]>): ReturnType<ImapFlow["append"]> {
    const current = this.client.mailbox;
    // Courier refuses an APPEND to the mailbox the session has EXAMINEd; CLOSE leaves it, and on a
    // mailbox open read-only it expunges nothing (RFC 3501 6.4.2).
    if (current && current.path === args[0] && this.access === "read" && current.readOnly) {
      this.access = undefined;
      await this.client.mailboxClose();
    }
    return this.client.append(...args);
  }
}
