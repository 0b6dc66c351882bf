#!/usr/bin/env bash
# An upgrade on real data: an earlier build fills a private PostgreSQL with lifecycles, then this build starts on it
# (its migration step brings the schema up to date) and must go on from what the earlier one stored: the earlier
# contracts' keyed fundings and an account's keyed deposit replay their first answers (and the deposit's key refuses
# another deposit), new lifecycles run, and after a restart the keys of both builds still replay, sampled contracts'
# audit chains verify and the ledger balances.
#
#   scripts/upgrade-check.sh [COMMIT]    # COMMIT: the earlier build (default: HEAD~1), built in a temporary worktree
#
# Prints what it checked; exits non-zero on the first check that fails. Needs the load tester (built here).
set -Eeuo pipefail
cd "$(dirname "$0")/.."
trap 'echo "upgrade-check: FAILED (exit $?) at: $BASH_COMMAND" >&2' ERR
earlier=$(git rev-parse --short "${1:-HEAD~1}")
LOG_NAME=upgrade-check; source benchmarks/common.sh

log "building this checkout and $earlier (Release)"
git worktree add -q --detach "$work/earlier" "$earlier"
trap 'git worktree remove --force "$work/earlier" >/dev/null 2>&1 || true; cleanup' EXIT
for dir in . "$work/earlier"; do dotnet build "$dir/src/Api" -c Release --nologo -v q >/dev/null; done
dotnet build benchmarks/LoadTest -c Release --nologo -v q >/dev/null
loadtest=benchmarks/LoadTest/bin/Release/net10.0/Milestones.LoadTest.dll

start_pg
port=$(free_port); url="http://127.0.0.1:$port"
settings=(ASPNETCORE_ENVIRONMENT=Development Logging__LogLevel__Default=Warning Dashboard__Enabled=false
  RateLimit__PermitsPerSecond=100000000 RateLimit__PermitsPerSecondPerAddress=100000000
  Orleans__SiloPort=$(free_port) Orleans__GatewayPort=$(free_port) Orleans__ServiceId=upgrade
  Storage__Provider=Postgres ConnectionStrings__Milestones="$pg")

server=
serve() {
  env "${settings[@]}" dotnet "$1/src/Api/bin/Release/net10.0/Milestones.Api.dll" --urls "$url" >>"$work/api.log" 2>&1 &
  server=$!; pids+=("$server")
  for _ in $(seq 1 120); do curl -sf "$url/health/ready" >/dev/null && return; sleep 0.5; done
  tail -n 30 "$work/api.log" >&2; return 1
}
stop() { kill "$server"; wait "$server" 2>/dev/null || true; }

# lifecycles N NAME: N whole lifecycles at c=16, every command with an idempotency key; all must succeed
lifecycles() {
  dotnet "$loadtest" --target "$url" --scenario lifecycle --concurrency 16 --count "$1" --duration 10m --warmup 0 \
    --clients 16 --label "$2" --out "$work/$2" >/dev/null 2>>"$work/loadtest.log"
  local done; done=$(jq -r '.levels[0] | "\(.ops) \(.errors)"' "$work/$2.json")
  echo "$2: $1 lifecycles asked, ${done% *} done, ${done#* } errors"
  [ "$done" = "$1 0" ]
}

token() { curl -sf -X POST "$url/v1/dev/tokens" -H 'Content-Type: application/json' -d "{\"userId\": \"$1\", \"platform\": ${2:-false}}" | jq -er .token; }

# replays RUN: five fundings of the load tester's run RUN, sent again by their clients with their keys, must be
# answered 200 as replays of a funded milestone.
replays() {
  psql -Atq -F ' ' -c "
    SELECT u.contractid, u.userid, f.answerkey FROM feedevent f
    JOIN usercontract u ON u.serviceid = f.serviceid AND u.role = 'Client' AND u.contractid = 'ctr_' || encode(substr(f.stream, 2), 'hex')
    WHERE f.type = 'milestone.funded' AND f.answerkey LIKE '$1-%' ORDER BY random() LIMIT 5" >"$work/replays"
  [ "$(wc -l <"$work/replays")" -eq 5 ]
  while read -r contract user key; do
    local status
    status=$(curl -s -o "$work/body" -D "$work/headers" -w '%{http_code}' -X POST "$url/v1/contracts/$contract/milestones/m1/fund" \
      -H "Authorization: Bearer $(token "$user")" -H "Idempotency-Key: $key")
    grep -qi '^idempotent-replayed: true' "$work/headers"
    echo "  $key on $contract: $status, replayed, milestone $(jq -r '.milestones[0].status' "$work/body")"
    [ "$status" = 200 ] && [ "$(jq -r '.milestones[0].status' "$work/body")" != pending ]
  done <"$work/replays"
}

run_of() { jq -r .runId "$work/$1.json"; }

# deposit KEY REFERENCE EXPECTED: a deposit of 100 USD to one account under KEY, by the platform, must answer EXPECTED
# ("201 first", "201 replayed", or "422 idempotency_key_reused").
deposit() {
  local status answer
  status=$(curl -s -o "$work/body" -D "$work/headers" -w '%{http_code}' -X POST "$url/v1/accounts/upgrade-account/deposits" \
    -H "Authorization: Bearer $(token upgrade-check true)" -H "Idempotency-Key: $1" -H 'Content-Type: application/json' \
    -d "{\"amount\": 100, \"currency\": \"USD\", \"reference\": \"$2\"}")
  if [ "${status:0:1}" = 4 ]; then answer=$(jq -r .code "$work/body")
  elif grep -qi '^idempotent-replayed: true' "$work/headers"; then answer=replayed
  else answer=first; fi
  echo "  deposit under $1: $status $answer"
  [ "$status $answer" = "$3" ]
}

serve "$work/earlier"
lifecycles 300 earlier
deposit earlier-deposit earlier-reference "201 first"
stop
echo "schema of $earlier: $(psql -Atq -c 'SELECT max(version) FROM schema_version')"

serve .
echo "schema of this build: $(psql -Atq -c 'SELECT max(version) FROM schema_version')"
echo "the earlier build's fundings, replayed by this build:"
replays "$(run_of earlier)"
echo "the earlier build's keyed deposit, sent again by this build:"
deposit earlier-deposit earlier-reference "201 replayed"
deposit earlier-deposit another-reference "422 idempotency_key_reused"
lifecycles 300 this
deposit this-deposit this-reference "201 first"

stop
serve .
echo "after a restart, fundings and deposits of both builds replayed:"
replays "$(run_of earlier)"
replays "$(run_of this)"
deposit earlier-deposit earlier-reference "201 replayed"
deposit this-deposit this-reference "201 replayed"
deposit this-deposit another-reference "422 idempotency_key_reused"
platform=$(token upgrade-check true)
for contract in $(psql -Atq -c "SELECT contractid FROM usercontract WHERE role = 'Client' ORDER BY random() LIMIT 5"); do
  curl -sf "$url/v1/contracts/$contract/audit" -H "Authorization: Bearer $platform" | jq -e .ok >/dev/null
done
echo "audit chains of five contracts: verified"
curl -sf "$url/v1/ledger/verify" -H "Authorization: Bearer $platform" | jq -e '.ok and .balanced' >/dev/null
echo "ledger: balanced"
stop
echo "upgrade-check: $earlier → $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo "+changes"): passed"
