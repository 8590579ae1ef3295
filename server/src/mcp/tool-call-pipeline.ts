// One tools/call, in the order its answer is decided: the call against the spec (tool, scope,
// arguments; typed results of @mcpemails/generated), its inbox (through the per-instance copies), the
// rate windows and the monthly call quota in one store step, then the tool, whose ParameterError
// (a value its service cannot honour) is a typed refusal like the spec's own. Sends take their daily
// quota and idempotency inside their handlers (send-once). A call the windows refuse is answered
// rate_limit_exceeded whatever else is wrong with it, and takes no quota.
import {
  callHandler,
  checkToolCall,
  inboxNotFound,
  invalidParams,
  toolCallResult,
  type ExecutionErrorResult,
  type ProtocolRevision,
  type ToolCallOutcome,
  type ToolContext,
  type ToolHandlers,
  type ToolName,
  type ToolOutputs,
} from "@mcpemails/generated";
import { callCharge, callQuotaRefusal } from "../limits/quotas.js";
import { rateRefusal, type RateWindows } from "../limits/rate-limit.js";
import { ParameterError } from "../providers/provider.js";
import type { ConfigReads } from "../store/config-cache.js";
import type { Admission, Store } from "../store/store.js";
import { resolveInbox, type ServerCaller, type ServerInbox } from "../tools/tool-handlers.js";

export interface ToolCallDeps {
  store: Store;
  handlers: ToolHandlers<ServerInbox>;
  now: () => Date;
}

export interface ToolCallContext {
  caller: ServerCaller;
  /** Where the inbox is read from: the per-instance copies of this request's configuration version. */
  reads: ConfigReads;
  rateWindows: RateWindows;
  revision: ProtocolRevision;
  signal: AbortSignal;
}

/** The call's answer, or the store's failure to admit it (no tool ran, nothing was charged). */
export type ToolCallStep = { answered: ToolCallOutcome } | { admissionFailed: unknown };

type AnyHandler = (
  handlers: ToolHandlers<ServerInbox>,
  args: unknown,
  context: ToolContext<ServerInbox>,
) => Promise<ToolOutputs[ToolName] | ExecutionErrorResult>;

export async function runToolCall(
  name: unknown,
  args: unknown,
  context: ToolCallContext,
  deps: ToolCallDeps,
): Promise<ToolCallStep> {
  const { caller } = context;
  const checked = checkToolCall(name, args, caller);
  const inbox = checked.ok ? await resolveInbox(context.reads, checked.inboxId, caller) : undefined;
  const at = deps.now();
  let admission: Admission;
  try {
    const charge = inbox === undefined ? null : callCharge(inbox.workspace, at);
    admission = await deps.store.admitCall(caller.keyId, context.rateWindows, at.getTime(), charge);
  } catch (error) {
    return { admissionFailed: error };
  }
  const limited = rateRefusal(admission.rate);
  if (limited !== undefined) return { answered: { result: limited } };
  if (!checked.ok) return { answered: checked.refusal };
  if (inbox === undefined) return { answered: { result: inboxNotFound({ inbox_id: checked.inboxId }) } };
  const overQuota = callQuotaRefusal(inbox.workspace, admission.quota, at);
  if (overQuota !== undefined) return { answered: { result: overQuota } };
  let output: ToolOutputs[ToolName] | ExecutionErrorResult;
  try {
    output = await (callHandler[checked.name] as AnyHandler)(deps.handlers, checked.args, {
      caller,
      inbox,
      revision: context.revision,
      signal: context.signal,
    });
  } catch (error) {
    // A value the spec allows that this inbox's service cannot honour (a query term, a folder): the
    // caller's to mend, answered -32602 as the spec's own argument checks are.
    if (error instanceof ParameterError) return { answered: { error: invalidParams(error.message, error.toData()) } };
    throw error;
  }
  return { answered: { result: toolCallResult(output, context.revision) } };
}
