#!/usr/bin/env bash
# Real Redis for the Redis store adapter's tests: a standalone server on 127.0.0.1:6390 and a
# 3-master Redis Cluster on 127.0.0.1:7101-7103, all in-memory and owned by this script.
#
#   bash scripts/redis.sh start   # installs redis-server/redis-tools when missing, (re)starts both,
#                                 # waits until they answer, prints REDIS_URL=... and REDIS_CLUSTER_URL=...
#   bash scripts/redis.sh stop    # shuts both down and removes their folder
#
# Only the two env lines go to stdout (so `eval "$(bash scripts/redis.sh start)"` works); progress
# goes to stderr. Ports are fixed so that `stop`, from any shell, finds what `start` made.
set -euo pipefail

STANDALONE_PORT=6390
CLUSTER_PORTS=(7101 7102 7103)
BASE_DIR="${MCPEMAILS_REDIS_DIR:-${TMPDIR:-/tmp}/mcpemails-redis}"
WAIT_SECONDS=30

log() { echo "redis.sh: $*" >&2; }

install_when_missing() {
  if command -v redis-server >/dev/null && command -v redis-cli >/dev/null; then return; fi
  log "installing redis-server and redis-tools (Debian packages)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends redis-server redis-tools >&2
}

answers() { redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null | grep -q PONG; }

wait_until() {
  local what="$1"; shift
  local deadline=$((SECONDS + WAIT_SECONDS))
  until "$@"; do
    if ((SECONDS >= deadline)); then log "gave up after ${WAIT_SECONDS}s waiting for $what"; exit 1; fi
    sleep 0.2
  done
}

start_server() {
  local port="$1"; shift
  local dir="$BASE_DIR/$port"
  mkdir -p "$dir"
  if answers "$port"; then
    log "port $port already answers and was not started by this script (stop it first)"; exit 1
  fi
  # No config file: every setting is a flag, so nothing outside BASE_DIR is read or written.
  redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --pidfile "$dir/redis.pid" \
    --logfile "$dir/redis.log" --save "" --appendonly no --daemonize yes --protected-mode yes "$@" >&2
  wait_until "redis on port $port" answers "$port"
}

cluster_ok_everywhere() {
  local port
  for port in "${CLUSTER_PORTS[@]}"; do
    redis-cli -h 127.0.0.1 -p "$port" cluster info 2>/dev/null | grep -q '^cluster_state:ok' || return 1
  done
}

stop_all() {
  local port dir pid
  for port in "$STANDALONE_PORT" "${CLUSTER_PORTS[@]}"; do
    dir="$BASE_DIR/$port"
    [[ -f "$dir/redis.pid" ]] || continue
    pid="$(cat "$dir/redis.pid")"
    redis-cli -h 127.0.0.1 -p "$port" shutdown nosave >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  rm -rf "$BASE_DIR"
}

start_all() {
  install_when_missing
  # A previous run that was killed before its trap may have left our servers behind.
  stop_all
  mkdir -p "$BASE_DIR"

  start_server "$STANDALONE_PORT"

  local port nodes=()
  for port in "${CLUSTER_PORTS[@]}"; do
    start_server "$port" --cluster-enabled yes --cluster-config-file "$BASE_DIR/$port/nodes.conf" \
      --cluster-node-timeout 5000
    nodes+=("127.0.0.1:$port")
  done
  local created
  if ! created="$(redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes 2>&1)"; then
    echo "$created" >&2; log "redis-cli --cluster create failed"; exit 1
  fi
  wait_until "the cluster to cover every slot" cluster_ok_everywhere
  log "standalone on $STANDALONE_PORT, cluster on ${CLUSTER_PORTS[*]} (in $BASE_DIR)"

  local cluster_hosts
  cluster_hosts="$(IFS=,; echo "${nodes[*]}")"
  echo "REDIS_URL=redis://127.0.0.1:$STANDALONE_PORT"
  echo "REDIS_CLUSTER_URL=redis+cluster://$cluster_hosts"
}

case "${1:-}" in
  start) start_all ;;
  stop) command -v redis-cli >/dev/null && stop_all; rm -rf "$BASE_DIR" ;;
  *) echo "usage: bash scripts/redis.sh start|stop" >&2; exit 2 ;;
esac
