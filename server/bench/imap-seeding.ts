// How fast the rig fills a mailbox: seedBulkMailbox (maildir files) against IMAP APPEND, the
// baseline, in the same run. Needs the rig's env lines (bash scripts/dovecot.sh start):
//   npx tsx --conditions=@mcpemails/source server/bench/imap-seeding.ts [count=100000] [appendCount=1000]
import { createRigUser, deleteRigUser, dovecotRig, openImapClient } from "../test/support/dovecot-rig.js";
import { seedBulkMailbox } from "../test/support/imap-corpus.js";

const count = Number(process.argv[2] ?? 100_000);
const appendCount = Number(process.argv[3] ?? 1_000);
const rig = dovecotRig();
if (!rig) {
  console.error(
    "the Dovecot rig is not running: eval the lines of `bash scripts/dovecot.sh start` (with export) first",
  );
  process.exit(2);
}

const seeded = await createRigUser(rig, "seed-bench");
const appended = await createRigUser(rig, "append-bench");
try {
  let started = performance.now();
  const bulk = await seedBulkMailbox(rig, seeded.address, count);
  const seedSeconds = (performance.now() - started) / 1000;

  const client = await openImapClient(rig, seeded);
  started = performance.now();
  const status = await client.status("INBOX", { messages: true, unseen: true });
  const statusSeconds = (performance.now() - started) / 1000;
  await client.logout();
  if (!status || status.messages !== count || status.unseen !== bulk.unread)
    throw new Error(`IMAP counts ${JSON.stringify(status)}, not ${count} messages and ${bulk.unread} unread`);

  // The baseline: the same messages through IMAP APPEND, one connection, one at a time.
  const appender = await openImapClient(rig, appended);
  started = performance.now();
  for (let index = 0; index < Math.min(appendCount, count); index += 1)
    await appender.append("INBOX", bulk.rawAt(index), ["\\Seen"], bulk.messageAt(index).date);
  const appendSeconds = (performance.now() - started) / 1000;
  await appender.logout();

  const seedRate = count / seedSeconds;
  const appendRate = Math.min(appendCount, count) / appendSeconds;
  console.log(
    `maildir seeding: ${count} messages in ${seedSeconds.toFixed(2)} s (${Math.round(seedRate)}/s); first STATUS ${statusSeconds.toFixed(2)} s`,
  );
  console.log(
    `IMAP APPEND:     ${Math.min(appendCount, count)} messages in ${appendSeconds.toFixed(2)} s (${Math.round(appendRate)}/s)`,
  );
  console.log(`ratio:           maildir seeding is ${(seedRate / appendRate).toFixed(1)}x IMAP APPEND`);
} finally {
  await deleteRigUser(rig, seeded.address);
  await deleteRigUser(rig, appended.address);
}
