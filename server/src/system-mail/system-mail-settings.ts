// The SMTP relay the server sends its own notices through (MCPEMAILS_SYSTEM_SMTP_URL, with any
// credentials in the URL, and MCPEMAILS_SYSTEM_MAIL_FROM). Optional: without it no notice is sent.
// Errors name the variable and what is wrong, never the URL itself, which may hold a password.
import { isEmail } from "./is-email.js";

export interface SystemMailSettings {
  smtpUrl: string;
  from: string;
}

const set = (value: string | undefined) => (value === undefined || value.trim() === "" ? undefined : value.trim());

export function systemMailSettings(env: NodeJS.ProcessEnv): SystemMailSettings | undefined {
  const smtpUrl = set(env.MCPEMAILS_SYSTEM_SMTP_URL);
  const from = set(env.MCPEMAILS_SYSTEM_MAIL_FROM);
  if (smtpUrl === undefined && from === undefined) return undefined;
  if (smtpUrl === undefined || from === undefined)
    throw new Error("Set both MCPEMAILS_SYSTEM_SMTP_URL and MCPEMAILS_SYSTEM_MAIL_FROM, or neither.");
  let url: URL;
  try {
    url = new URL(smtpUrl);
  } catch {
    throw new Error("MCPEMAILS_SYSTEM_SMTP_URL is not a URL (expected smtp://user:password@host:port or smtps://...).");
  }
  if (url.protocol !== "smtp:" && url.protocol !== "smtps:")
    throw new Error(`MCPEMAILS_SYSTEM_SMTP_URL must start with smtp:// or smtps://, not ${url.protocol}//.`);
  if (url.hostname === "") throw new Error("MCPEMAILS_SYSTEM_SMTP_URL names no host.");
  if (!isEmail(from)) throw new Error(`MCPEMAILS_SYSTEM_MAIL_FROM must be one email address, not ${from}.`);
  return { smtpUrl, from };
}
