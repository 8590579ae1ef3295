// What other packages' tests may use of the server, by name (`@mcpemails/server/testing`): a server
// started in-process, the providers' fakes and rigs, and the few server operations a test needs to
// set one up. The conformance runner's own code never imports the server; only its tests do.
export { createApiKey } from "../src/admin/operations.js";
export { composeMessage, type ComposeAttachment } from "../src/mail/compose.js";
export { OPEN_POLICY } from "../src/send-policy/send-policy.js";
export type { InboxRecord } from "../src/store/store.js";
export { startGmailRig, type GmailRig } from "./fakes/gmail/gmail-rig.js";
export { FAKE_MICROSOFT_APP, startGraphFake, type GraphFakeSession } from "./fakes/outlook/fake-session.js";
export type { WellKnownFolder } from "./fakes/outlook/graph-mailbox.js";
export { createRigUser, deleteRigUser, dovecotRig, imapSettingsFor, openImapClient } from "./support/dovecot-rig.js";
export { seedBulkMailbox, seedRealisticCorpus } from "./support/imap-corpus.js";
export { startSmtpRelay, type SmtpRelay } from "./support/smtp-relay.js";
export { post, startTestServer, toolCall, type TestServer } from "./support/test-server.js";
