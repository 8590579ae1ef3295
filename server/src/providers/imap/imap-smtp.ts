// Sending over the inbox's SMTP server with nodemailer's transport: the composed source as is, the
// envelope naming every recipient (Bcc included). A send is never repeated here: a failure after the
// message may have been handed over says so (delivery unknown) instead.
import nodemailer from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport";
import type { ImapSettings } from "./imap-settings.js";

export type SmtpOutcome =
  | { ok: true }
  | { ok: false; kind: "auth"; words: string }
  | { ok: false; kind: "recipient"; rejected: string[]; words: string }
  /** handedOver: the failure came once the message itself was being sent, so it may have been delivered. */
  | { ok: false; kind: "server"; words: string; handedOver: boolean };

export function smtpTransportOptions(settings: ImapSettings): SMTPTransport.Options {
  return {
    host: settings.smtp.host,
    port: settings.smtp.port,
    secure: settings.smtp.secure,
    auth: { user: settings.user, pass: settings.password },
    connectionTimeout: 30_000,
    greetingTimeout: 16_000,
    socketTimeout: 120_000,
    logger: false,
  };
}

export function createSmtpSender(settings: ImapSettings) {
  const transport = nodemailer.createTransport(smtpTransportOptions(settings));
  return {
    async send(raw: string, recipients: readonly string[]): Promise<SmtpOutcome> {
      try {
        const info = await transport.sendMail({ envelope: { from: settings.address, to: [...recipients] }, raw });
        const rejected = (info.rejected ?? []).map(String);
        // Some recipients refused, others accepted: the message went to the accepted ones, so this is
        // reported as sent; it cannot be taken back (see the report on partial rejections).
        if (rejected.length > 0 && rejected.length === recipients.length) return { ok: false, kind: "recipient", rejected, words: "every recipient was refused" };
        return { ok: true };
      } catch (error) {
        const e = error as { code?: string; command?: string; response?: string; message?: string; rejected?: unknown[]; responseCode?: number };
        const words = redactPassword(e.response ?? e.message ?? "unknown error", settings.password);
        if (e.code === "EAUTH") return { ok: false, kind: "auth", words };
        if (e.code === "EENVELOPE" && Array.isArray(e.rejected) && e.rejected.length > 0 && (e.responseCode ?? 550) >= 500) {
          return { ok: false, kind: "recipient", rejected: e.rejected.map(String), words };
        }
        const handedOver = e.command === "DATA" || e.command === "data" || e.code === "EMESSAGE" || e.code === "ESTREAM";
        return { ok: false, kind: "server", words, handedOver };
      }
    },
    close(): void {
      transport.close();
    },
  };
}

function redactPassword(text: string, password: string): string {
  return (password === "" ? text : text.split(password).join("***")).replace(/\s+/gu, " ").trim().slice(0, 500);
}
