#!/usr/bin/env bash
# Lifecycles per second at c=1, 16 and 64, and each command's median at c=1, for Milestones on PostgreSQL and the
# baseline (ASP.NET Core + Npgsql) on one private PostgreSQL: each system in a fresh process, warmed by RATES_WARMUP
# lifecycles at c=16 (default 1,000), then one load test per level (300 at c=1, 1,500 at c=16, 2,000 at c=64) on the 2
# cores the server shares with PostgreSQL and the load tester. Milestones runs as cost.sh runs it (rate limits lifted,
# dashboard off, a pool of 64). Writes benchmarks/results/<date>-rates.md (RATES_NAME names it instead).
#
#   benchmarks/rates.sh
#   RATES_API=path/to/Milestones.Api.dll RATES_LABEL=abc1234 benchmarks/rates.sh   # another build, for a before/after
set -euo pipefail
cd "$(dirname "$0")/.."
warmup=${RATES_WARMUP:-1000}
api=${RATES_API:-src/Api/bin/Release/net10.0/Milestones.Api.dll}
label=${RATES_LABEL:-$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo "+changes")}
baseline=benchmarks/Baseline/bin/Release/net10.0/Milestones.Baseline.dll
loadtest=benchmarks/LoadTest/bin/Release/net10.0/Milestones.LoadTest.dll
out="benchmarks/results/${RATES_NAME:-$(date -u +%F)-rates}.md"
levels=("1 300" "16 1500" "64 2000")
LOG_NAME=rates; source benchmarks/common.sh

if [ -z "${RATES_API:-}" ]; then
  log "building (Release)"
  for p in src/Api benchmarks/Baseline benchmarks/LoadTest; do dotnet build "$p" -c Release --nologo -v q >/dev/null; done
fi

start_pg

# measure NAME DLL ENV... : one fresh server, warmed, then one load test per level ($work/NAME-c<level>.json)
measure() {
  local name=$1 dll=$2; shift 2
  local port; port=$(free_port); local url="http://127.0.0.1:$port"
  psql -q -c CHECKPOINT
  env ASPNETCORE_ENVIRONMENT=Development Logging__LogLevel__Default=Warning "$@" dotnet "$dll" --urls "$url" >>"$work/$name.log" 2>&1 &
  local server=$!; pids+=("$server")
  for _ in $(seq 1 120); do curl -sf "$url/health/ready" >/dev/null && break; sleep 0.5; done
  curl -sf "$url/health/ready" >/dev/null || { tail -n 30 "$work/$name.log" >&2; log "$name did not become ready"; exit 1; }
  load() {
    dotnet "$loadtest" --target "$url" --scenario lifecycle --concurrency "$1" --count "$2" --duration 10m --warmup 0 \
      --clients 64 --label "$name" --out "$work/$name-$3" >/dev/null 2>>"$work/$name.progress" \
      || { tail -n 30 "$work/$name.progress" >&2; log "load test failed"; exit 1; }
  }
  log "$name: warming up with $warmup lifecycles at c=16"
  load 16 "$warmup" warmup
  local level
  for level in "${levels[@]}"; do
    set -- $level
    log "$name: $2 lifecycles at c=$1"
    load "$1" "$2" "c$1"
  done
  kill "$server"; wait "$server" 2>/dev/null || true
}

measure milestones-pg "$api" Dashboard__Enabled=false RateLimit__PermitsPerSecond=100000000 \
  RateLimit__PermitsPerSecondPerAddress=100000000 Orleans__SiloPort="$(free_port)" Orleans__GatewayPort="$(free_port)" \
  Storage__Provider=Postgres Orleans__ServiceId="rates-$RANDOM" ConnectionStrings__Milestones="$pg;Maximum Pool Size=64"
measure baseline "$baseline" ConnectionStrings__Baseline="$pg"

python3 - "$work" "$label" "$warmup" >"$out" <<'EOF'
import json, sys
work, label, warmup = sys.argv[1:4]
levels = [1, 16, 64]
def level(system, c):
    return json.load(open(f"{work}/{system}-c{c}.json"))["levels"][0]
systems = [("Milestones (" + label + ")", "milestones-pg"), ("baseline", "baseline")]
print("# Lifecycle rates\n")
print(f"`benchmarks/rates.sh`: each system in a fresh process on one private PostgreSQL, {warmup} lifecycles at c=16 to warm, then")
print("300 at c=1, 1,500 at c=16 and 2,000 at c=64 (create → accept ×2 → fund → submit → approve).\n")
print("| system | c=1 | c=16 | c=64 | p50 ms at c=1 | errors |")
print("|---|--:|--:|--:|--:|--:|")
rates = {}
for title, system in systems:
    rows = [level(system, c) for c in levels]
    rates[system] = [r["opsPerSecond"] for r in rows]
    print(f"| {title} | " + " | ".join(f"{r['opsPerSecond']:.1f}" for r in rows) + f" | {rows[0]['p50Ms']:.1f} | {sum(r['errors'] for r in rows)} |")
print("| ratio | " + " | ".join(f"{m / b:.2f}×" for m, b in zip(rates["milestones-pg"], rates["baseline"])) + " | | |")
steps = list(level("milestones-pg", 1)["steps"].keys())
print("\nEach command's median at c=1 (ms):\n")
print("| system | lifecycle | " + " | ".join(steps) + " |")
print("|---|--:|" + "--:|" * len(steps))
for title, system in systems:
    row = level(system, 1)
    print(f"| {title} | {row['p50Ms']:.2f} | " + " | ".join(f"{row['steps'][s]['p50Ms']:.2f}" for s in steps) + " |")
EOF
cat "$out"
log "wrote $out"
