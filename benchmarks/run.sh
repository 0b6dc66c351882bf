#!/usr/bin/env bash
# The whole benchmark in one run on one machine: a private PostgreSQL; the HTTP load test against Milestones on
# PostgreSQL (many clients and one hot client), against the baseline (ASP.NET Core + Npgsql, row locks) and against
# the embedded SQLite default, each starting on a checkpointed database; then the database's ceiling for one durable
# write per operation (pgbench, single-row upsert), last so that its aftermath lands on no system under test; memory
# per activated contract grain. Prints the table and writes benchmarks/results/<date>.md with a chart
# (<date>.svg). --quick finishes in under 3 minutes; its last line is the Milestones/baseline ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
quick=false; [ "${1:-}" = "--quick" ] && quick=true
# count bounds each measured run (the load test prepares that many ready contracts per level, untimed);
# hot_count is smaller because one client's "My Jobs" list and account grow with every contract. warm_count
# bounds each warm-up. --quick measures one level on a fresh server: a Milestones server funds ~3x faster in its
# second load test than in its first (JIT and first-use costs), so --quick understates it; the full run is the figure.
if $quick; then
  levels=64; duration=5s; warmup=3s; warm_count=1000; count=1500; hot_count=400; pgbench_seconds=5; grains=3000
else
  levels=1,16,64,128; duration=15s; warmup=3s; warm_count=100; count=12000; hot_count=2000; pgbench_seconds=15; grains=100000
fi
work=$(mktemp -d); date=$(date -u +%F)
log() { echo "bench: $(date +%T) $*" >&2; }
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  PG_STATE_DIR="$work/pg" scripts/pg.sh stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

log "building (Release)"
for p in src/Api benchmarks/Baseline benchmarks/LoadTest benchmarks/Milestones.Benchmarks; do
  dotnet build "$p" -c Release --nologo -v q >/dev/null
done

pg=$(PG_STATE_DIR="$work/pg" scripts/pg.sh start)
field() { tr ';' '\n' <<<"$pg" | sed -n "s/^$1=//Ip"; }
export PGHOST=$(field Host) PGPORT=$(field Port) PGDATABASE=$(field Database) PGUSER=$(field Username) PGPASSWORD=$(field Password)

# Each system starts on a settled database: the previous one's dirty pages and WAL are checkpointed first.
settle() { psql -q -c CHECKPOINT >/dev/null 2>&1 || log "CHECKPOINT refused; going on"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# serve NAME DLL ENV... : starts a server on a free loopback port, waits until ready, sets $url and $server
serve() {
  local name=$1 dll=$2; shift 2
  settle
  local port; port=$(free_port); url="http://127.0.0.1:$port"
  env ASPNETCORE_ENVIRONMENT=Development Logging__LogLevel__Default=Warning "$@" dotnet "$dll" --urls "$url" >"$work/$name.log" 2>&1 &
  server=$!; pids+=("$server")
  for _ in $(seq 1 120); do curl -sf "$url/health/ready" >/dev/null && return 0; sleep 0.5; done
  tail -n 30 "$work/$name.log" >&2; log "$name did not become ready"; exit 1
}
load() {  # load NAME CLIENTS LEVELS COUNT
  log "load test: $1 ($2 clients, concurrency $3, at most $4 fundings per level)"
  dotnet benchmarks/LoadTest/bin/Release/net10.0/Milestones.LoadTest.dll --target "$url" --scenario fund \
    --concurrency "$3" --duration "$duration" --warmup "$warmup" --warmup-count "$warm_count" --count "$4" --clients "$2" \
    --label "$1" --out "$work/$1" >/dev/null 2>"$work/$1.progress"
}
milestones() { echo Dashboard__Enabled=false RateLimit__PermitsPerSecond=100000000 RateLimit__PermitsPerSecondPerAddress=100000000 Orleans__SiloPort=$(free_port) Orleans__GatewayPort=$(free_port); }

serve milestones-pg src/Api/bin/Release/net10.0/Milestones.Api.dll $(milestones) \
  Storage__Provider=Postgres ConnectionStrings__Milestones="$pg;Maximum Pool Size=64" Orleans__ServiceId="bench-$RANDOM"
load milestones-pg 64 "$levels" "$count"
load milestones-pg-hot 1 64 "$hot_count"
kill "$server"; wait "$server" 2>/dev/null || true

serve baseline benchmarks/Baseline/bin/Release/net10.0/Milestones.Baseline.dll ConnectionStrings__Baseline="$pg"
load baseline 64 "$levels" "$count"
load baseline-hot 1 64 "$hot_count"
kill "$server"; wait "$server" 2>/dev/null || true

serve milestones-sqlite src/Api/bin/Release/net10.0/Milestones.Api.dll $(milestones) Storage__DataDirectory="$work/sqlite"
load milestones-sqlite 64 "$levels" "$count"
kill "$server"; wait "$server" 2>/dev/null || true

settle
log "pgbench ceiling: one single-row upsert per transaction"
psql -q -c "CREATE TABLE IF NOT EXISTS bench_upsert (id integer PRIMARY KEY, n bigint NOT NULL)"
printf '%s\n' '\set id random(1, 100000)' \
  'INSERT INTO bench_upsert (id, n) VALUES (:id, 1) ON CONFLICT (id) DO UPDATE SET n = bench_upsert.n + 1;' >"$work/upsert.sql"
: >"$work/pgbench.tsv"
for c in ${levels//,/ }; do
  tps=$(pgbench -n -c "$c" -j 2 -T "$pgbench_seconds" -f "$work/upsert.sql" 2>/dev/null | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | tail -n 1)
  printf '%s\t%s\n' "$c" "$tps" >>"$work/pgbench.tsv"
done

log "memory per activated contract grain ($grains contracts)"
dotnet benchmarks/Milestones.Benchmarks/bin/Release/net10.0/Milestones.Benchmarks.dll memory "$grains" \
  | sed -n 's/^memory per activated contract grain: \([0-9]*\) bytes.*/\1/p' >"$work/memory.txt"

mkdir -p benchmarks/results
python3 benchmarks/report.py "$work" "benchmarks/results/$date" "$(uname -srm); $(nproc) cores; $(date -u +%FT%TZ)" \
  "benchmarks/run.sh${1:+ $1}"
