#!/usr/bin/env bash
# The whole benchmark in one run on one machine, on a private PostgreSQL. For each system — Milestones on PostgreSQL,
# Milestones on embedded SQLite, the baseline (ASP.NET Core + Npgsql, row locks) — three fresh server processes on
# one store:
#   1. lifecycle cold (its first load test, no warm-up), lifecycle warm (a later one); then, untimed, it prepares the
#      fund contracts the next two processes use, so that their first load test is their first traffic;
#   2. the ramp: fund for 10 s on a fresh process, successful fundings counted per second;
#   3. fund cold (its first load test, on the prepared contracts), fund warm (a later one, preparing its own); for
#      Milestones on PostgreSQL then, untimed, the contracts of one more warm fund run, and that run with one webhook
#      endpoint subscribed (--webhook), the same levels and bounds: last in its process, so that no run without a
#      subscriber comes after one (a subscriber keeps the feed read, which changes what the store does per write).
# Then the database's ceiling for one durable write per operation (pgbench, single-row upsert), activation times of
# grains with a long history and memory per activated contract grain (in-process silo). The load tester's `report`
# prints the table and ratios and writes benchmarks/results/<date>.md with its chart (<date>.png), keeping the files
# it was made from in <date>-raw/; its last two lines are the lifecycle and the fund ratio. Before the report, cost.sh
# prints (and writes to <date>-cost.md) what the database pays per lifecycle for Milestones and the baseline.
# --quick (one level, short runs) finishes in about 7 minutes and writes <date>-quick.md, a smoke run of the pipeline,
# not a figure to quote.
# BENCH_RESULTS_NAME names the report instead of <date>[-quick] (a second run on one day keeps the first).
set -euo pipefail
cd "$(dirname "$0")/.."
quick=false; [ "${1:-}" = "--quick" ] && quick=true
# count bounds each measured fund run (and is what a level prepares); cold_pool (count per level) and ramp_pool are the
# contracts an earlier process prepares for the cold fund run (its levels draw from them in turn) and for the ramp;
# webhook_pool (warm-up and count per level) is what the webhook run funds, prepared before it subscribes.
if $quick; then
  levels=16; duration=3s; warmup=1s; warm_count=300; count=1000; ramp_c=16; ramp_pool=2000
  pgbench_seconds=5; grains=3000; ledger=100,10000; suffix=-quick
else
  levels=1,16,64,128; duration=15s; warmup=3s; warm_count=300; count=8000; ramp_c=64; ramp_pool=20000
  pgbench_seconds=15; grains=100000; ledger=100,10000,100000; suffix=
fi
ramp_seconds=10s
nlevels=$(tr ',' '\n' <<<"$levels" | wc -l); cold_pool=$(( nlevels * count )); webhook_pool=$(( nlevels * (warm_count + count) ))
date=$(date -u +%F); started=$(date +%s)
LOG_NAME=bench; source benchmarks/common.sh

log "building (Release)"
for p in src/Api benchmarks/Baseline benchmarks/LoadTest benchmarks/Milestones.Benchmarks; do
  dotnet build "$p" -c Release --nologo -v q >/dev/null
done
loadtest=benchmarks/LoadTest/bin/Release/net10.0/Milestones.LoadTest.dll

start_pg

