#!/usr/bin/env bash
# What each SQL statement of Milestones costs PostgreSQL over whole lifecycles: one fresh server on a private PostgreSQL
# with pg_stat_statements loaded, STATEMENTS_WARMUP lifecycles at c=16 (default 2,000), the statistics reset, then
# STATEMENTS_COUNT more (default 1,000); prints each statement's calls, total and mean execution time and rows, most
# expensive first. Made to find which statement a change made dearer (the per-lifecycle totals are cost.sh's).
#
#   benchmarks/statements.sh
#   STATEMENTS_API=path/to/Milestones.Api.dll STATEMENTS_LABEL=abc1234 benchmarks/statements.sh   # another build
set -euo pipefail
cd "$(dirname "$0")/.."
warmup=${STATEMENTS_WARMUP:-2000}; count=${STATEMENTS_COUNT:-1000}
api=${STATEMENTS_API:-src/Api/bin/Release/net10.0/Milestones.Api.dll}
label=${STATEMENTS_LABEL:-$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo "+changes")}
loadtest=benchmarks/LoadTest/bin/Release/net10.0/Milestones.LoadTest.dll
LOG_NAME=statements; source benchmarks/common.sh

if [ -z "${STATEMENTS_API:-}" ]; then
  log "building (Release)"
  for p in src/Api benchmarks/LoadTest; do dotnet build "$p" -c Release --nologo -v q >/dev/null; done
fi

start_pg
pg_state() { sed -n "s/^$1='\(.*\)'$/\1/p" "$work/pg/state"; }
owner=$(pg_state PG_OS_USER); data=$(pg_state PGDATA_DIR)
as_owner() { if [ -n "$owner" ]; then runuser -u "$owner" -- "$@"; else "$@"; fi; }
# The extension needs the library loaded at start and a superuser to create it (over the server's own socket).
echo "shared_preload_libraries = 'pg_stat_statements'" >>"$data/postgresql.conf"
as_owner "$(pg_state PG_BIN)/pg_ctl" -D "$data" -w restart -m fast >/dev/null
superuser() { as_owner psql -h "$(dirname "$data")/sock" -p "$PGPORT" -U postgres -d "$PGDATABASE" "$@"; }
superuser -q -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"

port=$(free_port); url="http://127.0.0.1:$port"
env ASPNETCORE_ENVIRONMENT=Development Logging__LogLevel__Default=Warning Dashboard__Enabled=false \
  RateLimit__PermitsPerSecond=100000000 RateLimit__PermitsPerSecondPerAddress=100000000 \
  Orleans__SiloPort=$(free_port) Orleans__GatewayPort=$(free_port) Storage__Provider=Postgres Orleans__ServiceId=statements \
  ConnectionStrings__Milestones="$pg;Maximum Pool Size=64" dotnet "$api" --urls "$url" >"$work/api.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do curl -sf "$url/health/ready" >/dev/null && break; sleep 0.5; done
curl -sf "$url/health/ready" >/dev/null || { tail -n 30 "$work/api.log" >&2; log "the API did not become ready"; exit 1; }
load() {
  dotnet "$loadtest" --target "$url" --scenario lifecycle --concurrency 16 --count "$1" --duration 10m --warmup 0 \
    --clients 64 --label statements --out "$work/load-$1" >/dev/null 2>>"$work/load.log" \
    || { tail -n 30 "$work/load.log" >&2; log "load test failed"; exit 1; }
}
log "$label: $warmup lifecycles to warm, then $count measured"
load "$warmup"
superuser -q -c "SELECT pg_stat_statements_reset()" >/dev/null
load "$count"
echo "\`benchmarks/statements.sh\` ($count lifecycles at c=16 after $warmup; $(date -u +%FT%TZ); Milestones: $label)"
echo
superuser -c "SELECT calls, round(total_exec_time::numeric, 0) AS exec_ms, round((total_exec_time / calls)::numeric, 3) AS mean_ms, rows,
  left(regexp_replace(query, '\s+', ' ', 'g'), 60) AS statement FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 6"
