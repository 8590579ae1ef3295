// Sends the server's own notices (plain text only) through the configured relay. A failing relay is
// logged, never thrown: a notice must not fail what caused it. The log names the failure's code and
// the recipients' count, never the relay URL (credentials) nor the message (it may carry a token).
import { createTransport } from "nodemailer";

export interface SystemNotice {
  to: string[];
  subject: string;
  text: string;
}

export interface SystemMailer {
  send(notice: SystemNotice): Promise<boolean>;
  close(): void;
}

export interface SystemMailLog {
  warn(details: object, message: string): void;
}

const failureCode = (error: unknown): string =>
  typeof error === "object" && error !== null && "code" in error && typeof error.code === "string"
    ? error.code
    : "unknown";

export function createSystemMailer(settings: { smtpUrl: string; from: string }, log: SystemMailLog): SystemMailer {
  const transport = createTransport(settings.smtpUrl);
  return {
    async send(notice) {
      if (notice.to.length === 0) return false;
      try {
        await transport.sendMail({ from: settings.from, to: notice.to, subject: notice.subject, text: notice.text });
        return true;
      } catch (error) {
        log.warn({ code: failureCode(error), recipients: notice.to.length }, "system mail not sent");
        return false;
      }
    },
    close: () => transport.close(),
  };
}
