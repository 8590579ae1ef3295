// One attachment from the message's raw source, found by the MIME part id read_email gave it
// (Gmail's own attachmentId names the part differently, and changes between reads).
import type { GetAttachmentArgs } from "@mcpemails/generated";
import { attachmentFromSource } from "../../core/attachment-result.js";
import type { ToolCall } from "../../core/provider-tools.js";
import type { GmailContext } from "../gmail-context.js";
import { rawMessage } from "../gmail-raw.js";

export async function getAttachment(context: GmailContext, args: GetAttachmentArgs, call: ToolCall) {
  const { raw } = await rawMessage(context, args.message_id, call.signal);
  return attachmentFromSource(raw, args);
}
