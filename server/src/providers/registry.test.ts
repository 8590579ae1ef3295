import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { inputValidators, providerError, type ToolArgs, type ToolName } from "@mcpemails/generated";
import { FAKE_MICROSOFT_APP, startGraphFake, type GraphFakeSession } from "../../test/fakes/outlook/fake-session.js";
import {
  availableStores,
  post,
  startTestServer,
  toolCall,
  type StoreKind,
  type TestServer,
} from "../../test/support/test-server.js";
import type * as SecretsModule from "../store/secrets.js";
import type { InboxRecord, InboxSecretWrite } from "../store/store.js";
import type * as OutlookProviderModule from "./outlook/outlook-provider.js";
import { createOutlookProvider, type OutlookProviderOptions } from "./outlook/outlook-provider.js";
import { createProviderRegistry, findSandboxInbox } from "./registry.js";
import { sandboxAddress } from "./sandbox/address.js";
import { createInMemoryMailbox } from "../../test/support/in-memory-mailbox.js";

/** Every AES-GCM open of a sealed secret, wherever the store's secret box is used. */
const secretOpens = vi.hoisted(() => ({ count: 0 }));
vi.mock("../store/secrets.js", async (importOriginal) => {
  const original = await importOriginal<typeof SecretsModule>();
  return {
    ...original,
    createSecretBox(key: Buffer) {
      const box = original.createSecretBox(key);
      return {
        seal: box.seal,
        open(sealed: string, context: string) {
          secretOpens.count += 1;
          return box.open(sealed, context);
        },
      };
    },
  };
});
// Every Outlook provider made, with what it was made from.
vi.mock("./outlook/outlook-provider.js", async (importOriginal) => {
  const original = await importOriginal<typeof OutlookProviderModule>();
  return { ...original, createOutlookProvider: vi.fn(original.createOutlookProvider) };
});
const outlookProvidersMade = (inboxId: string): OutlookProviderOptions[] =>
  vi
    .mocked(createOutlookProvider)
    .mock.calls.map(([options]) => options)
    .filter((options) => options.inbox.id === inboxId);

function record(id: string, workspaceId: string, kind: InboxRecord["kind"] = "sandbox"): InboxRecord {
  return {
    id,
    workspaceId,
    mode: kind === "sandbox" ? "test" : "live",
    kind,
    addresses: [kind === "sandbox" ? sandboxAddress(id) : `${id}@example.com`],
    secret: null,
    createdAt: "2026-11-23T00:00:00.000Z",
  };
}

const first = record("aaaaaaaa-0000-4000-8000-000000000001", "w1");
const second = record("bbbbbbbb-0000-4000-8000-000000000002", "w1");
const elsewhere = record("cccccccc-0000-4000-8000-000000000003", "w2");
const gmail = record("dddddddd-0000-4000-8000-000000000004", "w1", "gmail");
const inboxes = [first, second, elsewhere, gmail];

function store() {
  return {
    ...createInMemoryMailbox(),
    listInboxes: async (workspaceId?: string) =>
      inboxes.filter((inbox) => workspaceId === undefined || inbox.workspaceId === workspaceId),
  };
}

const signal = new AbortController().signal;

/** Arguments as the MCP layer passes them: validated, defaults applied. */
function args<T extends ToolName>(tool: T, input: Record<string, unknown>): ToolArgs[T] {
  const checked = inputValidators[tool](input);
  if (!checked.ok) throw new Error(checked.problem.message);
  return checked.value as ToolArgs[T];
}

describe("findSandboxInbox", () => {
  it("finds a sandbox inbox of the workspace by address, whatever the case", async () => {
    expect(await findSandboxInbox(store(), "w1", sandboxAddress(second.id).toUpperCase())).toBe(second);
  });

  it("finds nothing in another workspace, and never a live inbox", async () => {
    expect(await findSandboxInbox(store(), "w1", sandboxAddress(elsewhere.id))).toBeUndefined();
    expect(await findSandboxInbox(store(), "w1", gmail.addresses[0] ?? "")).toBeUndefined();
  });
});

