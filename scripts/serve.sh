#!/usr/bin/env bash
# The README's server command: sets up a fresh machine, then runs the reference server on its
# embedded default store.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-toolchain.sh
if [ ! -f server/src/main.ts ]; then
  echo "The reference server is not written yet (it is the next issue: server core)." >&2
  echo "Today this repository holds the spec, the generator and generated/; run scripts/test.sh." >&2
  exit 1
fi
exec pnpm -s --filter @mcpemails/server start
