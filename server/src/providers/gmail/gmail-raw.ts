// One message's raw RFC 5322 source (format raw), as read_email and reply_to_email parse it. Gmail's
// ids are hexadecimal: anything else cannot be one (Gmail would answer 400, not 404), so it names
// no message and costs no request.
import type { gmail_v1 } from "@googleapis/gmail";
import { ProviderFailure } from "../core/provider-failure.js";
import type { GmailContext } from "./gmail-context.js";

export async function rawMessage(
  context: GmailContext,
  id: string,
  signal: AbortSignal,
): Promise<{ message: gmail_v1.Schema$Message; raw: Buffer }> {
  if (!/^[0-9a-f]{1,64}$/iu.test(id)) throw new ProviderFailure("not_found", "Gmail has no such message");
  const { calls } = context;
  const message = (
    await calls.call(
      (options) => calls.api.users.messages.get({ userId: "me", id, format: "raw" }, options),
      signal,
      true,
    )
  ).data;
  return { message, raw: Buffer.from(message.raw ?? "", "base64url") };
}
