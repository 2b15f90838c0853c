#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server for tests on 127.0.0.1 and prints its URL on stdout.
#
#   scripts/postgres/start.sh [port]        (default port: $WEARHOOK_PG_PORT or 54329)
#
# Data lives in ${WEARHOOK_PG_DIR:-${TMPDIR:-/tmp}/wearhook-pg-<port>}; the server's PID is written to
# <dir>/server.pid. Running it again while that server is up just prints the URL. If initdb/pg_ctl are
# missing, installs Debian's postgresql (as root). initdb refuses to run as root, so as root the server
# runs as the `postgres` user (created by the Debian package) or a dedicated `wearhook-pg` user.
# Authentication is `trust`, on loopback only: this is a test server, never expose it.
set -euo pipefail

port="${1:-${WEARHOOK_PG_PORT:-54329}}"
dir="${WEARHOOK_PG_DIR:-${TMPDIR:-/tmp}/wearhook-pg-${port}}"
data="$dir/data"
pidfile="$dir/server.pid"
url="postgres://wearhook@127.0.0.1:${port}/postgres"

log() { echo "[wearhook-pg] $*" >&2; }

find_bin() {
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v pg_ctl)"
    return 0
  fi
  local candidate
  for candidate in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V -r); do
    if [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

bin="$(find_bin || true)"
if [ -z "$bin" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    log "initdb/pg_ctl not found and not root: install PostgreSQL (Debian: apt-get install postgresql) or set WEARHOOK_TEST_DATABASE_URL."
    exit 1
  fi
  log "installing Debian postgresql (initdb/pg_ctl not found)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends postgresql >&2
  bin="$(find_bin)" || { log "postgresql installed but initdb/pg_ctl still not found"; exit 1; }
fi

# Who runs the server: ourselves, or an unprivileged user when we are root.
run_as=()
if [ "$(id -u)" -eq 0 ]; then
  user=postgres
  if ! id "$user" >/dev/null 2>&1; then
    user=wearhook-pg
    id "$user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$user"
  fi
  runuser="$(PATH="$PATH:/usr/sbin:/sbin" command -v runuser || true)"
  if [ -n "$runuser" ]; then
    run_as=("$runuser" -u "$user" --)
  else
    run_as=(setpriv "--reuid=$user" "--regid=$(id -g "$user")" --init-groups --)
  fi
fi

mkdir -p "$dir"
exec 9>"$dir.lock"
flock 9 # parallel test files may call this at once: one of them starts the server

if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  echo "$url"
  exit 0
fi

if [ ! -f "$data/PG_VERSION" ]; then
  rm -rf "$data"
  mkdir -p "$data"
  [ ${#run_as[@]} -eq 0 ] || chown -R "$user" "$dir"
  "${run_as[@]}" "$bin/initdb" -D "$data" -U wearhook --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 9>&- ||
    "${run_as[@]}" "$bin/initdb" -D "$data" -U wearhook --auth=trust -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 9>&- ||
    { log "initdb failed:"; cat "$dir/initdb.log" >&2; exit 1; }
fi

# The socket goes into the data directory, so nothing is needed under /var/run/postgresql. The server
# must not inherit the lock (fd 9) or our stdout, or it would block the next caller and our reader.
"${run_as[@]}" "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 \
  -o "-p $port -c listen_addresses=127.0.0.1 -k $data -c max_connections=200 -c fsync=on" start >&2 9>&- ||
  { log "pg_ctl start failed:"; tail -n 30 "$dir/server.log" >&2; exit 1; }

head -n 1 "$data/postmaster.pid" >"$pidfile"
log "PostgreSQL $("$bin/pg_ctl" --version | awk '{print $3}') on port $port, pid $(cat "$pidfile"), data in $data"
echo "$url"
