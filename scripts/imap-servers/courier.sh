#!/usr/bin/env bash
# Courier-IMAP from Debian, with its default configuration, for the IMAP provider's tests: no
# SPECIAL-USE, CONDSTORE, ESEARCH or BINARY, folders under the "INBOX." namespace. Its package
# conflicts with Dovecot's, so it runs in a chroot (chroot.sh) on 127.0.0.1. Needs root.
#
#   bash scripts/imap-servers/courier.sh start   # makes the chroot when missing (about a minute,
#                                                # cached), resets the users' mail, starts Courier's
#                                                # authdaemond and imapd (or finds them running),
#                                                # prints the NAME=value lines below
#   bash scripts/imap-servers/courier.sh stop    # stops them and unmounts the chroot (kept cached)
#
# Printed lines (stdout holds nothing else): COURIER_IMAP_PORT, COURIER_PASSWORD (random, made at
# start, shared by the users), COURIER_USERS (comma-separated login names; each user's address is
# <name>@COURIER_DOMAIN), COURIER_DOMAIN.
# The only change to Debian's configuration: imapd listens on 127.0.0.1:$MCPEMAILS_COURIER_IMAP_PORT
# (default 10144) instead of every address's port 143. Users are system users (authpam, the default).
set -euo pipefail
NAME=courier
PACKAGES=(courier-imap)
STATE_DIRS=(/home /etc/passwd /etc/shadow /etc/group /etc/gshadow /etc/courier/imapd)
IMAP_PORT="${MCPEMAILS_COURIER_IMAP_PORT:-10144}"
USERS=(alice bob)
DOMAIN=courier.rig.test
# shellcheck source=scripts/imap-servers/chroot.sh
. "$(cd "$(dirname "$0")" && pwd)/chroot.sh"
ENV_FILE="$CACHE/$NAME.env"

ours_runs() { [[ -n "$(processes_in "$(chroot_dir)")" ]]; }

stop_ours() {
  local root
  root="$(chroot_dir)"
  [[ -d "$root" ]] || return 0
  if mountpoint -q "$root/proc"; then
    chroot "$root" /usr/sbin/imapd stop >/dev/null 2>&1 || true
    chroot "$root" /etc/init.d/courier-authdaemon stop >/dev/null 2>&1 || true
  fi
  kill_processes_in "$root"
  unmount_from "$root"
  rm -f "$ENV_FILE"
}

start() {
  ((EUID == 0)) || fail "needs root: it makes a chroot with debootstrap and mounts /proc and /dev in it"
  ensure_chroot
  local root
  root="$(chroot_dir)"
  if ours_runs && imap_answers "$IMAP_PORT" && [[ -s "$ENV_FILE" ]]; then
    cat "$ENV_FILE"
    return
  fi
  stop_ours
  port_in_use "$IMAP_PORT" && fail "port $IMAP_PORT on 127.0.0.1 is taken by a process this script did not start (stop it first)"
  restore_state
  sed -i -e 's/^ADDRESS=.*/ADDRESS=127.0.0.1/' -e "s/^PORT=.*/PORT=$IMAP_PORT/" "$root/etc/courier/imapd"

  local password user
  password="$(random_password)"
  mount_into "$root"
  for user in "${USERS[@]}"; do
    chroot "$root" useradd --create-home --shell /usr/sbin/nologin "$user"
    chroot "$root" su -s /bin/sh -c 'maildirmake "$HOME/Maildir"' "$user"
    # Through stdin: a command line would show the password to ps.
    printf '%s:%s\n' "$user" "$password" | chroot "$root" chpasswd
  done
  chroot "$root" /etc/init.d/courier-authdaemon start >&2 9>&-
  chroot "$root" /usr/sbin/imapd start >&2 9>&-
  wait_for_imap "$IMAP_PORT"
  log "Courier-IMAP on 127.0.0.1:$IMAP_PORT (chroot $root)"

  local users_csv
  users_csv="$(IFS=,; echo "${USERS[*]}")"
  (
    umask 077
    {
      echo "COURIER_IMAP_PORT=$IMAP_PORT"
      echo "COURIER_PASSWORD=$password"
      echo "COURIER_USERS=$users_csv"
      echo "COURIER_DOMAIN=$DOMAIN"
    } >"$ENV_FILE"
  )
  cat "$ENV_FILE"
}

case "${1:-}" in
  start) with_lock start ;;
  stop) with_lock stop_ours ;;
  *) echo "usage: bash scripts/imap-servers/courier.sh start|stop" >&2; exit 2 ;;
esac
