// The SMTP server of the Dovecot rig: smtp-server on loopback that takes mail from rig users
// (AUTH against the rig's passwd file) for rig users, and hands each message to Dovecot over LMTP
// with nodemailer before it answers the client, so "250" means "in the recipients' INBOX".
import { createTransport } from "nodemailer";
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from "smtp-server";
import type { AddressInfo } from "node:net";
import { checkRigPassword, isRigUser, type DovecotRig } from "./dovecot-rig.js";

export interface SmtpRelay {
  port: number;
  close(): Promise<void>;
  /** How many messages were accepted (and delivered) so far. */
  accepted(): number;
}

/** Larger messages are refused with 552; the spec's attachment limit (25 MB decoded) fits base64-encoded. */
export const RELAY_MAX_MESSAGE_BYTES = 30 * 1024 * 1024;

export interface SmtpRelayOptions {
  rig: DovecotRig;
  /** Takes XOAUTH2 logins too, each access token checked by this (as Gmail's and Microsoft 365's SMTP do). */
  checkAccessToken?: (user: string, accessToken: string) => boolean;
}

export async function startSmtpRelay({ rig, checkAccessToken }: SmtpRelayOptions): Promise<SmtpRelay> {
  const lmtp = createTransport({ host: rig.host, port: rig.lmtpPort, lmtp: true, secure: false, ignoreTLS: true });
  let accepted = 0;

  const server = new SMTPServer({
    banner: "MCPEmails test relay",
    secure: false,
    disabledCommands: ["STARTTLS"],
    authMethods: checkAccessToken === undefined ? ["PLAIN", "LOGIN"] : ["PLAIN", "LOGIN", "XOAUTH2"],
    allowInsecureAuth: true,
    size: RELAY_MAX_MESSAGE_BYTES,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.method === "XOAUTH2") {
        if (checkAccessToken?.(auth.username ?? "", auth.accessToken ?? "") === true)
          return callback(null, { user: auth.username });
        // RFC 7628's failure: smtp-server sends this JSON as the 334 challenge, then 535 (smtp-server's docs, onAuth).
        return callback(null, { data: { status: "401", schemes: "bearer", scope: "https://mail.google.com/" } });
      }
      checkRigPassword(rig, auth.username ?? "", auth.password ?? "").then(
        (ok) =>
          ok
            ? callback(null, { user: auth.username })
            : callback(smtpError(535, "Authentication failed: wrong user name or password")),
        (error: unknown) => callback(smtpError(454, `Authentication unavailable: ${String(error)}`)),
      );
    },
    onRcptTo(address, _session, callback) {
      isRigUser(rig, address.address).then(
        (known) => (known ? callback() : callback(smtpError(550, `<${address.address}>: no such user`))),
        (error: unknown) => callback(smtpError(451, `Recipient check failed: ${String(error)}`)),
      );
    },
    onData(stream, session, callback) {
      deliver(stream, session).then(
        () => {
          accepted += 1;
          callback(null, "Delivered");
        },
        (error: Error) => callback(error),
      );
    },
  });

  async function deliver(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    if (stream.sizeExceeded) throw smtpError(552, `Message exceeds the limit of ${RELAY_MAX_MESSAGE_BYTES} bytes`);
    const recipients = session.envelope.rcptTo.map((rcpt) => rcpt.address);
    const from = session.envelope.mailFrom === false ? "" : session.envelope.mailFrom.address;
    let info;
    try {
      info = await lmtp.sendMail({ envelope: { from, to: recipients }, raw: Buffer.concat(chunks) });
    } catch (error) {
      throw smtpError(451, `Delivery to Dovecot over LMTP failed: ${(error as Error).message}`);
    }
    // LMTP answers once per recipient; after DATA, SMTP can only accept or refuse the whole message.
    if (info.rejected.length > 0)
      throw smtpError(451, `Dovecot refused delivery to ${info.rejected.map(String).join(", ")}`);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    accepted: () => accepted,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      lmtp.close();
    },
  };
}

function smtpError(responseCode: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode });
}
