// The plain-text notice emailed to a workspace's owners when a send is held for approval. Everything
// from the held call is hostile: control characters (a CR/LF could forge headers or lines) are
// replaced and long values cut, and the body of the held message is not included at all.
import type { SendHold } from "../store/store.js";

export interface ApprovalNotice {
  subject: string;
  text: string;
}

const MAX_FIELD = 200;

export const plainLine = (value: string): string => {
  const line = value.replace(/[\p{Cc}\p{Cf}\u2028\u2029]+/gu, " ").trim();
  return line.length > MAX_FIELD ? `${line.slice(0, MAX_FIELD)}...` : line;
};

const heldSubject = (hold: SendHold): string =>
  typeof hold.args?.subject === "string" ? plainLine(hold.args.subject) : "(no subject given)";

export function composeApprovalNotice(input: {
  hold: SendHold;
  inboxAddress: string;
  keyLabel: string;
  link: string;
  expiresAt: Date;
}): ApprovalNotice {
  const { hold } = input;
  const recipients = hold.recipients.map(plainLine).join(", ") || "(none)";
  return {
    subject: "A send is waiting for your approval",
    text: [
      `An API key asked to send a message that your send policy holds for approval.`,
      ``,
      `Key:        ${plainLine(input.keyLabel)}`,
      `Inbox:      ${plainLine(input.inboxAddress)}`,
      `Tool:       ${hold.tool}`,
      `Recipients: ${recipients}`,
      `Subject:    ${heldSubject(hold)}`,
      ``,
      `Review it, then approve or reject it (the link works once, until ${input.expiresAt.toISOString()}):`,
      input.link,
      ``,
      `Opening the link decides nothing by itself. You can also decide on the dashboard's Approvals page.`,
    ].join("\n"),
  };
}
