#!/usr/bin/env bash
# Stops a server started by start.sh, by the PID it recorded, and waits until it is gone.
#
#   scripts/postgres/stop.sh [port] [--clean]     (--clean also deletes its data directory)
set -euo pipefail

port="${WEARHOOK_PG_PORT:-54329}"
clean=false
for arg in "$@"; do
  case "$arg" in
    --clean) clean=true ;;
    *) port="$arg" ;;
  esac
done
dir="${WEARHOOK_PG_DIR:-${TMPDIR:-/tmp}/wearhook-pg-${port}}"
pidfile="$dir/server.pid"

if [ -f "$pidfile" ]; then
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -INT "$pid" # "fast" shutdown: roll back open transactions, disconnect clients
    for _ in $(seq 1 300); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "[wearhook-pg] server $pid did not stop in 30 s; sending SIGQUIT" >&2
      kill -QUIT "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$pidfile"
fi
if [ "$clean" = true ]; then
  rm -rf "$dir" "$dir.lock"
fi
