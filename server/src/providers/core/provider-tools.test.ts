// How every provider's failures reach the caller: one mapping, whatever the service.
import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import type { SendEmailArgs } from "@mcpemails/generated";
import { ParameterError } from "../provider.js";
import { assembleProvider, type ProviderTools, type ToolCall } from "./provider-tools.js";
import { ProviderFailure } from "./provider-failure.js";

const INBOX = "5b0b2d0e-7a51-4d8e-9c0f-1f7b3a9e2c11";
const live = () => new AbortController().signal;
const SEND: SendEmailArgs = {
  inbox_id: INBOX,
  to: ["bob@example.test"],
  subject: "Hi",
  body: "Hello",
  cc: [],
  bcc: [],
  attachments: [],
};
const READ = {
  inbox_id: INBOX,
  message_id: "m1",
  include_html: false,
  include_attachments: false,
  mark_as_read: false,
  body_format: "text",
  strip_quoted: false,
} as const;
const SEARCH = { inbox_id: INBOX, query: "from:bob", syntax: "portable", limit: 20, offset: 0 } as const;
const LIST = { inbox_id: INBOX, limit: 20, offset: 0, folder: "INBOX", unread_only: false } as const;

class ServiceError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

/** A provider whose every tool runs `body`; ServiceError is the service's, anything else a bug. */
function providerRunning(body: (call: ToolCall) => Promise<never>) {
  const tool = (_context: unknown, _args: unknown, call: ToolCall) => body(call);
  return assembleProvider({
    service: "Example Mail",
    context: {},
    tools: {
      list_inbox: tool,
      read_email: tool,
      search_emails: tool,
      send_email: tool,
      reply_to_email: tool,
    } as unknown as ProviderTools<unknown>,
    classify: (error) =>
      error instanceof ServiceError
        ? new ProviderFailure(error.status >= 500 ? "unavailable" : "refused", `Example Mail answered ${error.status}`)
        : undefined,
  });
}

