#!/usr/bin/env bash
# The README's test command: sets up a fresh machine, then checks everything CI checks.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-toolchain.sh

echo "== generated/ matches the spec";  pnpm -s gen --check
echo "== typecheck";                     pnpm -s typecheck
echo "== lint";                          pnpm -s lint
echo "== formatting";                    pnpm -s format:check
echo "== tests"
# The Redis store adapter is tested against real Redis (standalone and cluster), and the IMAP
# provider against real Dovecot (IMAP and LMTP), both started here and stopped on exit whatever
# happens; their tests fail rather than skip when CI is set without them.
trap 'bash scripts/redis.sh stop; bash scripts/dovecot.sh stop' EXIT
redis_env="$(bash scripts/redis.sh start)"
while IFS= read -r line; do export "$line"; done <<<"$redis_env"
echo "Redis: $REDIS_URL and $REDIS_CLUSTER_URL"
dovecot_env="$(bash scripts/dovecot.sh start)"
while IFS= read -r line; do export "$line"; done <<<"$dovecot_env"
echo "Dovecot: IMAP on 127.0.0.1:$DOVECOT_IMAP_PORT, LMTP on 127.0.0.1:$DOVECOT_LMTP_PORT (in $DOVECOT_ROOT)"
report="$(mktemp)"
status=0
pnpm -s exec vitest run --reporter=default --reporter=json --outputFile.json="$report" || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' "$report" || true
rm -f "$report"
exit "$status"
