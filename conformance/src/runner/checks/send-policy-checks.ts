// Send policies (spec 1.3.0, decision send-policy): a send the policy refuses is the execution error
// send_policy_refused, naming a recipient rule, with nothing sent and its idempotency_key left free.
// The runner cannot set a policy on a server it does not run, so the operator names an address the
// policy of --token's key refuses (--policy-blocked-to); the runner never sends anything else there.
import { randomUUID } from "node:crypto";
import { describeAnswer } from "../answer-description.js";
import { failed, passed, skipped, type Check } from "../check.js";
import { errorResultProblems } from "../error-result.js";
import { listPage } from "../list-page.js";
import { expectSendResult } from "../send-fixture.js";
import { behaviour } from "./behaviour-check.js";

/** The rules that can refuse a message for its recipient alone. */
const RECIPIENT_RULES = ["recipient_blocked", "recipient_not_allowed", "outside_own_domain"];

export function sendPolicyChecks(): Check[] {
  return [
    behaviour(
      "send-policy",
      "errors.execution.send_policy_refused",
      "a send to an address the key's send policy refuses is send_policy_refused with a recipient rule; nothing appears in SENT, and its idempotency_key is free for another message",
      async ({ client, config, sends }) => {
        if (sends.unavailable !== undefined) return skipped(sends.unavailable);
        const blocked = config.policyBlockedTo;
        if (blocked === undefined)
          return skipped("needs --policy-blocked-to ADDRESS: an address the send policy of --token's key refuses");
        const marker = randomUUID().slice(0, 8);
        const idempotencyKey = `conformance-policy-${randomUUID()}`;
        const refused = await client.callTool("send_email", {
          inbox_id: config.inbox,
          to: [blocked],
          subject: `MCPEmails conformance send policy ${marker}`,
          body: `Sent by mcpemails-conformance to check that the send policy refuses it. Marker: ${marker}.`,
          idempotency_key: idempotencyKey,
        });
        const result = refused.result;
        if (result?.isError !== true || result.errorCode !== "send_policy_refused")
          return failed(
            `send_email to ${blocked}, which the send policy refuses, answered ${describeAnswer(refused)} instead of send_policy_refused`,
            refused.exchange,
          );
        const problems = errorResultProblems("send_email", result);
        if (problems.length > 0)
          return failed(`send_policy_refused breaks the catalogue: ${problems.join("; ")}`, refused.exchange);
        const rule = (result as Record<string, unknown>).rule;
        if (typeof rule !== "string" || !RECIPIENT_RULES.includes(rule))
          return failed(
            `send_policy_refused for a refused recipient names rule ${JSON.stringify(rule)}, not one of ${RECIPIENT_RULES.join(", ")}`,
            refused.exchange,
          );
        // The same key for another message: taken by the refused send, it would be idempotency_key_reused.
        const retry = await client.callTool("send_email", {
          ...sends.sendArguments(
            `MCPEmails conformance send policy retry ${marker}`,
            `Sent with the idempotency_key of a send the policy refused. Marker: ${marker}.`,
          ),
          idempotency_key: idempotencyKey,
        });
        if (retry.result?.isError === true)
          return failed(
            `a send with the idempotency_key of the refused send answered ${describeAnswer(retry)}: the refusal kept the key`,
            retry.exchange,
          );
        const accepted = expectSendResult("send_email", retry);
        // Filed after the refused one would have been: once it is in SENT, so would the refused one be.
        await sends.waitForListed(config.inbox, "SENT", accepted, "the retry appearing in SENT");
        const { messages } = await listPage(client, { inbox_id: config.inbox, folder: "SENT", limit: 50 });
        const leaked = messages.find(
          (message) => message.subject.includes(marker) && !message.subject.includes("retry"),
        );
        if (leaked !== undefined)
          return failed(`the send refused by the policy is in SENT (${leaked.id}): it was sent after all`);
        return passed(`refused with rule ${rule}; nothing in SENT; the idempotency_key then sent another message`);
      },
      { needsMessages: false },
    ),
  ];
}
