// Each server instance pools its own IMAP connections, so one inbox served by several instances
// sees at most instances x MCPEMAILS_IMAP_MAX_CONNECTIONS connections (the README's sizing rule).
// A counting TCP relay in front of Dovecot sees every connection the instances open, exactly.
import { createServer, connect, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createRigUser,
  dovecotRig,
  imapSettingsFor,
  writeMaildirMessages,
  type RigUser,
} from "../support/dovecot-rig.js";
import { post, startTestServer, toolCall, type TestServer } from "../support/test-server.js";

const rig = dovecotRig();
const describeWithRig = rig === undefined ? describe.skip : describe;

const INSTANCES = 2;
const POOL_SIZE = 2;
const CALLS_PER_INSTANCE = 12;

interface CountingRelay {
  port: number;
  open: () => number;
  mostAtOnce: () => number;
  close: () => Promise<void>;
}

/** Forwards every connection to Dovecot's IMAP port and counts how many are open at once. */
async function startCountingRelay(targetPort: number): Promise<CountingRelay> {
  let open = 0;
  let most = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    open++;
    most = Math.max(most, open);
    const upstream = connect(targetPort, "127.0.0.1");
    for (const socket of [client, upstream]) sockets.add(socket);
    client.pipe(upstream).pipe(client);
    let closed = false;
    const done = () => {
      if (closed) return;
      closed = true;
      open--;
      client.destroy();
      upstream.destroy();
    };
    client.on("close", done).on("error", done);
    upstream.on("close", done).on("error", done);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the relay has no port");
  return {
    port: address.port,
    open: () => open,
    mostAtOnce: () => most,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describeWithRig("IMAP connections to one inbox across server instances", () => {
  let relay: CountingRelay;
  let user: RigUser;
  const instances: TestServer[] = [];

  beforeAll(async () => {
    if (rig === undefined) return;
    relay = await startCountingRelay(rig.imapPort);
    user = await createRigUser(rig, "pool-bound");
    await writeMaildirMessages(
      rig,
      user.address,
      "INBOX",
      Array.from({ length: 30 }, (_, i) => ({
        raw: `From: a@example.com\r\nTo: ${user.address}\r\nSubject: Message ${i}\r\nMessage-ID: <m${i}@example.com>\r\n\r\nBody ${i}\r\n`,
        receivedAt: new Date(Date.UTC(2026, 10, 1, 0, i)),
      })),
    );
    // The SMTP side is never used here; the IMAP side goes through the relay.
    const settings = {
      ...imapSettingsFor(rig, user, 1),
      imap: { host: "127.0.0.1", port: relay.port, security: "plaintext" },
    };
    for (let i = 0; i < INSTANCES; i++) {
      instances.push(
        await startTestServer({
          registry: { imapPool: { maxConnectionsPerInbox: POOL_SIZE, idleCloseMs: 60_000 } },
          inboxes: [{ kind: "imap", addresses: [user.address], secret: JSON.stringify(settings) }],
        }),
      );
    }
  });
  afterAll(async () => {
    for (const instance of instances) await instance.close();
    await relay?.close();
  });

  it(`stays within ${INSTANCES} instances x ${POOL_SIZE} connections however many calls run at once, and closes them all on shutdown`, async () => {
    const calls = instances.flatMap((instance) =>
      Array.from({ length: CALLS_PER_INSTANCE }, (_, i) =>
        post(instance, toolCall("list_inbox", { inbox_id: instance.extraInboxes[0]?.id, limit: 5, offset: i }, i), {
          key: instance.keys.live,
          revision: "2025-06-18",
        }),
      ),
    );
    const answers = await Promise.all(calls);
    for (const answer of answers) expect(answer.json).toMatchObject({ result: { structuredContent: { total: 30 } } });
    expect(relay.mostAtOnce()).toBeLessThanOrEqual(INSTANCES * POOL_SIZE);
    // Not a pool of one in disguise: the calls did run on several connections at once.
    expect(relay.mostAtOnce()).toBeGreaterThan(POOL_SIZE);
    for (const instance of instances.splice(0)) await instance.close();
    await expect.poll(() => relay.open(), { timeout: 5_000 }).toBe(0);
  });
});
