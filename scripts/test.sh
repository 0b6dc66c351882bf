#!/usr/bin/env bash
# Runs every test on a fresh machine: starts a private PostgreSQL (scripts/pg.sh), runs the domain, grain,
# storage and API tests, then the README walkthrough against the real server in both hosting topologies.
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

dotnet restore Milestones.sln
dotnet build Milestones.sln --no-restore -c Release

started_pg=false
scripts/pg.sh status >/dev/null 2>&1 || started_pg=true
eval "$(scripts/pg.sh env)"
if $started_pg; then trap 'scripts/pg.sh stop >/dev/null 2>&1 || true' EXIT; fi

results="$(mktemp -d)"
status=0
dotnet test Milestones.sln --no-build -c Release --logger "trx;LogFileName=tests.trx" --results-directory "$results" || status=$?

trx="$(find "$results" -name '*.trx' | head -n 1)"
if [ -n "$trx" ]; then
  echo "Tests per layer:"
  for layer in Domain Effects Grains Storage Api; do
    passed=$(grep -o "testName=\"Milestones.Tests.$layer[^\"]*\"[^>]*outcome=\"Passed\"" "$trx" | wc -l || true)
    total=$(grep -o "testName=\"Milestones.Tests.$layer[^\"]*\"[^>]*outcome=\"[A-Za-z]*\"" "$trx" | wc -l || true)
    echo "  $layer: $passed passed of $total"
  done
fi
[ "$status" -eq 0 ] || exit "$status"

echo "End-to-end (curl against Kestrel):"
scripts/e2e.sh
scripts/e2e.sh cluster
