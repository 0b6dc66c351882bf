#!/usr/bin/env bash
# Private, throw-away PostgreSQL 15 instance for tests and CI.
#
#   scripts/pg.sh start    start (or reuse) the instance; prints ONE line: the Npgsql connection string
#   scripts/pg.sh env      same, but prints: export MILESTONES_TEST_PG="<connection string>"
#   scripts/pg.sh status   prints the connection string if running, exit 1 otherwise
#   scripts/pg.sh stop     stops the instance and deletes its data folder
#
# The server listens on 127.0.0.1 only (a free port), keeps its unix socket inside
# its own temporary folder, and keeps fsync/synchronous_commit ON (durable writes).
# As root, the server runs as the `postgres` OS user; otherwise as the current user.
#
# Environment:
#   PG_STATE_DIR   where the state file lives (default /tmp/milestones-pg)
#   PG_BINDIR      directory holding initdb/pg_ctl/postgres (default: pg_config --bindir,
#                  then /usr/lib/postgresql/15/bin, then PATH)
#   PG_PORT        fixed port instead of a free one
#   PG_DATABASE, PG_USER   database and login role (default: milestones)
set -euo pipefail

STATE_DIR="${PG_STATE_DIR:-/tmp/milestones-pg}"
STATE_FILE="$STATE_DIR/state"
DB_NAME="${PG_DATABASE:-milestones}"
DB_USER="${PG_USER:-milestones}"
OS_USER=""