describe("createProviderRegistry", () => {
  it("serves sandbox inboxes, delivering to the workspace's other sandbox inboxes", async () => {
    const shared = store();
    const providerFor = createProviderRegistry(shared, { now: () => new Date("2026-11-23T12:00:00.000Z") });
    const sent = await providerFor(first).send_email(
      args("send_email", {
        inbox_id: first.id,
        to: [sandboxAddress(second.id), sandboxAddress(elsewhere.id)],
        subject: "Hi",
        body: "Hello",
      }),
      signal,
    );
    expect(sent).toMatchObject({ message_id: expect.any(String) });
    expect(await providerFor(second).list_inbox(args("list_inbox", { inbox_id: second.id }), signal)).toMatchObject({
      total: 1,
      messages: [{ subject: "Hi", date: "2026-11-23T12:00:00.000Z" }],
    });
    expect(
      await providerFor(elsewhere).list_inbox(args("list_inbox", { inbox_id: elsewhere.id }), signal),
    ).toMatchObject({ total: 0 });
  });

  it("answers provider_error naming the missing configuration when no OAuth app is configured, sending nothing", async () => {
    const answer = await createProviderRegistry(store())(gmail).list_inbox(
      args("list_inbox", { inbox_id: gmail.id }),
      signal,
    );
    expect(answer).toMatchObject({ isError: true, errorCode: "provider_error" });
    expect(answer).toHaveProperty(
      "content.0.text",
      `The provider failed: gmail inbox ${gmail.id} cannot be served: this server has no Google OAuth client configured (GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET); nothing was read or sent.`,
    );
  });

  it("serves a kind through the module registered for it, and answers provider_error for a kind none serves", async () => {
    const imap = record("eeeeeeee-0000-4000-8000-000000000006", "w1", "imap");
    const served: string[] = [];
    const registry = createProviderRegistry(store(), {
      modules: [
        {
          kind: "imap",
          create: (inbox) => {
            served.push(inbox.id);
            return { ...unavailable("registered"), close: async () => undefined };
          },
        },
      ],
    });
    await registry(imap).list_inbox(args("list_inbox", { inbox_id: imap.id }), signal);
    expect(served).toEqual([imap.id]);
    const answer = await registry(gmail).list_inbox(args("list_inbox", { inbox_id: gmail.id }), signal);
    expect(answer).toHaveProperty(
      "content.0.text",
      `The provider failed: gmail inbox ${gmail.id} cannot be served: this server has no provider for gmail inboxes; nothing was read or sent.`,
    );
  });

  it("answers provider_error when an inbox's stored settings are unreadable", async () => {
    const broken = {
      ...record("eeeeeeee-0000-4000-8000-000000000005", "w1", "imap"),
      secret: JSON.stringify({ user: "u" }),
    };
    const answer = await createProviderRegistry(store())(broken).read_email(
      args("read_email", { inbox_id: broken.id, message_id: "m1" }),
      signal,
    );
    expect(answer).toMatchObject({ isError: true, errorCode: "provider_error" });
    expect(answer).toHaveProperty(
      "content.0.text",
      expect.stringContaining("the stored IMAP settings of this inbox are incomplete"),
    );
  });
});

