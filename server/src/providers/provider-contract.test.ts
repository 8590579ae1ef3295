// The provider contract (server/test/support/provider-contract/) held by every provider: the sandbox
// over an in-memory store, IMAP on the Dovecot rig, Gmail and Outlook on their fakes. After the
// runs, the tools x providers matrix is printed and written to /tmp/mcpemails-provider-contract.md.
import { afterAll } from "vitest";
import { dovecotRig, RIG_SKIP_REASON } from "../../test/support/dovecot-rig.js";
import { printAndWriteMatrix } from "../../test/support/provider-contract/contract-matrix.js";
import { gmailAdapter } from "../../test/support/provider-contract/gmail-adapter.js";
import { imapAdapter } from "../../test/support/provider-contract/imap-adapter.js";
import { outlookAdapter } from "../../test/support/provider-contract/outlook-adapter.js";
import { describeProviderContract } from "../../test/support/provider-contract/provider-contract.js";
import { sandboxAdapter } from "../../test/support/provider-contract/sandbox-adapter.js";

const rig = dovecotRig();

describeProviderContract(sandboxAdapter());
describeProviderContract(rig === undefined ? { name: "IMAP (Dovecot)", skipped: RIG_SKIP_REASON } : imapAdapter(rig));
describeProviderContract(gmailAdapter());
describeProviderContract(outlookAdapter());

afterAll(() => printAndWriteMatrix());
