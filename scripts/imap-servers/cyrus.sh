#!/usr/bin/env bash
# Cyrus IMAP from Debian, with its default imapd.conf, for the IMAP provider's tests: folders under
# the "INBOX." namespace with a "." separator, users in Cyrus SASL's sasldb (auxprop, the default),
# INBOX created at first login (autocreate_quota: 0, the default). Its package conflicts with
# Dovecot's, so it runs in a chroot (chroot.sh) on 127.0.0.1. Needs root.
#
#   bash scripts/imap-servers/cyrus.sh start   # makes the chroot when missing (about a minute,
#                                              # cached), resets the users and their mail, starts
#                                              # cyrmaster (or finds it running), prints the lines below
#   bash scripts/imap-servers/cyrus.sh stop    # stops it and unmounts the chroot (kept cached)
#
# Printed lines (stdout holds nothing else): CYRUS_IMAP_PORT, CYRUS_PASSWORD (random, made at
# start, shared by the users), CYRUS_USERS (comma-separated login names; each user's address is
# <name>@CYRUS_DOMAIN), CYRUS_DOMAIN.
# imapd.conf is Debian's; cyrus.conf (which services listen where) is replaced by one that runs
# only imapd, on 127.0.0.1:$MCPEMAILS_CYRUS_IMAP_PORT (default 10145), and lmtpd on its socket.
set -euo pipefail
NAME=cyrus
PACKAGES=(cyrus-imapd sasl2-bin)
STATE_DIRS=(/var/lib/cyrus /var/spool/cyrus /etc/sasldb2)
IMAP_PORT="${MCPEMAILS_CYRUS_IMAP_PORT:-10145}"
USERS=(alice bob)
DOMAIN=cyrus.rig.test
# shellcheck source=scripts/imap-servers/chroot.sh
. "$(cd "$(dirname "$0")" && pwd)/chroot.sh"
ENV_FILE="$CACHE/$NAME.env"
MASTER_CONF=/etc/cyrus-mcpemails.conf

ours_runs() { [[ -n "$(processes_in "$(chroot_dir)")" ]]; }

stop_ours() {
  local root
  root="$(chroot_dir)"
  [[ -d "$root" ]] || return 0
  kill_processes_in "$root"
  unmount_from "$root"
  rm -f "$ENV_FILE"
}

master_conf() {
  cat <<CONF
START {
	recover		cmd="/usr/sbin/cyrus ctl_cyrusdb -r"
}
SERVICES {
	imap		cmd="imapd -U 30" listen="127.0.0.1:$IMAP_PORT" prefork=0 maxchild=100
	lmtpunix	cmd="lmtpd" listen="/run/cyrus/socket/lmtp" prefork=0 maxchild=20
}
EVENTS {
	checkpoint	cmd="/usr/sbin/cyrus ctl_cyrusdb -c" period=30
}
CONF
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
  master_conf >"$root$MASTER_CONF"

  local password user
  password="$(random_password)"
  mount_into "$root"
  chroot "$root" install -d -o cyrus -g mail -m 0755 /run/cyrus
  chroot "$root" install -d -o cyrus -g mail -m 0750 /run/cyrus/socket
  for user in "${USERS[@]}"; do
    # -p reads the password from stdin: a command line would show it to ps.
    printf '%s' "$password" | chroot "$root" saslpasswd2 -c -p "$user"
  done
  chroot "$root" /usr/sbin/cyrmaster -d -C /etc/imapd.conf -M "$MASTER_CONF" -p /run/cyrus/master.pid >&2 9>&-
  wait_for_imap "$IMAP_PORT"
  log "Cyrus IMAP on 127.0.0.1:$IMAP_PORT (chroot $root)"

  local users_csv
  users_csv="$(IFS=,; echo "${USERS[*]}")"
  (
    umask 077
    {
      echo "CYRUS_IMAP_PORT=$IMAP_PORT"
      echo "CYRUS_PASSWORD=$password"
      echo "CYRUS_USERS=$users_csv"
      echo "CYRUS_DOMAIN=$DOMAIN"
    } >"$ENV_FILE"
  )
  cat "$ENV_FILE"
}

case "${1:-}" in
  start) with_lock start ;;
  stop) with_lock stop_ours ;;
  *) echo "usage: bash scripts/imap-servers/cyrus.sh start|stop" >&2; exit 2 ;;
esac
