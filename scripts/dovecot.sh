#!/usr/bin/env bash
# Real Dovecot (IMAP and LMTP) for the IMAP provider's tests, from the project's own config
# (scripts/dovecot/dovecot.conf.template), in a folder owned by this script. Needs root: mail is
# stored as uid/gid 5000 and the Debian packages may have to be installed.
#
#   bash scripts/dovecot.sh start   # installs dovecot-imapd/dovecot-lmtpd when missing, starts
#                                   # Dovecot (or finds it running), waits until IMAP answers and
#                                   # prints the NAME=value lines below
#   bash scripts/dovecot.sh stop    # stops that Dovecot and removes its folder
#
# Printed lines (stdout holds nothing else, so `while read` / `export` loops work):
#   DOVECOT_IMAP_PORT, DOVECOT_LMTP_PORT, DOVECOT_ROOT (a passwd-file per user at
#   $DOVECOT_ROOT/users/<address>, maildirs at $DOVECOT_ROOT/mail/<address>/Maildir),
#   DOVECOT_PASSWORD (random, made at start, shared by the initial users), DOVECOT_USERS
#   (comma-separated addresses).
# Ports and folder are fixed so that `stop`, from any shell, finds what `start` made; a second rig
# (or a machine where they are taken) can set MCPEMAILS_DOVECOT_{DIR,IMAP_PORT,LMTP_PORT} for both.
set -euo pipefail

IMAP_PORT="${MCPEMAILS_DOVECOT_IMAP_PORT:-10143}"
LMTP_PORT="${MCPEMAILS_DOVECOT_LMTP_PORT:-10024}"
# Where Dovecot asks whether an OAuth access token is good (a test serves it: oauth-introspection.ts).
OAUTH_PORT="${MCPEMAILS_DOVECOT_OAUTH_PORT:-10146}"
MAIL_UID=5000
MAIL_GID=5000
USERS=(alice@rig.test bob@rig.test carol@rig.test bench@rig.test)
ROOT="${MCPEMAILS_DOVECOT_DIR:-${TMPDIR:-/tmp}/mcpemails-dovecot}"
TEMPLATE="$(cd "$(dirname "$0")" && pwd)/dovecot/dovecot.conf.template"
OAUTH_TEMPLATE="$(cd "$(dirname "$0")" && pwd)/dovecot/dovecot-oauth2.conf.ext.template"
CONF="$ROOT/dovecot.conf"
LOG="$ROOT/dovecot.log"
PIDFILE="$ROOT/run/master.pid"
ENV_FILE="$ROOT/env"
WAIT_SECONDS=30

log() { echo "dovecot.sh: $*" >&2; }
fail() { log "$*"; exit 1; }

install_when_missing() {
  if command -v dovecot >/dev/null && [[ -x /usr/lib/dovecot/imap && -x /usr/lib/dovecot/lmtp ]]; then return; fi
  log "installing dovecot-imapd and dovecot-lmtpd (Debian packages)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends dovecot-imapd dovecot-lmtpd >&2
  stop_system_dovecot
}

# The package starts its own system-wide Dovecot where services may start (a machine booted with
# systemd); the rig never uses it, so it is stopped and kept from starting at boot.
stop_system_dovecot() {
  if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null; then
    systemctl disable --now dovecot.service dovecot.socket >/dev/null 2>&1 || true
  fi
  if [[ -f /run/dovecot/master.pid ]] && kill -0 "$(cat /run/dovecot/master.pid)" 2>/dev/null; then
    doveadm -c /etc/dovecot/dovecot.conf stop >/dev/null 2>&1 || kill "$(cat /run/dovecot/master.pid)" 2>/dev/null || true
  fi
}

imap_answers() {
  # bash's /dev/tcp: the greeting alone says Dovecot's IMAP listener is up (no client needed).
  local greeting=""
  { exec 3<>"/dev/tcp/127.0.0.1/$IMAP_PORT"; } 2>/dev/null || return 1
  IFS= read -r -t 2 greeting <&3 || true
  exec 3<&- 3>&-
  [[ "$greeting" == "* OK"* ]]
}