# Each server process starts on a settled database: the previous one's dirty pages and WAL are checkpointed first.
settle() { psql -q -c CHECKPOINT >/dev/null 2>&1 || log "CHECKPOINT refused; going on"; }
# serve NAME DLL ENV... : starts a server on a free loopback port, waits until ready, sets $url and $server
serve() {
  local name=$1 dll=$2; shift 2
  settle
  local port; port=$(free_port); url="http://127.0.0.1:$port"
  env ASPNETCORE_ENVIRONMENT=Development Logging__LogLevel__Default=Warning "$@" dotnet "$dll" --urls "$url" >>"$work/$name.log" 2>&1 &
  server=$!; pids+=("$server")
  for _ in $(seq 1 120); do curl -sf "$url/health/ready" >/dev/null && return 0; sleep 0.5; done
  tail -n 30 "$work/$name.log" >&2; log "$name did not become ready"; exit 1
}
unserve() { kill "$server"; wait "$server" 2>/dev/null || true; }
# load OUT WHAT ARGS... : one load test against $url, its results in $work/OUT.json
load() {
  local out=$1 what=$2; shift 2
  log "load test: $out ($what)"
  dotnet "$loadtest" --target "$url" --clients 64 --label "$out" --out "$work/$out" "$@" >/dev/null 2>>"$work/$out.progress" \
    || { tail -n 30 "$work/$out.progress" >&2; log "load test $out failed"; exit 1; }
}
# measure NAME DLL ENV... : the three processes of one system (see the top of this file)
measure() {
  local name=$1 dll=$2; shift 2
  serve "$name" "$dll" "$@"
  load "$name-lifecycle-cold" "first load test of the process" --scenario lifecycle --concurrency "$levels" --duration "$duration" \
    --warmup 0 --count 1000000
  load "$name-lifecycle-warm" "same process" --scenario lifecycle --concurrency "$levels" --duration "$duration" \
    --warmup "$warmup" --warmup-count "$warm_count" --count 1000000
  load "$name-cold-pool" "untimed: $cold_pool contracts for the cold fund run" --prepare-only "$work/$name-cold-pool.prepared" --count "$cold_pool"
  load "$name-ramp-pool" "untimed: $ramp_pool contracts for the ramp" --prepare-only "$work/$name-ramp-pool.prepared" --count "$ramp_pool"
  unserve
  serve "$name" "$dll" "$@"
  load "$name-ramp" "fresh process, fund for $ramp_seconds at c=$ramp_c" --prepared "$work/$name-ramp-pool.prepared" \
    --concurrency "$ramp_c" --duration "$ramp_seconds" --warmup 0 --count "$ramp_pool"
  unserve
  serve "$name" "$dll" "$@"
  load "$name-fund-cold" "first load test of the process" --prepared "$work/$name-cold-pool.prepared" --concurrency "$levels" \
    --duration "$duration" --warmup 0 --count "$count"
  load "$name-fund-warm" "same process" --concurrency "$levels" --duration "$duration" --warmup "$warmup" --warmup-count "$warm_count" \
    --count "$count"
  if [ "$name" = milestones-pg ]; then
    # Its contracts are made before it subscribes, so that only the measured traffic is delivered (and lags).
    load "$name-webhook-pool" "untimed: $webhook_pool contracts for the webhook run" --prepare-only "$work/$name-webhook-pool.prepared" \
      --count "$webhook_pool"
    load "$name-fund-webhook" "same process, one webhook endpoint subscribed" --webhook --prepared "$work/$name-webhook-pool.prepared" \
      --concurrency "$levels" --duration "$duration" --warmup "$warmup" --warmup-count "$warm_count" --count "$count"
  fi
  unserve
}
milestones() {
  echo Dashboard__Enabled=false RateLimit__PermitsPerSecond=100000000 RateLimit__PermitsPerSecondPerAddress=100000000 \
    Orleans__SiloPort=$(free_port) Orleans__GatewayPort=$(free_port)
}

api=src/Api/bin/Release/net10.0/Milestones.Api.dll
service="bench-$RANDOM"  # one service id for the three processes on PostgreSQL, so each finds the grains' stored state
measure milestones-pg "$api" $(milestones) Storage__Provider=Postgres ConnectionStrings__Milestones="$pg;Maximum Pool Size=64" \
  Orleans__ServiceId="$service"
measure baseline benchmarks/Baseline/bin/Release/net10.0/Milestones.Baseline.dll ConnectionStrings__Baseline="$pg"
measure milestones-sqlite "$api" $(milestones) Storage__DataDirectory="$work/sqlite"

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

benchmarks=benchmarks/Milestones.Benchmarks/bin/Release/net10.0/Milestones.Benchmarks.dll
log "activation on PostgreSQL: accounts with $ledger ledger lines, a contract with 100 milestones"
MILESTONES_BENCH_PG="$pg" dotnet "$benchmarks" activation --ledger-lines "$ledger" --milestones 100 --out "$work/activation.json" \
  >"$work/activation.log" 2>&1 || { tail -n 30 "$work/activation.log" >&2; exit 1; }
log "memory per activated contract grain ($grains contracts)"
dotnet "$benchmarks" memory "$grains" | sed -n 's/^memory per activated contract grain: \([0-9]*\) bytes.*/\1/p' >"$work/memory.txt"

name=${BENCH_RESULTS_NAME:-$date$suffix}
log "what the database pays per lifecycle (cost.sh, its own PostgreSQL)"
# Printed here, before the report, so that the report's ratios stay the last two lines.
if $quick; then cost_counts=(COST_SMALL=50 COST_LARGE=250 COST_WARMUP=250); else cost_counts=(); fi
env COST_API="$api" COST_NAME="$name-cost" "${cost_counts[@]}" benchmarks/cost.sh 2>>"$work/cost.log" \
  || { tail -n 30 "$work/cost.log" >&2; exit 1; }

note="Full run."
$quick && note="Smoke run (--quick): one level ($levels), $duration per run, small pools; it checks the pipeline, it is not a figure to quote."
log "report (the whole run took $(( $(date +%s) - started )) s)"
mkdir -p "benchmarks/results/$name-raw"
cp "$work"/*.json "$work"/*.tsv "$work"/memory.txt "benchmarks/results/$name-raw/"  # the report's input, to render it again
dotnet "$loadtest" report --results "benchmarks/results/$name-raw" --out "benchmarks/results/$name" --note "$note" \
  --machine "$(uname -srm); $(nproc) cores; $(date -u +%FT%TZ); $(( $(date +%s) - started )) s" --command "benchmarks/run.sh${1:+ $1}"
