#!/usr/bin/env bash
# The README's test command: sets up a fresh machine, then checks everything CI checks.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-toolchain.sh

echo "== generated/ matches the spec";  pnpm -s gen --check
echo "== typecheck";                     pnpm -s typecheck
echo "== lint";                          pnpm -s lint
echo "== tests"
report="$(mktemp)"
status=0
pnpm -s exec vitest run --reporter=default --reporter=json --outputFile.json="$report" || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' "$report" || true
rm -f "$report"
exit "$status"
