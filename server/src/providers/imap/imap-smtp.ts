// Sending over the inbox's SMTP server with nodemailer's SMTP connection: the composed source as is,
// the envelope naming every recipient (Bcc included). A recipient the server refuses stops the send
// before any copy leaves: SMTP delivers to the accepted recipients of a transaction even when others
// were refused, so the envelope is tried first on a connection of its own (MAIL FROM, every RCPT TO
// and DATA, then the connection closed before the message's final "." (RFC 5321 §4.1.1.4: the server
// takes the message only at that line), which abandons it), and the message goes on a second
// connection only when every recipient was accepted. (RSET would save the second login, but nodemailer never answers the
// callback of a reset that follows its envelope step.) A send is never
// repeated here: a failure once the message may have been handed over says so (delivery unknown).
import SMTPConnection from "nodemailer/lib/smtp-connection";
import type SMTPTransport from "nodemailer/lib/smtp-transport";
import { ProviderFailure } from "../core/provider-failure.js";
import { ConnectError } from "../provider-apps.js";
import { quoteServerWords } from "./imap-errors.js";
import type { ImapSettings, TransportSecurity } from "./imap-settings.js";
import {
  imapCredentials,
  smtpConnectionLogin,
  smtpTransportAuth,
  type ImapCredentials,
  type ImapLogin,
} from "./imap-login.js";
import { dialTarget, type DialTarget, type MailNetworkPolicy } from "./mail-network.js";

export type SmtpOutcome =
  | { ok: true }
  | { ok: false; kind: "auth"; words: string }
  | { ok: false; kind: "recipient"; rejected: string[]; words: string }
  /** handedOver: the failure came once the message itself was being sent, so it may have been delivered. */
  | { ok: false; kind: "server"; words: string; handedOver: boolean };

interface SmtpError {
  code?: string;
  command?: string;
  response?: string;
  responseCode?: number;
  message?: string;
  rejected?: unknown[];
}

type EnvelopeInfo = { accepted: string[]; rejected: string[] };

/**
 * SMTPConnection runs MAIL FROM and RCPT TO as the first step of send() (_setEnvelope) and offers no
 * public call for that step alone; the pre-flight uses it. Its presence is checked here and by the
 * tests, so that a nodemailer without it fails loudly rather than sending without the check.
 */
type WithEnvelopeStep = SMTPConnection & {
  _setEnvelope(
    envelope: SMTPConnection.Envelope,
    callback: (error: SmtpError | null, info: EnvelopeInfo) => void,
  ): void;
};

/** nodemailer's words for each security: requireTLS refuses a server that does not offer STARTTLS. */
const SMTP_SECURITY: Record<TransportSecurity, SMTPConnection.Options> = {
  tls: { secure: true },
  starttls: { secure: false, requireTLS: true },
  plaintext: { secure: false, ignoreTLS: true },
};

function smtpConnectionOptions(settings: ImapSettings, target: DialTarget): SMTPConnection.Options {
  return {
    host: target.address,
    ...(target.servername === undefined ? {} : { servername: target.servername }),
    port: settings.smtp.port,
    ...SMTP_SECURITY[settings.smtp.security],
    connectionTimeout: 30_000,
    greetingTimeout: 16_000,
    socketTimeout: 120_000,
    logger: false,
  };
}

/** The same server and login for nodemailer's transport (verifyImapSettings checks them with it). */
export function smtpTransportOptions(
  settings: ImapSettings,
  target: DialTarget,
  login: ImapLogin,
): SMTPTransport.Options {
  return { ...smtpConnectionOptions(settings, target), auth: smtpTransportAuth(login) };
}

export function createSmtpSender(
  settings: ImapSettings,
  network: MailNetworkPolicy,
  credentials: ImapCredentials = imapCredentials(settings, undefined),
) {
  /** A connected, logged-in SMTP connection; errors reach the caller through each step, never as an unhandled event. */
  async function open(): Promise<WithEnvelopeStep> {
    const target = await dialTarget("SMTP", settings.smtp, network);
    const connection = new SMTPConnection(smtpConnectionOptions(settings, target)) as WithEnvelopeStep;
    if (typeof connection._setEnvelope !== "function")
      throw new Error(
        "this nodemailer has no envelope step (SMTPConnection._setEnvelope); the recipient pre-flight cannot run",
      );
    connection.on("error", () => undefined);
    try {
      // A refused or failed connection is reported as an error event, never to connect's callback.
      await step<void>((done) => {
        connection.once("error", (error: SmtpError) => done(error));
        connection.connect((error) => done(error ?? null));
      });
      await step<void>((done) =>
        connection.login(smtpConnectionLogin(settings, credentials), (error) => done(error ?? null)),
      );
      return connection;
    } catch (error) {
      connection.close();
      throw error;
    }
  }
  const finish = (connection: WithEnvelopeStep | undefined) => {
    connection?.quit();
    connection?.close();
  };

  return {
    /** onHandingOver is told just before the message itself goes (DATA): from there on a failure may mean sent. */
    async send(raw: string, recipients: readonly string[], onHandingOver?: () => void): Promise<SmtpOutcome> {
      const envelope = { from: settings.address, to: [...recipients] };
      let handedOver = false;
      let connection: WithEnvelopeStep | undefined;
      try {
        connection = await open();
        const probe = connection;
        const tried = await step<EnvelopeInfo>((done) => probe._setEnvelope(envelope, done));
        if (tried.rejected.length > 0)
          return {
            ok: false,
            kind: "recipient",
            rejected: tried.rejected.map(String),
            words: `the SMTP server refused ${tried.rejected.join(", ")}`,
          };
        finish(connection);
        connection = undefined;
        connection = await open();
        const sender = connection;
        handedOver = true;
        onHandingOver?.();
        const sent = await step<SMTPConnection.SentMessageInfo>((done) => sender.send(envelope, raw, done));
        // Refused now, after accepting the same envelope a moment ago: the message went to the others.
        if (sent.rejected.length > 0)
          return {
            ok: false,
            kind: "server",
            words: `the SMTP server refused ${sent.rejected.join(", ")} while sending`,
            handedOver: true,
          };
        return { ok: true };
      } catch (error) {
        // The OAuth sign-in's own failure (its token endpoint) is already in the taxonomy.
        if (error instanceof ProviderFailure) throw error;
        // This server's own refusal (mail-network.ts) is not the SMTP server's words.
        if (error instanceof ConnectError)
          return { ok: false, kind: "server", words: error.message, handedOver: false };
        const e = error as SmtpError;
        const words = quoteServerWords(e.response ?? e.message ?? "unknown error", settings.password);
        if (e.code === "EAUTH") return { ok: false, kind: "auth", words };
        if (
          e.code === "EENVELOPE" &&
          Array.isArray(e.rejected) &&
          e.rejected.length > 0 &&
          (e.responseCode ?? 550) >= 500
        ) {
          return { ok: false, kind: "recipient", rejected: e.rejected.map(String), words };
        }
        // Only a failure once DATA had begun may have delivered the message.
        const duringData =
          handedOver && !(e.command === "MAIL FROM" || e.command === "RCPT TO" || e.code === "EENVELOPE");
        return { ok: false, kind: "server", words, handedOver: duringData };
      } finally {
        finish(connection);
      }
    },
  };
}

/** One SMTP step as a promise: nodemailer's calls take Node-style callbacks. */
function step<T>(run: (done: (error: SmtpError | null, value?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => run((error, value) => (error ? reject(error) : resolve(value as T))));
}
