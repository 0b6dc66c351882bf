#!/usr/bin/env bash
# End-to-end against real processes on loopback, driven by curl: the README's walkthrough, as written.
#
#   scripts/e2e.sh            embedded default: one API process with a co-hosted silo on SQLite;
#                             after the walkthrough the process is killed with SIGKILL and restarted.
#   scripts/e2e.sh cluster    production topology, started by scripts/cluster.sh (its own PostgreSQL, the schema
#                             migration step, two silos, the API as an Orleans client, in Development); after the
#                             walkthrough one silo is killed with SIGKILL and the contract must come back on the other.
#   scripts/e2e.sh walkthrough   only the README walkthrough, against a running API in Development ($API,
#                             default http://localhost:5080).
# Either way, every change the API acknowledged must still be there afterwards. A failing step stops the run with
# a non-zero exit and its command named on standard error.
set -Eeuo pipefail
cd "$(dirname "$0")/.."
mode=${1:-embedded}
trap 'echo "e2e: FAILED (exit $?) at: $BASH_COMMAND" >&2' ERR

readme_walkthrough() {
  local walkthrough
  walkthrough=$(sed -n '/<!-- walkthrough:start -->/,/<!-- walkthrough:end -->/p' README.md | sed '/^```/d; /^<!--/d')
  [ -n "$walkthrough" ] || { echo "e2e: no walkthrough found in README.md" >&2; exit 1; }
  echo "$walkthrough"
}

command -v jq >/dev/null || { echo "e2e: jq is required" >&2; exit 1; }
if [ "$mode" = walkthrough ]; then
  eval "$(readme_walkthrough)"
  echo "e2e (walkthrough): passed against $API"
  exit 0
fi

[ -f src/Api/bin/Release/net10.0/Milestones.Api.dll ] || dotnet build src/Api -c Release >/dev/null
api_dll=src/Api/bin/Release/net10.0/Milestones.Api.dll

data=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
export API="http://127.0.0.1:$port"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  if [ -f "$data/cluster/processes" ]; then scripts/cluster.sh stop >/dev/null || true; fi
  rm -rf "$data"
}
trap cleanup EXIT

# start NAME DLL ARGS... : a background process logging to $data/NAME.log; its pid goes to pids[NAME-index]
start() {
  local name=$1 dll=$2; shift 2
  dotnet "$dll" "$@" >>"$data/$name.log" 2>&1 &
  pids+=($!)
}

