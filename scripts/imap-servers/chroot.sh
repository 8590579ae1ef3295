# Sourced by courier.sh and cyrus.sh: a Debian chroot per IMAP server, made once with debootstrap
# (minbase, the host's own suite) and the server's packages, kept in a cache outside the repository
# so that later starts only mount it and start the daemon.
#
# The caller sets NAME (the chroot's name), PACKAGES (its Debian packages) and STATE_DIRS (the
# folders a start resets to what the packages left, so each start has empty mailboxes).
# MCPEMAILS_IMAP_CHROOTS moves the cache (default /var/cache/mcpemails-imap-chroots).

CACHE="${MCPEMAILS_IMAP_CHROOTS:-/var/cache/mcpemails-imap-chroots}"
MIRROR="${MCPEMAILS_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
WAIT_SECONDS=30

log() { echo "$NAME.sh: $*" >&2; }
fail() { log "$*"; exit 1; }

chroot_dir() { echo "$CACHE/$NAME"; }

host_suite() {
  # shellcheck disable=SC1091 # the host's own file
  (. /etc/os-release && echo "${VERSION_CODENAME:?/etc/os-release names no VERSION_CODENAME}")
}

# What the chroot was made from: a change (another suite, other packages) makes it again.
recipe() { echo "suite=$(host_suite) variant=minbase packages=${PACKAGES[*]}"; }

random_password() { head -c 18 /dev/urandom | base64 | tr '+/' '-_'; }

port_in_use() { { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null && { exec 3<&- 3>&-; return 0; }; return 1; }

imap_answers() {
  local greeting=""
  { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1
  IFS= read -r -t 2 greeting <&3 || true
  exec 3<&- 3>&-
  [[ "$greeting" == "* OK"* ]]
}

wait_for_imap() {
  local deadline=$((SECONDS + WAIT_SECONDS))
  until imap_answers "$1"; do
    ((SECONDS < deadline)) || fail "gave up after ${WAIT_SECONDS}s waiting for IMAP on 127.0.0.1:$1"
    sleep 0.2
  done
}

mount_into() {
  local root="$1"
  mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
  mountpoint -q "$root/dev" || mount --bind /dev "$root/dev"
  mountpoint -q "$root/dev/pts" || mount --bind /dev/pts "$root/dev/pts"
}

unmount_from() {
  local root="$1" point
  for point in dev/pts dev proc; do
    if mountpoint -q "$root/$point"; then umount "$root/$point" || umount -l "$root/$point"; fi
  done
}

# Removes a folder that may hold a chroot only when nothing is mounted in it: rm -rf through a
# bind mount of /dev would empty the host's /dev.
remove_chroot_folder() {
  local root="$1"
  [[ -e "$root" ]] || return 0
  unmount_from "$root"
  if grep -q " $root/" /proc/mounts; then fail "$root still has mounts (see /proc/mounts): left as it is"; fi
  rm -rf "$root"
}

# Every process whose root is the chroot: only this script starts processes there.
processes_in() {
  local root proc link
  root="$(realpath "$1")"
  for proc in /proc/[0-9]*; do
    link="$(readlink "$proc/root" 2>/dev/null)" || continue
    [[ "$link" == "$root" ]] && echo "${proc#/proc/}"
  done
  return 0
}

kill_processes_in() {
  local root="$1" pids
  pids="$(processes_in "$root")"
  [[ -z "$pids" ]] && return 0
  # shellcheck disable=SC2086 # one pid per word
  kill $pids 2>/dev/null || true
  for _ in $(seq 50); do [[ -z "$(processes_in "$root")" ]] && return 0; sleep 0.1; done
  pids="$(processes_in "$root")"
  # shellcheck disable=SC2086
  [[ -n "$pids" ]] && kill -9 $pids 2>/dev/null || true
}

# The shared minbase system, made once; the servers' chroots are copies of it.
ensure_base() {
  local base="$CACHE/base" suite
  suite="$(host_suite)"
  [[ -f "$base/.mcpemails-base" && "$(cat "$base/.mcpemails-base")" == "$suite" ]] && return 0
  command -v debootstrap >/dev/null || {
    log "installing debootstrap (Debian package)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >&2 ||
      { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >&2; } ||
      fail "could not install debootstrap"
  }
  remove_chroot_folder "$base.building"
  log "debootstrap --variant=minbase $suite from $MIRROR (once; cached in $base)"
  if ! debootstrap --variant=minbase "$suite" "$base.building" "$MIRROR" >"$CACHE/base.log" 2>&1; then
    tail -n 20 "$CACHE/base.log" >&2
    fail "debootstrap failed (is $MIRROR reachable?); its log: $CACHE/base.log"
  fi
  echo "$suite" >"$base.building/.mcpemails-base"
  remove_chroot_folder "$base"
  mv "$base.building" "$base"
}

# The server's chroot with its packages installed (services kept from starting by policy-rc.d),
# and a pristine copy of STATE_DIRS that every start restores.
ensure_chroot() {
  local root building
  root="$(chroot_dir)"
  building="$root.building"
  [[ -f "$root/.mcpemails-recipe" && "$(cat "$root/.mcpemails-recipe")" == "$(recipe)" ]] && return 0
  ensure_base
  remove_chroot_folder "$building"
  cp -a "$CACHE/base" "$building"
  printf '#!/bin/sh\nexit 101\n' >"$building/usr/sbin/policy-rc.d"
  chmod 0755 "$building/usr/sbin/policy-rc.d"
  mount_into "$building"
  log "installing ${PACKAGES[*]} in the chroot (once; cached in $root)"
  # The cached base's package lists may be older than the mirror's packages: read them again first.
  if ! { chroot "$building" env LC_ALL=C apt-get update -q &&
    chroot "$building" env DEBIAN_FRONTEND=noninteractive LC_ALL=C apt-get install -y -q --no-install-recommends "${PACKAGES[@]}"; } >"$CACHE/$NAME.log" 2>&1; then
    unmount_from "$building"
    tail -n 20 "$CACHE/$NAME.log" >&2
    fail "installing ${PACKAGES[*]} failed (is $MIRROR reachable?); its log: $CACHE/$NAME.log"
  fi
  kill_processes_in "$building"
  unmount_from "$building"
  rm -f "$building/usr/sbin/policy-rc.d"
  local dir
  for dir in "${STATE_DIRS[@]}"; do
    mkdir -p "$building/.mcpemails-pristine$(dirname "$dir")"
    cp -a "$building$dir" "$building/.mcpemails-pristine$dir"
  done
  recipe >"$building/.mcpemails-recipe"
  remove_chroot_folder "$root"
  mv "$building" "$root"
}

restore_state() {
  local root dir
  root="$(chroot_dir)"
  for dir in "${STATE_DIRS[@]}"; do
    rm -rf "${root:?}$dir"
    cp -a "$root/.mcpemails-pristine$dir" "$root$dir"
  done
}

# Serialises starts and stops of every server: two scripts must not build the base at once.
with_lock() {
  mkdir -p "$CACHE"
  exec 9>"$CACHE/.lock"
  flock 9
  "$@"
}
