#!/usr/bin/env bash
# The README's server command: sets up a fresh machine, then runs the reference server on its
# embedded default store (SQLite in MCPEMAILS_DATA_DIR, ./data by default).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-toolchain.sh
exec pnpm -s start
