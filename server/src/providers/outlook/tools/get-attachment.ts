// One attachment of a message: its MIME source ($value) parsed as read_email parses it, so that the
// attachment ids (MIME part ids) and metadata are read_email's.
import type { GetAttachmentArgs } from "@mcpemails/generated";
import { attachmentFromSource } from "../../core/attachment-result.js";
import type { ToolCall } from "../../core/provider-tools.js";
import { messagePath } from "../graph-ids.js";
import type { OutlookContext } from "../outlook-context.js";

export async function getAttachment(context: OutlookContext, args: GetAttachmentArgs, call: ToolCall) {
  const raw = await context.graph.bytes({
    method: "GET",
    path: `${messagePath(args.message_id)}/$value`,
    signal: call.signal,
  });
  return attachmentFromSource(raw, args);
}