describe("createProviderRegistry keeps a real mailbox's provider while its credentials are unchanged", () => {
  const imapSettings = (password: string) =>
    JSON.stringify({
      imap: { host: "127.0.0.1", port: 10143, security: "plaintext" },
      smtp: { host: "127.0.0.1", port: 10025, security: "plaintext" },
      user: "ada",
      password,
      address: "ada@example.com",
    });
  const imap = (password: string): InboxRecord => ({
    ...record("ffffffff-0000-4000-8000-000000000006", "w1", "imap"),
    secret: imapSettings(password),
  });

  it("serves every call with one provider while the settings are unchanged, and makes another for each change, even back to an earlier value", async () => {
    const providerFor = createProviderRegistry(store());
    const first = providerFor(imap("first password"));
    expect(providerFor(imap("first password"))).toBe(first);
    const changed = providerFor(imap("second password"));
    expect(changed).not.toBe(first);
    expect(providerFor(imap("second password"))).toBe(changed);
    const restored = providerFor(imap("first password"));
    expect([first, changed]).not.toContain(restored);
    await providerFor.close();
  });

  describe("an Outlook inbox, across token refreshes (the Graph fake)", () => {
    let session: GraphFakeSession;
    beforeAll(() => {
      session = startGraphFake();
    });
    afterAll(() => session.close());

    it("serves a record read before the provider's own save of its token cache, and one read after it, with the same provider", async () => {
      const grace = "grace@contoso.test";
      let stored = JSON.stringify(await session.connect(grace));
      let storedStamp = "stamp 0";
      const readBefore: InboxRecord = {
        ...record("abababab-0000-4000-8000-000000000007", "w1", "outlook"),
        addresses: [grace],
        secret: stored,
        secretStamp: storedStamp,
      };
      let writes = 0;
      const providerFor = createProviderRegistry(
        {
          ...store(),
          updateInboxSecret: async (_id: string, secret: string, options?: InboxSecretWrite) => {
            const stamp = `stamp ${++writes}`;
            options?.beforeWrite?.(stamp);
            if (options?.ifStamp !== undefined && options.ifStamp !== storedStamp) return undefined;
            [stored, storedStamp] = [secret, stamp];
            return stamp;
          },
        },
        { microsoft: FAKE_MICROSOFT_APP },
      );
      const provider = providerFor(readBefore);
      session.fake.expireAccessTokens(grace);
      expect(await provider.list_inbox(args("list_inbox", { inbox_id: readBefore.id }), signal)).not.toHaveProperty(
        "isError",
      );
      expect(stored).not.toBe(readBefore.secret);

      expect(storedStamp).not.toBe(readBefore.secretStamp);

      expect(providerFor({ ...readBefore, secret: stored, secretStamp: storedStamp })).toBe(provider);
      expect(providerFor(readBefore)).toBe(provider);
      expect(outlookProvidersMade(readBefore.id)).toHaveLength(1);
      await providerFor.close();
    });

    describe.each(availableStores())("on a server over the %s store", (storeKind: StoreKind) => {
      const ADA = "ada@contoso.test";
      let server: TestServer;
      let inboxId: string;
      beforeAll(async () => {
        server = await startTestServer({
          store: storeKind,
          inboxes: [{ kind: "outlook", addresses: [ADA], secret: JSON.stringify(await session.connect(ADA)) }],
          registry: { microsoft: FAKE_MICROSOFT_APP },
          rateWindows: [{ name: "minute", seconds: 60, limit: 100_000 }],
        });
        inboxId = (server.extraInboxes[0] as InboxRecord).id;
      });
      afterAll(() => server.close());

      /** tools/call list_inbox on the Outlook inbox, which must answer. */
      async function listInbox(): Promise<void> {
        const response = await post(server, toolCall("list_inbox", { inbox_id: inboxId }), {
          key: server.keys.live,
          revision: "2025-06-18",
        });
        expect(response.json).toMatchObject({ result: { structuredContent: { messages: [] } } });
      }
      const stored = async () => (await server.store.getInbox(inboxId))?.secret;

      it("makes one provider across a token refresh: its own save of the refreshed token cache is no change", async () => {
        await listInbox();
        const before = await stored();
        session.fake.expireAccessTokens(ADA);
        session.fake.resetCounts();

        await listInbox();
        await listInbox();

        expect(session.fake.requestCounts()["POST login/token"]).toBe(1);
        expect(await stored()).not.toBe(before);
        expect(outlookProvidersMade(inboxId)).toHaveLength(1);
      });

      it("opens no secret on a warm inbox's call: the store reads the record without opening it, and the registry compares stamps", async () => {
        await listInbox();
        const calls = 5;
        secretOpens.count = 0;
        for (let i = 0; i < calls; i++) await listInbox();
        expect({ perCall: secretOpens.count / calls }).toEqual({ perCall: 0 });
      });

      it("makes a new provider, once, when someone else reconnects the inbox (a new grant), and drops the replaced one's late save", async () => {
        await listInbox();
        const made = outlookProvidersMade(inboxId).length;
        const live = outlookProvidersMade(inboxId).at(-1) as OutlookProviderOptions;
        const reconnected = JSON.stringify(await session.connect(ADA));
        expect(await server.store.updateInboxSecret(inboxId, reconnected)).toEqual(expect.any(String));
        // The provider still kept saves its token cache before any call reads the new grant: it was
        // written over the settings it knew, so nothing is written.
        await live.saveSettings(live.settings);
        expect(await stored()).toBe(reconnected);

        await listInbox();
        await listInbox();

        const providers = outlookProvidersMade(inboxId);
        expect(providers).toHaveLength(made + 1);
        expect(JSON.stringify(providers.at(-1)?.settings)).toBe(reconnected);
        const replaced = providers.at(-2) as OutlookProviderOptions;
        await replaced.saveSettings(replaced.settings);
        expect(await stored()).toBe(reconnected);
        await listInbox();
        expect(outlookProvidersMade(inboxId)).toHaveLength(made + 1);
      });
    });
  });
});

/** A provider whose every tool answers provider_error with this detail. */
function unavailable(detail: string) {
  const answer = async () => providerError({ detail });
  return {
    list_inbox: answer,
    read_email: answer,
    search_emails: answer,
    send_email: answer,
    reply_to_email: answer,
    list_folders: answer,
    get_thread: answer,
    get_attachment: answer,
    create_draft: answer,
    update_draft: answer,
    delete_draft: answer,
    send_draft: answer,
  };
}
