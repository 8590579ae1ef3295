#!/usr/bin/env bash
# The README's test command: sets up a fresh machine, then checks everything CI checks, on Node 20
# (the machine's) and again on Node 22 (scripts/with-node22.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-toolchain.sh

echo "== generated/ matches the spec";  pnpm -s gen --check
echo "== typecheck";                     pnpm -s typecheck
echo "== lint";                          pnpm -s lint
echo "== formatting";                    pnpm -s format:check
echo "== build";                         pnpm -s build >/dev/null
# The Redis store adapter is tested against real Redis (standalone and cluster), and the IMAP
# provider against real Dovecot (IMAP and LMTP), both started here and stopped on exit whatever
# happens; their tests fail rather than skip when CI is set without them.
trap 'bash scripts/redis.sh stop; bash scripts/dovecot.sh stop; bash scripts/imap-servers/courier.sh stop; bash scripts/imap-servers/cyrus.sh stop' EXIT
redis_env="$(bash scripts/redis.sh start)"
while IFS= read -r line; do export "$line"; done <<<"$redis_env"
echo "Redis: $REDIS_URL and $REDIS_CLUSTER_URL"
dovecot_env="$(bash scripts/dovecot.sh start)"
while IFS= read -r line; do export "$line"; done <<<"$dovecot_env"
echo "Dovecot: IMAP on 127.0.0.1:$DOVECOT_IMAP_PORT, LMTP on 127.0.0.1:$DOVECOT_LMTP_PORT (in $DOVECOT_ROOT)"
# The IMAP provider also against Courier-IMAP and Cyrus IMAP (Debian's, default configuration), each
# in a debootstrap chroot cached in /var/cache/mcpemails-imap-chroots (about a minute when not cached).
for imap_server in courier cyrus; do
  imap_server_env="$(bash "scripts/imap-servers/$imap_server.sh" start)"
  while IFS= read -r line; do export "$line"; done <<<"$imap_server_env"
done
echo "Courier-IMAP on 127.0.0.1:$COURIER_IMAP_PORT, Cyrus IMAP on 127.0.0.1:$CYRUS_IMAP_PORT"
# The dashboard's end-to-end tests drive Debian's Chromium (installed here when missing) through
# playwright-core; like Redis and Dovecot, they fail rather than skip when CI is set without it.
chromium_env="$(bash scripts/chromium.sh)"
while IFS= read -r line; do export "$line"; done <<<"$chromium_env"
echo "Chromium: $CHROMIUM_PATH"

# The official MCP conformance suite (server/test/official-conformance) needs Node 22 and spawns it
# from the Node 20 run: install it (once, scripts/node22.sh) before that run, not in the middle of it.
echo "Node 22 (for the official conformance suite): $("$(bash scripts/node22.sh)/node" -v)"

reports="$(mktemp -d)"
status=0
echo "== tests on Node $(node -v)"
pnpm -s exec vitest run --reporter=default --reporter=json --outputFile.json="$reports/node20.json" || status=$?
# Node 22: the typecheck, every unit test and the packed-package tests again. The reliability
# harness (fault injection, scale-out, fuzzing of the running server) runs on Node 20 only: it
# tests the deployment, not the language runtime, and would double CI's longest stage. So does the
# runner's broken-server matrix (some 260 full runs, a quarter of an hour): it tests the runner's
# judgement, which cli.test's end-to-end runs check again on Node 22. The official conformance
# suite runs on Node 22 in both passes (it is spawned), so once is enough: the first.
echo "== typecheck and tests on Node 22"
bash scripts/with-node22.sh bash -c '
  echo "Node $(node -v)"
  pnpm -s typecheck
  pnpm -s exec vitest run --exclude "server/test/reliability/**" --exclude "server/test/official-conformance/**" --exclude "conformance/src/runner/broken-server-matrix.test.ts" --reporter=default --reporter=json --outputFile.json="$1"
' node22 "$reports/node22.json" || status=$?
node -e '
  const { readFileSync, existsSync } = require("fs");
  let passed = 0, failed = 0, skipped = 0;
  for (const [label, file] of [["Node 20", process.argv[1]], ["Node 22", process.argv[2]]]) {
    if (!existsSync(file)) { console.log(`${label}: no report (the run did not finish)`); failed++; continue; }
    const r = JSON.parse(readFileSync(file, "utf8"));
    const s = r.numPendingTests + r.numTodoTests;
    console.log(`${label}: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${s} skipped`);
    // The names of the failures, so that a log cut to its last lines still says what failed.
    for (const file of r.testResults)
      for (const test of file.assertionResults)
        if (test.status === "failed") console.log(`  failed: ${file.name.replace(process.cwd() + "/", "")} > ${test.fullName}`);
    passed += r.numPassedTests; failed += r.numFailedTests; skipped += s;
  }
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
' "$reports/node20.json" "$reports/node22.json" || true
rm -rf "$reports"
exit "$status"
