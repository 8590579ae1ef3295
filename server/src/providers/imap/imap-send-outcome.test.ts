// What a failed send says about the message, against an SMTP server scripted line by line: a failure
// before the message itself went (the envelope refused, the server unreachable) says nothing was
// sent; a connection lost while the message was going says the outcome is unknown, so that the
// caller checks SENT instead of sending again.
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { InboxRecord } from "../../store/store.js";
import { LOOPBACK_MAIL_NETWORK } from "../../../test/support/dovecot-rig.js";
import { createImapProvider } from "./imap-provider.js";
import type { ImapSettings } from "./imap-settings.js";

type Script = "drop during DATA" | "refuse MAIL FROM";

/**
 * A minimal SMTP server (RFC 5321) that follows the script; counts the messages that began to arrive
 * (the recipient pre-flight also reaches DATA, then leaves without sending a message).
 */
async function scriptedSmtp(script: Script): Promise<{ port: number; messagesBegun: () => number; close(): void }> {
  let messagesBegun = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    let inData = false;
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply("220 scripted.test ESMTP");
    let buffered = "";
    socket.on("data", (chunk) => {
      if (inData) {
        if (chunk.toString("latin1").includes("Subject: Hello")) messagesBegun++;
        socket.destroy();
        return;
      }
      buffered += chunk.toString("latin1");
      let end: number;
      while ((end = buffered.indexOf("\r\n")) >= 0) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const verb = line.split(" ")[0]?.toUpperCase();
        if (verb === "EHLO") reply("250-scripted.test\r\n250 AUTH PLAIN");
        else if (verb === "AUTH") reply("235 2.7.0 Authentication successful");
        else if (verb === "MAIL") reply(script === "refuse MAIL FROM" ? "550 5.7.1 Sender refused" : "250 OK");
        else if (verb === "RCPT") reply("250 OK");
        else if (verb === "DATA") {
          inData = true;
          reply("354 Go ahead");
        } else if (verb === "QUIT") {
          reply("221 Bye");
          socket.end();
        } else reply("250 OK");
      }
    });
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    messagesBegun: () => messagesBegun,
    close() {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

const INBOX_ID = "6a1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const signal = new AbortController().signal;
const send = {
  inbox_id: INBOX_ID,
  to: ["someone@example.test"],
  subject: "Hello",
  body: "Hi.",
  cc: [],
  bcc: [],
  attachments: [],
};
let smtp: Awaited<ReturnType<typeof scriptedSmtp>> | undefined;
afterEach(() => smtp?.close());

function providerSendingThrough(port: number) {
  const settings: ImapSettings = {
    // Never reached: a failed send files no copy.
    imap: { host: "127.0.0.1", port: 1, security: "plaintext" },
    smtp: { host: "127.0.0.1", port, security: "plaintext" },
    user: "ada@example.test",
    password: "not-a-real-password",
    address: "ada@example.test",
  };
  const inbox = { id: INBOX_ID, workspaceId: "w", mode: "live", kind: "imap", addresses: [settings.address] };
  return createImapProvider({
    inbox: inbox as unknown as InboxRecord,
    settings,
    pool: { maxConnectionsPerInbox: 1, idleCloseMs: 1_000 },
    network: LOOPBACK_MAIL_NETWORK,
  });
}

describe("the outcome of a failed IMAP/SMTP send", () => {
  it("is unknown when the connection is lost while the message itself is going", async () => {
    smtp = await scriptedSmtp("drop during DATA");
    const provider = providerSendingThrough(smtp.port);
    const result = await provider.send_email(send, signal);
    expect(smtp.messagesBegun()).toBe(1);
    expect(result).toMatchObject({ isError: true, errorCode: "provider_error", deliveryStatus: "unknown" });
    expect(JSON.stringify(result)).toMatch(/may have sent the message\. Check SENT before sending again/);
    await provider.close();
  });

  it("is nothing sent when the server refuses the envelope before the message goes", async () => {
    smtp = await scriptedSmtp("refuse MAIL FROM");
    const provider = providerSendingThrough(smtp.port);
    const result = await provider.send_email(send, signal);
    expect(smtp.messagesBegun()).toBe(0);
    expect(result).toMatchObject({ isError: true, errorCode: "provider_error" });
    expect(result).not.toHaveProperty("deliveryStatus");
    expect(JSON.stringify(result)).toMatch(/Sender refused.*Nothing was sent\./);
    await provider.close();
  });

  it("is nothing sent when the SMTP server cannot be reached, and names no password", async () => {
    const provider = providerSendingThrough(1);
    const result = await provider.send_email(send, signal);
    expect(result).toMatchObject({ isError: true, errorCode: "provider_error" });
    expect(result).not.toHaveProperty("deliveryStatus");
    expect(JSON.stringify(result)).toMatch(/Nothing was sent\./);
    expect(JSON.stringify(result)).not.toContain("not-a-real-password");
    await provider.close();
  });
});
