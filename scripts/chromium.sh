#!/usr/bin/env bash
# Debian's Chromium for the dashboard's browser tests (playwright-core drives it; no test tool ever
# downloads a browser of its own, which this machine's network would refuse anyway).
#
#   bash scripts/chromium.sh   # installs the Debian package chromium when /usr/bin/chromium is
#                              # missing, checks that it runs and prints CHROMIUM_PATH=/usr/bin/chromium
#
# Only that env line goes to stdout (so `eval "$(bash scripts/chromium.sh)"` and `while read`
# loops work); progress goes to stderr. Nothing is started: each test file launches its own
# headless browser (server/test/support/browser.ts).
set -euo pipefail

CHROMIUM=/usr/bin/chromium

log() { echo "chromium.sh: $*" >&2; }

install_when_missing() {
  if [[ -x "$CHROMIUM" ]]; then return; fi
  log "installing chromium (Debian package)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends chromium >&2
}

install_when_missing
[[ -x "$CHROMIUM" ]] || { log "$CHROMIUM is still missing after the install"; exit 1; }
log "$("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM (version unknown)")"
echo "CHROMIUM_PATH=$CHROMIUM"
