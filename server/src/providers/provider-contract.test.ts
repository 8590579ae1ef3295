// The provider contract (server/test/support/provider-contract/) held by every provider: the sandbox
// over an in-memory store, IMAP on the Dovecot rig (and on Courier and Cyrus when their rigs run),
// Gmail and Outlook on their fakes. After the
// runs, the tools x providers matrix is printed and written to /tmp/mcpemails-provider-contract.md.
import { afterAll } from "vitest";
import { dovecotRig, RIG_SKIP_REASON } from "../../test/support/dovecot-rig.js";
import { OTHER_IMAP_SERVERS, otherImapRig } from "../../test/support/other-imap-rig.js";
import { printAndWriteMatrix } from "../../test/support/provider-contract/contract-matrix.js";
import { gmailAdapter } from "../../test/support/provider-contract/gmail-adapter.js";
import { imapAdapter } from "../../test/support/provider-contract/imap-adapter.js";
import { outlookAdapter } from "../../test/support/provider-contract/outlook-adapter.js";
import { otherImapAdapter } from "../../test/support/provider-contract/other-imap-adapter.js";
import { describeProviderContract } from "../../test/support/provider-contract/provider-contract.js";
import { sandboxAdapter } from "../../test/support/provider-contract/sandbox-adapter.js";

const rig = dovecotRig();

describeProviderContract(sandboxAdapter());
describeProviderContract(rig === undefined ? { name: "IMAP (Dovecot)", skipped: RIG_SKIP_REASON } : imapAdapter(rig));
for (const server of OTHER_IMAP_SERVERS) {
  const other = otherImapRig(server);
  // Run when their rigs run (scripts/imap-servers/<server>.sh start; CI starts them), left out of the matrix otherwise.
  if (other !== undefined) describeProviderContract(otherImapAdapter(other));
}
describeProviderContract(gmailAdapter());
describeProviderContract(outlookAdapter());

afterAll(() => printAndWriteMatrix());