log() { echo "pg.sh: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

find_bindir() {
  local candidates=()
  if [[ -n "${PG_BINDIR:-}" ]]; then candidates+=("$PG_BINDIR"); fi
  if command -v pg_config >/dev/null 2>&1; then
    candidates+=("$(pg_config --bindir 2>/dev/null || true)")
  fi
  candidates+=(/usr/lib/postgresql/15/bin)
  if command -v initdb >/dev/null 2>&1; then
    candidates+=("$(dirname "$(readlink -f "$(command -v initdb)")")")
  fi
  local d
  for d in "${candidates[@]}"; do
    if [[ -n "$d" && -x "$d/initdb" && -x "$d/pg_ctl" && -x "$d/postgres" ]]; then
      echo "$d"
      return 0
    fi
  done
  return 1
}

# Runs a command as the OS user that owns the cluster. fd 9 (our lock) is closed
# so that the server does not inherit it and hold the lock forever.
as_owner() {
  if [[ -n "$OS_USER" ]]; then
    runuser -u "$OS_USER" -- "$@" 9>&-
  else
    "$@" 9>&-
  fi
}

read_state() {
  # shellcheck disable=SC1090
  [[ -f "$STATE_FILE" ]] && source "$STATE_FILE"
}

is_running() {
  [[ -n "${PGDATA_DIR:-}" && -d "${PGDATA_DIR:-}" ]] || return 1
  [[ -f "$PGDATA_DIR/postmaster.pid" ]] || return 1
  local pid
  pid="$(head -n1 "$PGDATA_DIR/postmaster.pid" 2>/dev/null || true)"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null
}

port_in_use() {
  ss -Htln 2>/dev/null | awk '{print $4}' | grep -Eq "[:.]$1\$"
}

pick_port() {
  local p i
  for i in $(seq 1 200); do
    p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
    port_in_use "$p" || { echo "$p"; return 0; }
  done
  return 1
}

remove_dir() {
  local dir="$1"
  [[ -n "$dir" && -d "$dir" ]] || return 0
  case "$dir" in
    /tmp/*|"${TMPDIR:-/tmp}"/*) rm -rf -- "$dir" ;;
    *) log "not deleting unexpected folder $dir" ;;
  esac
}

do_stop() {
  read_state || { log "not running (no state file $STATE_FILE)"; return 0; }
  if [[ -n "${PG_OS_USER:-}" ]]; then OS_USER="$PG_OS_USER"; fi
  cd /
  if is_running; then
    as_owner "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m fast -w -t 60 stop >/dev/null 2>&1 \
      || as_owner "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m immediate -w -t 30 stop >/dev/null 2>&1 \
      || log "pg_ctl stop failed"
  fi
  remove_dir "${PG_TMP_DIR:-}"
  rm -f -- "$STATE_FILE"
  log "stopped"
}

start_server() {
  # $1 = port; returns non-zero if the server did not come up.
  local port="$1"
  cat >>"$PGDATA_DIR/postgresql.conf" <<EOF

# --- scripts/pg.sh ---
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$PG_TMP_DIR/sock'
unix_socket_permissions = 0700
max_connections = 200
fsync = on
synchronous_commit = on
full_page_writes = on
shared_buffers = 128MB
logging_collector = off
EOF
  as_owner "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -l "$PG_TMP_DIR/server.log" -w -t 60 start >/dev/null 2>&1
}

do_start() {
  if read_state && is_running; then
    echo "$PG_CONN"
    return 0
  fi
  if [[ -f "$STATE_FILE" ]]; then
    log "removing stale state from a previous run"
    do_stop
  fi

  PG_BIN="$(find_bindir)" || die "PostgreSQL server binaries not found (set PG_BINDIR; looked at pg_config --bindir and /usr/lib/postgresql/15/bin)"
  if [[ "$(id -u)" == 0 ]]; then
    id postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' OS user"
    OS_USER=postgres
  fi

  PG_TMP_DIR="$(mktemp -d "${TMPDIR:-/tmp}/milestones-pg.XXXXXX")"
  PGDATA_DIR="$PG_TMP_DIR/data"
  mkdir -p "$PG_TMP_DIR/sock"
  if [[ -n "$OS_USER" ]]; then chown -R "$OS_USER:" "$PG_TMP_DIR"; fi
  chmod 700 "$PG_TMP_DIR"

  local password
  password="$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')"

  local pwfile="$PG_TMP_DIR/pw"
  (umask 077; echo "$password" >"$pwfile")
  if [[ -n "$OS_USER" ]]; then chown "$OS_USER:" "$pwfile"; fi

  # Run from a folder the owner can read (runuser keeps the caller's cwd).
  cd "$PG_TMP_DIR"
  if ! as_owner "$PG_BIN/initdb" -D "$PGDATA_DIR" -U postgres -E UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=scram-sha-256 >"$PG_TMP_DIR/initdb.log" 2>&1; then
    cat "$PG_TMP_DIR/initdb.log" >&2 || true
    remove_dir "$PG_TMP_DIR"
    die "initdb failed"
  fi

  local port="" attempt
  for attempt in 1 2 3 4 5; do
    if [[ -n "${PG_PORT:-}" ]]; then port="$PG_PORT"; else port="$(pick_port)" || die "no free port found"; fi
    # Each attempt appends its own settings; the last occurrence wins in postgresql.conf.
    if start_server "$port"; then break; fi
    port=""
    if [[ -n "${PG_PORT:-}" ]]; then break; fi
    log "start on a port failed (attempt $attempt), retrying on another port"
  done
  if [[ -z "$port" ]]; then
    tail -n 30 "$PG_TMP_DIR/server.log" >&2 2>/dev/null || true
    remove_dir "$PG_TMP_DIR"
    die "PostgreSQL did not start"
  fi

  local sock="$PG_TMP_DIR/sock"
  local i ready=0
  for i in $(seq 1 60); do
    if as_owner "$PG_BIN/pg_isready" -q -h "$sock" -p "$port" -U postgres -d postgres 2>/dev/null; then
      ready=1
      break
    fi
    sleep 0.5
  done
  if [[ "$ready" != 1 ]]; then
    tail -n 30 "$PG_TMP_DIR/server.log" >&2 2>/dev/null || true
    as_owner "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m immediate stop >/dev/null 2>&1 || true
    remove_dir "$PG_TMP_DIR"
    die "PostgreSQL started but is not accepting connections"
  fi

  local psql="$PG_BIN/psql"
  [[ -x "$psql" ]] || psql="$(command -v psql)" || die "psql not found"
  if ! as_owner "$psql" -X -q -v ON_ERROR_STOP=1 -h "$sock" -p "$port" -U postgres -d postgres \
      -v role="$DB_USER" -v db="$DB_NAME" -v pw="$password" >/dev/null 2>"$PG_TMP_DIR/setup.log" <<'SQL'
CREATE ROLE :"role" LOGIN CREATEDB PASSWORD :'pw';
GRANT pg_checkpoint TO :"role";
CREATE DATABASE :"db" OWNER :"role" ENCODING 'UTF8' TEMPLATE template0;
SQL
  then
    cat "$PG_TMP_DIR/setup.log" >&2 || true
    as_owner "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m immediate stop >/dev/null 2>&1 || true
    remove_dir "$PG_TMP_DIR"
    die "could not create role/database"
  fi
  rm -f -- "$pwfile"

  PG_CONN="Host=127.0.0.1;Port=$port;Database=$DB_NAME;Username=$DB_USER;Password=$password"
  local pid
  pid="$(head -n1 "$PGDATA_DIR/postmaster.pid")"
  mkdir -p "$STATE_DIR"
  (umask 077; cat >"$STATE_FILE" <<EOF
PG_CONN='$PG_CONN'
PG_PORT_USED='$port'
PG_TMP_DIR='$PG_TMP_DIR'
PGDATA_DIR='$PGDATA_DIR'
PG_SOCKET_DIR='$sock'
PG_PID='$pid'
PG_BIN='$PG_BIN'
PG_OS_USER='$OS_USER'
EOF
  )
  log "PostgreSQL started on 127.0.0.1:$port (pid $pid, data $PGDATA_DIR)"
  echo "$PG_CONN"
}

with_lock() {
  mkdir -p "$STATE_DIR"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$STATE_DIR/lock"
    flock -w 120 9 || die "timed out waiting for $STATE_DIR/lock"
  fi
  "$@"
}

case "${1:-}" in
  start) with_lock do_start ;;
  env)
    conn="$(with_lock do_start)" || exit 1
    printf 'export MILESTONES_TEST_PG="%s"\n' "$conn"
    ;;
  stop) with_lock do_stop ;;
  status)
    if read_state && is_running; then echo "$PG_CONN"; else log "not running"; exit 1; fi
    ;;
  *)
    echo "usage: $0 start|env|status|stop" >&2
    exit 2
    ;;
esac
