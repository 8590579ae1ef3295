import { describe, expect, it } from "vitest";
import { inputValidators, type ToolArgs, type ToolName } from "@mcpemails/generated";
import type { InboxRecord } from "../store/store.js";
import { createProviderRegistry, findSandboxInbox } from "./registry.js";
import { sandboxAddress } from "./sandbox/address.js";
import { createInMemoryMailbox } from "./sandbox/in-memory-mailbox.js";

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
