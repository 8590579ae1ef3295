#!/usr/bin/env bash
# Installs what the project needs on a fresh machine with Node >= 20.19 and npm: pnpm, then the
# workspace's packages. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a < 20 || (a === 20 && b < 19)) { console.error("Node >= 20.19 is needed, found " + process.version); process.exit(1); }'
if ! command -v pnpm >/dev/null 2>&1; then
  # corepack fails signature checks on some machines; the npm package is a plain binary.
  npm install --global pnpm@12 >/dev/null
fi
# better-sqlite3 compiles from source here (its prebuilt binaries are not reachable): point
# node-gyp at the headers Node ships with instead of letting it download them.
node_prefix="$(dirname "$(dirname "$(command -v node)")")"
if [ -z "${npm_config_nodedir:-}" ] && [ -f "$node_prefix/include/node/node.h" ]; then
  export npm_config_nodedir="$node_prefix"
fi
pnpm install --frozen-lockfile --reporter=silent
