// The connection pool against the real Dovecot of scripts/dovecot.sh.
import type { ImapFlow } from "imapflow";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createRigUser,
  dovecotRig,
  imapSettingsFor,
  LOOPBACK_MAIL_NETWORK,
  type RigUser,
} from "../../../test/support/dovecot-rig.js";
import { createImapPool, type ImapPool } from "./imap-pool.js";
import { ImapAuthError } from "./imap-errors.js";

const rig = dovecotRig();
const describeWithRig = rig === undefined ? describe.skip : describe;
if (rig === undefined)
  console.warn(
    "imap-pool.test.ts skipped: no Dovecot rig (run `bash scripts/dovecot.sh start` and export its lines, or run through scripts/test.sh)",
  );

let user: RigUser;
const pools: ImapPool[] = [];
const poolOf = (options = { maxConnectionsPerInbox: 2, idleCloseMs: 60_000 }, password?: string) => {
  if (rig === undefined) throw new Error("no rig");
  const pool = createImapPool(
    { ...imapSettingsFor(rig, user, 25), ...(password === undefined ? {} : { password }) },
    options,
    LOOPBACK_MAIL_NETWORK,
  );
  pools.push(pool);
  return pool;
};

describeWithRig("the IMAP connection pool", () => {
  beforeAll(async () => {
    if (rig) user = await createRigUser(rig, "pool");
  });
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.close()));
  });

  it("reuses one authenticated connection for calls that follow each other", async () => {
    const pool = poolOf();
    const first = await pool.use(async (connection) => connection.client, { retryOnDrop: true });
    const second = await pool.use(async (connection) => connection.client, { retryOnDrop: true });
    expect(second).toBe(first);
    expect(pool.stats()).toEqual({ open: 1, idle: 1 });
  });

  it("opens at most maxConnectionsPerInbox connections; further calls wait for a free one", async () => {
    const pool = poolOf({ maxConnectionsPerInbox: 2, idleCloseMs: 60_000 });
    let concurrent = 0;
    let most = 0;
    const clients = await Promise.all(
      Array.from({ length: 6 }, () =>
        pool.use(
          async (connection) => {
            concurrent++;
            most = Math.max(most, concurrent);
            await connection.open("INBOX");
            await new Promise((resolve) => setTimeout(resolve, 30));
            concurrent--;
            return connection.client;
          },
          { retryOnDrop: true },
        ),
      ),
    );
    expect(most).toBe(2);
    expect(new Set(clients).size).toBe(2);
    expect(pool.stats().open).toBe(2);
  });

  it("closes a connection left unused for idleCloseMs", async () => {
    const pool = poolOf({ maxConnectionsPerInbox: 2, idleCloseMs: 150 });
    const client = await pool.use(async (connection) => connection.client, { retryOnDrop: true });
    expect(pool.stats().open).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(pool.stats()).toEqual({ open: 0, idle: 0 });
    expect(client.usable).toBe(false);
  });

  it("retries work once on a fresh connection when the connection drops mid-call, where the work is safe to repeat", async () => {
    const pool = poolOf();
    const seen: unknown[] = [];
    const exists = await pool.use(
      async (connection) => {
        seen.push(connection.client);
        // The first attempt loses its socket before the command is answered.
        if (seen.length === 1) connection.client.close();
        return (await connection.open("INBOX")).exists;
      },
      { retryOnDrop: true },
    );
    expect(exists).toBe(0);
    expect(seen).toHaveLength(2);
    expect(seen[1]).not.toBe(seen[0]);
  });

  it("never repeats work that is not safe to repeat (a send, an APPEND): the drop reaches the caller", async () => {
    const pool = poolOf();
    let attempts = 0;
    await expect(
      pool.use(
        async (connection) => {
          attempts++;
          connection.client.close();
          return connection.open("INBOX");
        },
        { retryOnDrop: false },
      ),
    ).rejects.toMatchObject({ code: "NoConnection" });
    expect(attempts).toBe(1);
    // The pool recovers: the next call gets a fresh connection.
    expect(await pool.use(async (connection) => (await connection.open("INBOX")).exists, { retryOnDrop: false })).toBe(
      0,
    );
  });

  it("replaces a pooled connection the server closed while it was idle (doveadm kick)", async () => {
    const pool = poolOf();
    const before = await pool.use(async (connection) => connection.client, { retryOnDrop: false });
    const { execFileSync } = await import("node:child_process");
    execFileSync("doveadm", ["-c", `${rig?.root}/dovecot.conf`, "kick", user.address]);
    for (let wait = 0; wait < 50 && before.usable; wait++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(before.usable).toBe(false);
    const after = await pool.use(
      async (connection) => {
        await connection.open("INBOX");
        return connection.client;
      },
      { retryOnDrop: false },
    );
    expect(after).not.toBe(before);
  });

  it("reports a refused login as ImapAuthError, without the password", async () => {
    const pool = poolOf(undefined, "wrong-password-123");
    const error = await pool.use(async () => undefined, { retryOnDrop: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImapAuthError);
    expect(String((error as Error).message)).not.toContain("wrong-password-123");
    expect((error as Error).message).toContain(user.address);
  });

  it("stops a call whose client went away: its running command's connection is closed, not handed on", async () => {
    const pool = poolOf({ maxConnectionsPerInbox: 1, idleCloseMs: 60_000 });
    const controller = new AbortController();
    let used: ImapFlow | undefined;
    const call = pool.use(
      async (connection) => {
        used = connection.client;
        await connection.open("INBOX");
        // A command that would take long: the abort must not wait for it.
        await new Promise((resolve) => setTimeout(resolve, 10_000));
        return "finished";
      },
      { retryOnDrop: true, signal: controller.signal },
    );
    while (used === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
    const started = Date.now();
    controller.abort();
    await expect(call).rejects.toMatchObject({ name: "AbortError" });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(used.usable).toBe(false);
    // The slot is free again: the next call gets a fresh connection at once.
    const next = await pool.use(async (connection) => connection.client, { retryOnDrop: true });
    expect(next).not.toBe(used);
    expect(next.usable).toBe(true);
  });

  it("lets a call waiting for a connection leave the queue when its client goes away, and never starts its work", async () => {
    const pool = poolOf({ maxConnectionsPerInbox: 1, idleCloseMs: 60_000 });
    let release: () => void = () => undefined;
    const holding = pool.use(() => new Promise<void>((resolve) => (release = resolve)), { retryOnDrop: false });
    const controller = new AbortController();
    let ran = false;
    const waiting = pool.use(
      async () => {
        ran = true;
      },
      { retryOnDrop: true, signal: controller.signal },
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: "AbortError" });
    release();
    await holding;
    expect(ran).toBe(false);
    expect(await pool.use(async () => "next", { retryOnDrop: true })).toBe("next");
  });

  it("closes every connection on close(), and refuses work afterwards", async () => {
    const pool = poolOf();
    const client = await pool.use(async (connection) => connection.client, { retryOnDrop: true });
    await pool.close();
    expect(client.usable).toBe(false);
    expect(pool.stats().open).toBe(0);
    await expect(pool.use(async () => 1, { retryOnDrop: true })).rejects.toThrow(/closed/);
  });
});
