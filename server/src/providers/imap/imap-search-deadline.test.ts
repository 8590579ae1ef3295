// A search's deadline is the call's (the spec's search_timeout_seconds, shortened here so that a test
// can pass it): a search still running on the server when it passes answers search_timeout, its
// connection is closed (the command may still run there), and the next call gets a fresh one.
import type * as Generated from "@mcpemails/generated";
import type { ListInboxOutput } from "@mcpemails/generated";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { InboxRecord } from "../../store/store.js";
import {
  createRigUser,
  dovecotRig,
  imapSettingsFor,
  LOOPBACK_MAIL_NETWORK,
  type RigUser,
} from "../../../test/support/dovecot-rig.js";
import { seedBulkMailbox } from "../../../test/support/imap-corpus.js";
import { createImapProvider } from "./imap-provider.js";

const { DEADLINE_SECONDS } = vi.hoisted(() => ({ DEADLINE_SECONDS: 0.02 }));
vi.mock("@mcpemails/generated", async (importOriginal) => {
  const original = await importOriginal<typeof Generated>();
  return { ...original, LIMITS: { ...original.LIMITS, search_timeout_seconds: DEADLINE_SECONDS } };
});

const rig = dovecotRig();
const describeWithRig = rig === undefined ? describe.skip : describe;
const MESSAGES = 20_000;
const signal = new AbortController().signal;
let user: RigUser;
const inbox = { id: "0c7d4f7e-1c1e-4a43-9d1e-7f2b8a6c5d40", addresses: [] } as unknown as InboxRecord;

describeWithRig("the deadline of an IMAP search", () => {
  beforeAll(async () => {
    if (rig === undefined) return;
    user = await createRigUser(rig, "search-deadline");
    await seedBulkMailbox(rig, user.address, MESSAGES);
  }, 120_000);

  const provider = () =>
    createImapProvider({
      inbox: { ...inbox, addresses: [user.address] },
      // The SMTP side is never used here.
      settings: imapSettingsFor(rig!, user, 1),
      pool: { maxConnectionsPerInbox: 1, idleCloseMs: 30_000 },
      network: LOOPBACK_MAIL_NETWORK,
    });

  it("answers search_timeout when the deadline passes, and serves the next call on a fresh connection", async () => {
    const mail = provider();
    try {
      // Warm: the connection is open and the folders listed, so that the deadline meets the SEARCH itself.
      await mail.list_inbox({ inbox_id: inbox.id, folder: "INBOX", unread_only: false, limit: 1, offset: 0 }, signal);
      const result = await mail.search_emails(
        { inbox_id: inbox.id, query: "nothing-matches-this-word", syntax: "portable", limit: 20, offset: 0 },
        signal,
      );
      expect(result).toMatchObject({ isError: true, errorCode: "search_timeout", timeoutSeconds: DEADLINE_SECONDS });
      const next = (await mail.list_inbox(
        { inbox_id: inbox.id, folder: "INBOX", unread_only: false, limit: 1, offset: 0 },
        signal,
      )) as ListInboxOutput;
      expect(next.total).toBe(MESSAGES);
    } finally {
      await mail.close();
    }
  });
});
