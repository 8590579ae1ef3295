#!/usr/bin/env bash
# The README's server command: sets up a fresh machine, builds, then runs the compiled reference
# server on its embedded default store (SQLite in MCPEMAILS_DATA_DIR, ./data by default).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-toolchain.sh
pnpm -s build >/dev/null
exec node server/dist/main.js
