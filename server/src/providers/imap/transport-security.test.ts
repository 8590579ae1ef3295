// The password never crosses the network in the clear unless someone chose that by name: with
// STARTTLS required, a server that does not offer it (or a man in the middle who strips it) gets no
// login at all, over IMAP and over SMTP. And what a remote server says reaches an error only as a
// short quoted excerpt.
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterEach, describe, expect, it } from "vitest";
import { LOOPBACK_MAIL_NETWORK } from "../../../test/support/dovecot-rig.js";
import { ConnectError } from "../provider-apps.js";
import { verifyImapSettings } from "./imap-connect.js";
import type { ImapSettings, TransportSecurity } from "./imap-settings.js";
import { createSmtpSender } from "./imap-smtp.js";
import { STRICT_MAIL_NETWORK } from "./mail-network.js";

const PASSWORD = "hunter2-correct-horse";
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** An IMAP server that offers no STARTTLS, records every line it is sent, and answers LOGIN with `loginAnswer`. */
async function plainImapServer(loginAnswer = "NO [AUTHENTICATIONFAILED] no") {
  const lines: string[] = [];
  let connections = 0;
  const server: Server = createServer((socket: Socket) => {
    connections++;
    socket.write("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n");
    let buffered = "";
    socket.on("data", (chunk) => {
      buffered += chunk.toString("latin1");
      for (let end = buffered.indexOf("\r\n"); end >= 0; end = buffered.indexOf("\r\n")) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        lines.push(line);
        const [tag, command] = line.split(" ");
        if (command?.toUpperCase() === "CAPABILITY") socket.write(`* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n${tag} OK\r\n`);
        else if (command?.toUpperCase() === "LOGIN" || command?.toUpperCase() === "AUTHENTICATE")
          socket.write(`${tag} ${loginAnswer}\r\n`);
        else if (command?.toUpperCase() === "LOGOUT") socket.end(`* BYE\r\n${tag} OK\r\n`);
        else socket.write(`${tag} OK\r\n`);
      }
    });
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { port: (server.address() as AddressInfo).port, lines, connections: () => connections };
}

/** An SMTP server that offers no STARTTLS and counts the logins it is offered. */
async function plainSmtpServer() {
  let logins = 0;
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    logger: false,
    onAuth: (_auth, _session, callback) => {
      logins++;
      callback(null, { user: "x" });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { port: (server.server.address() as AddressInfo).port, logins: () => logins };
}

const settings = (imap: [number, TransportSecurity], smtp: [number, TransportSecurity]): ImapSettings => ({
  imap: { host: "127.0.0.1", port: imap[0], security: imap[1] },
  smtp: { host: "127.0.0.1", port: smtp[0], security: smtp[1] },
  user: "me@example.com",
  password: PASSWORD,
  address: "me@example.com",
});

async function refusal(promise: Promise<unknown>): Promise<ConnectError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectError);
  return error as ConnectError;
}

describe("STARTTLS required", () => {
  it("IMAP: a server that does not offer STARTTLS is refused before any login is sent", async () => {
    const imap = await plainImapServer();
    const error = await refusal(
      verifyImapSettings(settings([imap.port, "starttls"], [1, "starttls"]), LOOPBACK_MAIL_NETWORK),
    );
    expect(error.message).toMatch(/^the IMAP server 127\.0\.0\.1:\d+ could not be reached or failed: .*STARTTLS/i);
    expect(imap.lines.some((line) => /LOGIN|AUTHENTICATE/i.test(line))).toBe(false);
    expect(imap.lines.join("\n")).not.toContain(PASSWORD);
  });

  it("SMTP: a server that does not offer STARTTLS is refused before any login is sent", async () => {
    const smtp = await plainSmtpServer();
    const sender = createSmtpSender(settings([1, "plaintext"], [smtp.port, "starttls"]), LOOPBACK_MAIL_NETWORK);
    const outcome = await sender.send("Subject: x\r\n\r\nbody\r\n", ["you@example.com"]);
    expect(outcome).toMatchObject({ ok: false, kind: "server", handedOver: false });
    expect(smtp.logins()).toBe(0);
  });

  it("plaintext, chosen by name, logs in without TLS on loopback", async () => {
    const smtp = await plainSmtpServer();
    const sender = createSmtpSender(settings([1, "plaintext"], [smtp.port, "plaintext"]), LOOPBACK_MAIL_NETWORK);
    expect(await sender.send("Subject: x\r\n\r\nbody\r\n", ["you@example.com"])).toEqual({ ok: true });
    // One login for the recipient pre-flight, one for the send.
    expect(smtp.logins()).toBe(2);
  });
});

describe("internal addresses", () => {
  it("are not dialled at all under the default policy", async () => {
    const imap = await plainImapServer();
    const error = await refusal(
      verifyImapSettings(settings([imap.port, "plaintext"], [1, "plaintext"]), STRICT_MAIL_NETWORK),
    );
    expect(error.message).toContain('the IMAP server "127.0.0.1" is at 127.0.0.1, a loopback address');
    expect(imap.connections()).toBe(0);
  });
});

describe("what a remote server says", () => {
  it("reaches an error only as a short quoted excerpt", async () => {
    const imap = await plainImapServer(`NO ${"internal service banner ".repeat(200)}`);
    const error = await refusal(
      verifyImapSettings(settings([imap.port, "plaintext"], [1, "plaintext"]), LOOPBACK_MAIL_NETWORK),
    );
    const quoted = /: (".*")$/u.exec(error.message)?.[1] ?? "";
    const excerpt = JSON.parse(quoted) as string;
    expect(excerpt).toMatch(/^.*internal service banner.*…$/u);
    expect([...excerpt].length).toBe(161);
  });
});
