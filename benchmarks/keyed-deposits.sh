#!/usr/bin/env bash
# What one keyed deposit costs the database when its account has taken many: a fresh API on a private PostgreSQL
# records KEYED_WARM deposits to one account, each under its own Idempotency-Key, then KEYED_COUNT more after a
# CHECKPOINT, and reports per deposit of the second run the WAL written (pg_current_wal_lsn) and, from pg_waldump's
# statistics over it, its records and full-page images apart (the images are the first change of each page after the
# checkpoint: a fixed cost the run's length spreads, not one each deposit pays), and the account row's stored bytes.
#
#   benchmarks/keyed-deposits.sh                                  # this checkout's build (Release)
#   KEYED_API=path/to/Milestones.Api.dll KEYED_LABEL=before benchmarks/keyed-deposits.sh
set -euo pipefail
cd "$(dirname "$0")/.."
warm=${KEYED_WARM:-100}; count=${KEYED_COUNT:-200}
api=${KEYED_API:-src/Api/bin/Release/net10.0/Milestones.Api.dll}
label=${KEYED_LABEL:-$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo "+changes")}
LOG_NAME=keyed-deposits; source benchmarks/common.sh
[ -n "${KEYED_API:-}" ] || dotnet build src/Api -c Release --nologo -v q >/dev/null

start_pg
pg_state() { sed -n "s/^$1='\(.*\)'$/\1/p" "$work/pg/state"; }
port=$(free_port); url="http://127.0.0.1:$port"
env ASPNETCORE_ENVIRONMENT=Development Logging__LogLevel__Default=Warning Dashboard__Enabled=false \
  RateLimit__PermitsPerSecond=100000000 RateLimit__PermitsPerSecondPerAddress=100000000 \
  Orleans__SiloPort=$(free_port) Orleans__GatewayPort=$(free_port) Storage__Provider=Postgres ConnectionStrings__Milestones="$pg" \
  dotnet "$api" --urls "$url" >"$work/api.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do curl -sf "$url/health/ready" >/dev/null && break; sleep 0.5; done
platform=$(curl -sf -X POST "$url/v1/dev/tokens" -H 'Content-Type: application/json' -d '{"userId": "keyed", "platform": true}' | jq -er .token)

# deposits FROM TO: keyed deposits FROM..TO to one account over one connection; every one must be created
deposits() {
  local args=() i
  for i in $(seq "$1" "$2"); do
    args+=(-X POST "$url/v1/accounts/keyed-account/deposits" -H "Authorization: Bearer $platform" -H "Idempotency-Key: deposit-$i"
      -H 'Content-Type: application/json' -d "{\"amount\": 100, \"currency\": \"USD\", \"reference\": \"reference-$i\"}"
      -o /dev/null -w '%{http_code}\n' --next)
  done
  [ "$(curl -s "${args[@]}" "$url/health/ready" -o /dev/null | sort | uniq -c | awk '{ print $1, $2 }')" = "$(( $2 - $1 + 1 )) 201" ]
}

deposits 1 "$warm"
psql -Atq -c CHECKPOINT
from=$(psql -Atq -c "SELECT pg_current_wal_lsn()")
deposits $(( warm + 1 )) $(( warm + count ))
to=$(psql -Atq -c "SELECT pg_current_wal_lsn()")
wal=$(psql -Atq -c "SELECT pg_wal_lsn_diff('$to', '$from')")
# pg_waldump's "Total" line (read as the cluster's OS user): records, their bytes, full-page images' bytes
dump=("$(pg_state PG_BIN)/pg_waldump" -p "$(pg_state PGDATA_DIR)/pg_wal" -s "$from" -e "$to" --stats=record)
owner=$(pg_state PG_OS_USER)
read -r records images < <({ if [ -n "$owner" ]; then runuser -u "$owner" -- "${dump[@]}"; else "${dump[@]}"; fi; } |
  awk '$1 == "Total" { print $3, $5 }')
row=$(psql -Atq -c "SELECT length(payload) FROM grainstate WHERE statename = 'account' AND grainid = 'account/usr_keyed-account'")

echo "| build | keys before | deposits measured | WAL bytes per deposit | of it, records | of it, full-page images | account row bytes |"
echo "|---|--:|--:|--:|--:|--:|--:|"
awk -v l="$label" -v w="$warm" -v n="$count" -v wal="$wal" -v r="$records" -v i="$images" -v row="$row" \
  'BEGIN { printf "| %s | %d–%d | %d | %.0f | %.0f | %.0f | %d |\n", l, w, w + n - 1, n, wal / n, r / n, i / n, row }'
