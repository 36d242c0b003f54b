#!/usr/bin/env bash
# A private PostgreSQL cluster for tests and local multi-replica runs: Debian's packages (installed when missing),
# data under .services/pg (git-ignored), listening on loopback only, on a free port.
#
#   bash scripts/services/postgres.sh start   # init on first use, start, print DATABASE_URL=…
#   bash scripts/services/postgres.sh env     # print DATABASE_URL=… of the running cluster (exit 1 if stopped)
#   bash scripts/services/postgres.sh stop
#
# PG_PORT picks the port (default: the first free one from 55432). initdb refuses to run as root, so as root the
# cluster runs as the unprivileged `postgres` system user that Debian's package creates.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BASE="$ROOT/.services/pg"
DATA="$BASE/data"
cmd="${1:-}"

find_bin() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  return 1
}

BIN="$(find_bin || true)"
if [ -z "$BIN" ] && [ "$cmd" = start ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "PostgreSQL is not installed: run 'sudo apt-get install -y postgresql' (or run this script as root)." >&2
    exit 1
  fi
  echo "Installing Debian's postgresql…" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  BIN="$(find_bin)"
fi

# Who owns and runs the cluster: ourselves, or `postgres` when we are root.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    # From /, with resolved paths: the postgres user may not be able to enter the folders above the clone.
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

url() {
  local port password
  port="$(cat "$BASE/port")"
  password="$(cat "$BASE/password")"
  echo "DATABASE_URL=postgres://retake:${password}@127.0.0.1:${port}/retake"
}

# The data folder itself (.services/pg/data may be a link to a folder the postgres user can reach).
data_dir() {
  readlink -f "$DATA"
}

running() {
  [ -n "$BIN" ] && [ -f "$DATA/PG_VERSION" ] && as_owner "$BIN/pg_ctl" -D "$(data_dir)" status >/dev/null 2>&1
}

port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

case "$cmd" in
  start)
    mkdir -p "$BASE"
    if running; then
      url
      exit 0
    fi
    if [ ! -f "$DATA/PG_VERSION" ]; then
      if [ "$(id -u)" -eq 0 ]; then
        # The postgres user must be able to reach the data folder through every parent folder.
        if ! runuser -u postgres -- test -x "$BASE"; then
          real="$(mktemp -d /var/tmp/retake-pg.XXXXXX)"
          chmod 700 "$real"
          rm -rf "$DATA"
          ln -s "$real" "$DATA"
        else
          mkdir -p "$DATA"
        fi
        chown -h postgres: "$DATA"
        chown postgres: "$(readlink -f "$DATA")"
      fi
      head -c 18 /dev/urandom | base64 | tr '+/' '-_' >"$BASE/password"
      chmod 600 "$BASE/password"
      pwfile="$(mktemp)"
      cp "$BASE/password" "$pwfile"
      chmod 644 "$pwfile"
      as_owner "$BIN/initdb" -D "$(data_dir)" -U retake --pwfile="$pwfile" --auth=scram-sha-256 -E UTF8 \
        --locale=C.UTF-8 >"$BASE/initdb.log" 2>&1 || { cat "$BASE/initdb.log" >&2; rm -f "$pwfile"; exit 1; }
      rm -f "$pwfile"
    fi
    port="${PG_PORT:-}"
    if [ -z "$port" ]; then
      for p in $(seq 55432 55499); do
        if port_free "$p"; then port="$p"; break; fi
      done
    fi
    [ -n "$port" ] || { echo "No free port in 55432-55499 for PostgreSQL." >&2; exit 1; }
    echo "$port" >"$BASE/port"
    sock="$(data_dir)"
    as_owner "$BIN/pg_ctl" -D "$sock" -l "$sock/server.log" -w -t 60 \
      -o "-p $port -c listen_addresses=127.0.0.1 -k $sock -c max_connections=200 -c fsync=off" start >/dev/null
    export PGPASSWORD
    PGPASSWORD="$(cat "$BASE/password")"
    if ! as_owner env PGPASSWORD="$PGPASSWORD" "$BIN/psql" -h 127.0.0.1 -p "$port" -U retake -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = 'retake'" | grep -q 1; then
      as_owner env PGPASSWORD="$PGPASSWORD" "$BIN/createdb" -h 127.0.0.1 -p "$port" -U retake retake
    fi
    url
    ;;
  env)
    if running; then url; else echo "The PostgreSQL cluster is not running (start it first)." >&2; exit 1; fi
    ;;
  stop)
    if running; then as_owner "$BIN/pg_ctl" -D "$(data_dir)" -m fast -w stop >/dev/null; fi
    ;;
  *)
    echo "usage: $0 start|stop|env" >&2
    exit 2
    ;;
esac
