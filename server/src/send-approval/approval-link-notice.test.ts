import { describe, expect, it } from "vitest";
import type { SendHold } from "../store/store.js";
import { composeApprovalNotice } from "./approval-link-notice.js";

const hold: SendHold = {
  id: "hold_1",
  workspaceId: "ws_1",
  inboxId: "inbox_1",
  keyId: "key_1",
  tool: "send_email",
  args: { subject: "Invoice\r\nBcc: evil@example.com", body: "SECRET BODY <script>x</script>" },
  recipients: ["alice@example.com", "bob@example.com"],
  heldAt: "2026-12-05T12:00:00.000Z",
  sendAt: null,
  status: "pending_approval",
  decidedAt: null,
  decidedBy: null,
  outcome: null,
};

describe("approval notice", () => {
  const notice = composeApprovalNotice({
    hold,
    inboxAddress: "agent@example.com",
    keyLabel: "billing bot",
    link: "https://mcp.example.com/approve/abc.def",
    expiresAt: new Date("2026-12-08T12:00:00.000Z"),
  });

  it("names the key, inbox, recipients, subject and the link", () => {
    expect(notice.text).toContain("Key:        billing bot");
    expect(notice.text).toContain("Inbox:      agent@example.com");
    expect(notice.text).toContain("Recipients: alice@example.com, bob@example.com");
    expect(notice.text).toContain("https://mcp.example.com/approve/abc.def");
    expect(notice.text).toContain("2026-12-08T12:00:00.000Z");
  });

  it("keeps a held subject's line breaks from forging lines, and leaves the body out", () => {
    expect(notice.text).toContain("Subject:    Invoice Bcc: evil@example.com");
    expect(notice.text.split("\n").some((line) => line.startsWith("Bcc:"))).toBe(false);
    expect(notice.text).not.toContain("SECRET BODY");
  });
});
