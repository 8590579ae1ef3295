#!/usr/bin/env bash
# A Node 22 beside the machine's Node, for CI's second run: the npm package node@22 (which fetches
# its platform binary from the npm registry as a package, no download from elsewhere), installed
# into a cache folder outside the repository. Prints the folder holding the `node` binary.
set -euo pipefail
DIR="${MCPEMAILS_NODE22_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/mcpemails/node22}"
if [[ ! -x "$DIR/node_modules/node/bin/node" ]]; then
  mkdir -p "$DIR"
  # node@22 installs its binary from a preinstall script, which npm runs only when allowed by name.
  printf '{ "private": true, "allowScripts": { "node": true } }\n' >"$DIR/package.json"
  npm install --prefix "$DIR" --no-audit --no-fund --loglevel=error node@22 >&2
fi
"$DIR/node_modules/node/bin/node" -e 'if (process.versions.node.split(".")[0] !== "22") process.exit(1)' ||
  { echo "node22.sh: $DIR does not hold a Node 22" >&2; exit 1; }
echo "$DIR/node_modules/node/bin"