describe("a provider's failures, as the caller reads them", () => {
  it("refused credentials are auth_failed naming the inbox", async () => {
    const provider = providerRunning(async () => {
      throw new ProviderFailure("auth", "the grant was revoked");
    });
    expect(await provider.list_inbox(LIST, live())).toMatchObject({ isError: true, errorCode: "auth_failed" });
  });

  it("a message the service does not have is message_not_found for a tool given its id, provider_error for others", async () => {
    const provider = providerRunning(async () => {
      throw new ProviderFailure("not_found", "no such message");
    });
    expect(await provider.read_email(READ, live())).toMatchObject({ errorCode: "message_not_found" });
    expect(await provider.list_inbox(LIST, live())).toMatchObject({ errorCode: "provider_error" });
  });

  it("throttling carries the service's retryAfter", async () => {
    const provider = providerRunning(async () => {
      throw new ProviderFailure("rate_limited", "slow down", 42);
    });
    expect(await provider.search_emails(SEARCH, live())).toMatchObject({ errorCode: "provider_error", retryAfter: 42 });
  });

  it("a send that fails before handing the message over says nothing was sent", async () => {
    const provider = providerRunning(async () => {
      throw new ServiceError(503);
    });
    const result = await provider.send_email(SEND, live());
    expect(result).toMatchObject({ errorCode: "provider_error" });
    expect(result).not.toHaveProperty("deliveryStatus");
    expect(JSON.stringify(result)).toContain("Nothing was sent.");
  });

  it("a send with no answer after handing the message over is deliveryStatus unknown", async () => {
    const provider = providerRunning(async (call) => {
      call.handingOver();
      throw new ServiceError(503);
    });
    const result = await provider.send_email(SEND, live());
    expect(result).toMatchObject({ errorCode: "provider_error", deliveryStatus: "unknown" });
    expect(JSON.stringify(result)).toContain("Example Mail may have sent the message");
  });

  it("a send the service answered no to after the hand-over still sent nothing", async () => {
    const provider = providerRunning(async (call) => {
      call.handingOver();
      throw new ServiceError(400);
    });
    const result = await provider.send_email(SEND, live());
    expect(result).not.toHaveProperty("deliveryStatus");
    expect(JSON.stringify(result)).toContain("Nothing was sent.");
  });

  it("this server's own bug is never blamed on the service: rethrown before the hand-over, unknown after it", async () => {
    const bug = new TypeError("cannot read properties of undefined");
    const before = providerRunning(async () => {
      throw bug;
    });
    await expect(before.send_email(SEND, live())).rejects.toBe(bug);
    await expect(before.read_email(READ, live())).rejects.toBe(bug);
    const after = providerRunning(async (call) => {
      call.handingOver();
      throw bug;
    });
    expect(await after.send_email(SEND, live())).toMatchObject({ deliveryStatus: "unknown" });
  });

  it("a parameter the provider cannot honour travels on as a ParameterError (-32602 above)", async () => {
    const refusal = new ParameterError("query", "query_term", "unknown operator");
    const provider = providerRunning(async () => {
      throw refusal;
    });
    await expect(provider.search_emails(SEARCH, live())).rejects.toBe(refusal);
  });

  it("the caller's own abort is rethrown: nobody waits for an answer", async () => {
    const controller = new AbortController();
    const provider = providerRunning(async (call) => {
      controller.abort();
      throw call.signal.reason;
    });
    await expect(provider.send_email(SEND, controller.signal)).rejects.toBeDefined();
  });

  it("a read that finished after its caller left does not resolve normally; a finished send does", async () => {
    const controller = new AbortController();
    const tool = async () => {
      controller.abort();
      return { message_id: "m", thread_id: "t", rfc822_message_id: "<m@x>" } as never;
    };
    const provider = assembleProvider({
      service: "Example Mail",
      context: {},
      tools: everyTool(tool),
      classify: () => undefined,
    });
    await expect(provider.read_email(READ, controller.signal)).rejects.toBeDefined();
    expect(await provider.send_email(SEND, controller.signal)).toMatchObject({ message_id: "m" });
  });

  it("leaves no listener on the caller's signal once a call is over, however many calls share it", async () => {
    const caller = new AbortController().signal;
    const tool = async () => ({ messages: [] }) as never;
    const provider = assembleProvider({
      service: "Example Mail",
      context: {},
      tools: everyTool(tool),
      classify: () => undefined,
    });
    await Promise.all(Array.from({ length: 25 }, () => provider.list_inbox(LIST, caller)));
    await provider.search_emails(SEARCH, caller);
    expect(getEventListeners(caller, "abort")).toHaveLength(0);
  });

  it("a send the caller left after the hand-over is still settled as unknown, so its key and quota stay", async () => {
    const controller = new AbortController();
    const provider = providerRunning(async (call) => {
      call.handingOver();
      controller.abort();
      throw call.signal.reason;
    });
    expect(await provider.send_email(SEND, controller.signal)).toMatchObject({ deliveryStatus: "unknown" });
  });
});

describe("the search deadline", () => {
  it("is the search's alone: other tools wait on the caller's own signal", async () => {
    const seen: AbortSignal[] = [];
    const provider = providerRunning(async (call) => {
      seen.push(call.signal);
      throw new ServiceError(503);
    });
    const caller = live();
    await provider.search_emails(SEARCH, caller);
    await provider.list_inbox(LIST, caller);
    expect(seen[0]).not.toBe(caller);
    expect(seen[1]).toBe(caller);
  });

  it("answers search_timeout when the deadline ended the search, whatever the service was doing", async () => {
    const { vi } = await import("vitest");
    vi.useFakeTimers();
    try {
      const provider = providerRunning(
        (call) =>
          new Promise<never>((_resolve, reject) =>
            call.signal.addEventListener("abort", () => reject(new ServiceError(503)), { once: true }),
          ),
      );
      const answer = provider.search_emails(SEARCH, live());
      await vi.advanceTimersByTimeAsync(30_000);
      expect(await answer).toMatchObject({ errorCode: "search_timeout", timeoutSeconds: 30 });
    } finally {
      vi.useRealTimers();
    }
  });
});

function everyTool(tool: () => Promise<never>) {
  return {
    list_inbox: tool,
    read_email: tool,
    search_emails: tool,
    send_email: tool,
    reply_to_email: tool,
    list_folders: tool,
    get_thread: tool,
    get_attachment: tool,
    create_draft: tool,
    update_draft: tool,
    delete_draft: tool,
    send_draft: tool,
  };
}
