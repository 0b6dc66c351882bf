#!/usr/bin/env bash
# End-to-end: starts the real API (Kestrel on a loopback port, embedded silo on SQLite in a temp folder),
# runs the README's curl walkthrough exactly as written, kills the process with SIGKILL, starts it again on
# the same data and checks that every acknowledged change is still there.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v jq >/dev/null || { echo "e2e: jq is required" >&2; exit 1; }
dll=src/Api/bin/Release/net10.0/Milestones.Api.dll
[ -f "$dll" ] || dotnet build src/Api -c Release >/dev/null

data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export API="http://127.0.0.1:$port"
pid=""
cleanup() { [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true; rm -rf "$data"; }
trap cleanup EXIT

start_api() {
  ASPNETCORE_ENVIRONMENT=Development Storage__DataDirectory="$data" Orleans__SiloPort=$((port + 1)) Orleans__GatewayPort=$((port + 2)) \
    dotnet "$dll" --urls "$API" >>"$data/api.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 120); do
    if curl -sf "$API/health/ready" >/dev/null; then return 0; fi
    kill -0 "$pid" 2>/dev/null || { cat "$data/api.log"; echo "e2e: the API exited" >&2; exit 1; }
    sleep 0.5
  done
  cat "$data/api.log"; echo "e2e: the API did not become ready" >&2; exit 1
}

start_api
echo "e2e: API ready at $API; running the README walkthrough"
walkthrough=$(sed -n '/<!-- walkthrough:start -->/,/<!-- walkthrough:end -->/p' README.md | sed '/^```/d; /^<!--/d')
[ -n "$walkthrough" ] || { echo "e2e: no walkthrough found in README.md" >&2; exit 1; }
set -x
eval "$walkthrough"
set +x

# What the walkthrough left behind, read back after a SIGKILL and a restart.
snapshot() {
  curl -sf "$API/v1/contracts/$CONTRACT" -H "Authorization: Bearer $CLIENT" | jq -S 'del(.updatedAt)'
  curl -sf "$API/v1/accounts/alice" -H "Authorization: Bearer $CLIENT" | jq -S .
  curl -sf "$API/v1/accounts/bob" -H "Authorization: Bearer $FREELANCER" | jq -S .
}
before=$(snapshot)
[ "$(curl -sf "$API/v1/ledger/verify" -H "Authorization: Bearer $PLATFORM" | jq -r .ok)" = "true" ]
[ "$(curl -sf "$API/v1/accounts/bob" -H "Authorization: Bearer $FREELANCER" | jq '.balances[0].available')" = "25000" ]

kill -9 "$pid"; wait "$pid" 2>/dev/null || true
echo "e2e: killed the API with SIGKILL; restarting on the same data"
start_api
after=$(snapshot)
if [ "$before" != "$after" ]; then
  diff <(echo "$before") <(echo "$after") || true
  echo "e2e: state changed across the SIGKILL" >&2; exit 1
fi
echo "e2e: passed (walkthrough, then SIGKILL and restart with nothing lost)"
