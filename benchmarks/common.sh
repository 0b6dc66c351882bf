# Sourced by run.sh and cost.sh (set LOG_NAME first): a work folder, the processes started (pids) and a private
# PostgreSQL, all stopped and removed on exit; log lines named after the script; free loopback ports.
work=$(mktemp -d)
log() { echo "$LOG_NAME: $(date +%T) $*" >&2; }
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  PG_STATE_DIR="$work/pg" scripts/pg.sh stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Starts the private PostgreSQL (scripts/pg.sh): $pg is its connection string, psql's PG* variables point at it.
start_pg() {
  pg=$(PG_STATE_DIR="$work/pg" scripts/pg.sh start)
  local field
  for field in Host:PGHOST Port:PGPORT Database:PGDATABASE Username:PGUSER Password:PGPASSWORD; do
    export "${field#*:}=$(tr ';' '\n' <<<"$pg" | sed -n "s/^${field%%:*}=//Ip")"
  done
}