wait_ready() {
  for _ in $(seq 1 180); do
    if curl -sf "$API/health/ready" >/dev/null; then return 0; fi
    sleep 0.5
  done
  tail -n 50 "$data"/*.log; echo "e2e: the API did not become ready" >&2; exit 1
}

if [ "$mode" = cluster ]; then
  export CLUSTER_DIR="$data/cluster" CLUSTER_ENVIRONMENT=Development
  scripts/cluster.sh start --silos 2 --apis 1
  API=$(awk '$1 == "api1" { print $3 }' "$CLUSTER_DIR/processes")
  silo1=$(awk '$1 == "silo1" { print $2 }' "$CLUSTER_DIR/processes")
else
  ASPNETCORE_ENVIRONMENT=Development Storage__DataDirectory="$data" Orleans__SiloPort=$(free_port) Orleans__GatewayPort=$(free_port) \
    start api "$api_dll" --urls "$API"
fi
wait_ready
echo "e2e ($mode): API ready at $API; running the README walkthrough"
eval "$(readme_walkthrough)"

snapshot() {
  curl -sf "$API/v1/contracts/$CONTRACT" -H "Authorization: Bearer $CLIENT" | jq -S 'del(.updatedAt)' &&
  curl -sf "$API/v1/accounts/alice" -H "Authorization: Bearer $CLIENT" | jq -S . &&
  curl -sf "$API/v1/accounts/bob" -H "Authorization: Bearer $FREELANCER" | jq -S .
}
before=$(snapshot)
[ "$(curl -sf "$API/v1/ledger/verify" -H "Authorization: Bearer $PLATFORM" | jq -r .ok)" = "true" ]

# A webhook for deposits, subscribed before the SIGKILL: a deposit made after it must still be delivered (the
# endpoint's grain comes back wherever it can run, and reads the feed from its stored cursor).
hooks="$data/hooks"; mkdir -p "$hooks"
python3 scripts/webhook-receiver.py "$hooks" & pids+=($!)
for _ in $(seq 1 100); do [ -f "$hooks/port" ] && break; sleep 0.1; done
curl -sf -X POST "$API/v1/webhooks" -H "Authorization: Bearer $PLATFORM" -H 'Content-Type: application/json' \
  -d "{\"url\": \"http://127.0.0.1:$(cat "$hooks/port")/\", \"types\": [\"deposit.recorded\"]}" >/dev/null
# bob's auto-released second milestone and his bonus are pending (the first became available when the walkthrough's
# sandbox clock passed its security period).
[ "$(curl -sf "$API/v1/accounts/bob" -H "Authorization: Bearer $FREELANCER" | jq '.balances[0].pending')" = "49500" ]

if [ "$mode" = cluster ]; then
  kill -9 "$silo1"
  echo "e2e (cluster): killed silo1 with SIGKILL; waiting for the contract to answer from silo2"
  after=""
  for _ in $(seq 1 120); do
    after=$(snapshot 2>/dev/null) && break
    sleep 1
  done
else
  kill -9 "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true
  echo "e2e: killed the API with SIGKILL; restarting on the same data"
  ASPNETCORE_ENVIRONMENT=Development Storage__DataDirectory="$data" Orleans__SiloPort=$(free_port) Orleans__GatewayPort=$(free_port) \
    start api "$api_dll" --urls "$API"
  wait_ready
  after=$(snapshot)
fi

if [ "$before" != "$after" ]; then
  diff <(echo "$before") <(echo "$after") || true
  echo "e2e ($mode): state changed across the SIGKILL" >&2; exit 1
fi

# A deposit after the SIGKILL, as a client makes it: until the cluster has declared the silo dead, a grain placed or
# living there is unreachable and the answer is 503, retried with the same reference (which makes it idempotent);
# any other failure fails the run.
reference="pi_after_kill_$(date +%s%N)"
for attempt in $(seq 1 60); do
  status=$(curl -s -o "$data/deposit.json" -w '%{http_code}' -X POST "$API/v1/accounts/alice/deposits" -H "Authorization: Bearer $PLATFORM" \
    -H 'Content-Type: application/json' -d "{\"amount\": 100, \"currency\": \"USD\", \"reference\": \"$reference\"}")
  case $status in
    2??) break ;;
    503) echo "e2e ($mode): the deposit after the SIGKILL answered 503 (attempt $attempt); retrying in 1 s" ;;
    *) echo "e2e ($mode): the deposit after the SIGKILL answered $status: $(cat "$data/deposit.json")" >&2; exit 1 ;;
  esac
  sleep 1
done
case $status in 2??) ;; *) echo "e2e ($mode): the deposit after the SIGKILL still answered $status after 60 attempts" >&2; exit 1 ;; esac
delivered=""
for _ in $(seq 1 120); do
  delivered=$(cat "$hooks"/*.body 2>/dev/null | jq -r --arg r "deposit/$reference" 'select(.data.transferId == $r) | .id' || true)
  [ -n "$delivered" ] && break
  sleep 0.5
done
[ -n "$delivered" ] || { echo "e2e ($mode): the deposit made after the SIGKILL was not delivered to the webhook" >&2; exit 1; }
echo "e2e ($mode): the webhook delivered $delivered after the SIGKILL"
echo "e2e ($mode): passed (walkthrough, then SIGKILL with nothing lost)"