port_in_use() { { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null && { exec 3<&- 3>&-; return 0; }; return 1; }

our_dovecot_runs() { [[ -f "$PIDFILE" ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

random_password() { head -c 18 /dev/urandom | base64 | tr '+/' '-_'; }

# A passwd-file line with the password as Dovecot's {SSHA512} (salted SHA-512), so that the file
# never holds it in clear. node is the project's toolchain; the password goes through the
# environment rather than a command line that `ps` shows.
passwd_line() {
  # shellcheck disable=SC2016 # JavaScript, not shell, between the single quotes
  RIG_ADDRESS="$1" RIG_PASSWORD="$2" node -e '
    const { createHash, randomBytes } = require("node:crypto");
    const salt = randomBytes(16);
    const digest = createHash("sha512").update(process.env.RIG_PASSWORD).update(salt).digest();
    console.log(`${process.env.RIG_ADDRESS}:{SSHA512}${Buffer.concat([digest, salt]).toString("base64")}::::::`);
  '
}

make_maildir() {
  local maildir="$ROOT/mail/$1/Maildir"
  mkdir -p "$maildir/cur" "$maildir/new" "$maildir/tmp"
  chown -R "$MAIL_UID:$MAIL_GID" "$ROOT/mail/$1"
}

render_config() {
  local escaped_root="${ROOT//|/\\|}"
  sed -e "s|@ROOT@|$escaped_root|g" -e "s|@IMAP_PORT@|$IMAP_PORT|g" -e "s|@LMTP_PORT@|$LMTP_PORT|g" "$TEMPLATE"
}

# The OAuth passdb's own file, beside the config; Dovecot's auth process (user dovecot) reads it.
write_oauth_config() {
  sed -e "s|@OAUTH_PORT@|$OAUTH_PORT|g" "$OAUTH_TEMPLATE" >"$ROOT/dovecot-oauth2.conf.ext"
  chmod 0644 "$ROOT/dovecot-oauth2.conf.ext"
}

# A running rig keeps its users, password and mail when the template changed: Dovecot re-reads
# its config on SIGHUP.
reload_when_config_changed() {
  local rendered
  rendered="$(render_config)"
  local oauth_before
  oauth_before="$(cat "$ROOT/dovecot-oauth2.conf.ext" 2>/dev/null || true)"
  write_oauth_config
  [[ "$rendered" == "$(cat "$CONF")" && "$oauth_before" == "$(cat "$ROOT/dovecot-oauth2.conf.ext")" ]] && return
  printf '%s\n' "$rendered" >"$CONF"
  kill -HUP "$(cat "$PIDFILE")"
  log "the config template changed: Dovecot reloaded it"
}

stop_ours() {
  if our_dovecot_runs; then
    local pid
    pid="$(cat "$PIDFILE")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
  fi
  # Only a folder this script made (or an empty one) is removed, whatever MCPEMAILS_DOVECOT_DIR says.
  if [[ -d "$ROOT" && ! -f "$ROOT/dovecot.conf" && -n "$(ls -A "$ROOT")" ]]; then
    fail "$ROOT is not empty and holds no dovecot.conf: not a rig folder, left as it is"
  fi
  rm -rf "$ROOT"
}

start() {
  ((EUID == 0)) || fail "needs root: it may install Debian packages, and mail is stored as uid $MAIL_UID"
  install_when_missing
  if our_dovecot_runs && imap_answers && [[ -s "$ENV_FILE" ]]; then
    reload_when_config_changed
    cat "$ENV_FILE"
    return
  fi
  # A previous run that was killed before its trap may have left our Dovecot or its folder behind.
  stop_ours
  local port
  for port in "$IMAP_PORT" "$LMTP_PORT"; do
    port_in_use "$port" && fail "port $port on 127.0.0.1 is taken by a process this script did not start (stop it first)"
  done

  mkdir -p "$ROOT/mail"
  chmod 0755 "$ROOT"
  chown "$MAIL_UID:$MAIL_GID" "$ROOT/mail"
  render_config >"$CONF"
  write_oauth_config

  local password user
  password="$(random_password)"
  # Dovecot's auth process (user dovecot) reads the passwd-files; other users may not.
  mkdir -p "$ROOT/users"
  chgrp dovecot "$ROOT/users"
  chmod 0750 "$ROOT/users"
  for user in "${USERS[@]}"; do
    passwd_line "$user" "$password" >"$ROOT/users/$user"
    chgrp dovecot "$ROOT/users/$user"
    chmod 0640 "$ROOT/users/$user"
    make_maildir "$user"
  done

  dovecot -c "$CONF" >&2 || fail "dovecot did not start; its log: $LOG"
  local deadline=$((SECONDS + WAIT_SECONDS))
  until imap_answers; do
    ((SECONDS < deadline)) || fail "gave up after ${WAIT_SECONDS}s waiting for IMAP on 127.0.0.1:$IMAP_PORT; Dovecot's log: $LOG"
    sleep 0.2
  done
  log "IMAP on 127.0.0.1:$IMAP_PORT, LMTP on 127.0.0.1:$LMTP_PORT (in $ROOT, log $LOG)"

  local users_csv
  users_csv="$(IFS=,; echo "${USERS[*]}")"
  (
    umask 077
    {
      echo "DOVECOT_IMAP_PORT=$IMAP_PORT"
      echo "DOVECOT_LMTP_PORT=$LMTP_PORT"
      echo "DOVECOT_ROOT=$ROOT"
      echo "DOVECOT_PASSWORD=$password"
      echo "DOVECOT_USERS=$users_csv"
    } >"$ENV_FILE"
  )
  cat "$ENV_FILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop_ours ;;
  *) echo "usage: bash scripts/dovecot.sh start|stop" >&2; exit 2 ;;
esac
