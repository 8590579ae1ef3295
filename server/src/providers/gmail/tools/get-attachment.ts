// One attachment from the message's raw source, found by the MIME part id read_email gave it
// (Gmail's own attachmentId names the part differently, and changes between reads). Its size is
// checked first from the MIME tree (format full, attachment data left out by Gmail), so that a part
// past the cap is refused without downloading the source.
import type { GetAttachmentArgs } from "@mcpemails/generated";
import { attachmentFromSource, overReadLimit } from "../../core/attachment-result.js";
import { ProviderFailure } from "../../core/provider-failure.js";
import type { ToolCall } from "../../core/provider-tools.js";
import type { GmailContext } from "../gmail-context.js";
import { partSize } from "../gmail-part-size.js";
import { rawMessage } from "../gmail-raw.js";

export async function getAttachment(context: GmailContext, args: GetAttachmentArgs, call: ToolCall) {
  if (!/^[0-9a-f]{1,64}$/iu.test(args.message_id)) throw new ProviderFailure("not_found", "Gmail has no such message");
  const { calls } = context;
  const tree = (
    await calls.call(
      (options) => calls.api.users.messages.get({ userId: "me", id: args.message_id, format: "full" }, options),
      call.signal,
      true,
    )
  ).data;
  const size = tree.payload === undefined ? undefined : partSize(tree.payload, args.attachment_id);
  const refused = size === undefined ? undefined : overReadLimit(args, size);
  if (refused !== undefined) return refused;
  const { raw } = await rawMessage(context, args.message_id, call.signal);
  return attachmentFromSource(raw, args);
}
