#!/usr/bin/env bash
# Runs every test of the solution on a fresh machine and prints the counts.
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

dotnet restore Milestones.sln
dotnet build Milestones.sln --no-restore -c Release
results="$(mktemp -d)"
status=0
dotnet test Milestones.sln --no-build -c Release --logger "trx;LogFileName=tests.trx" --results-directory "$results" || status=$?

trx="$(find "$results" -name '*.trx' | head -n 1)"
if [ -n "$trx" ]; then
  echo "Tests per layer:"
  for layer in Domain Grains; do
    passed=$(grep -o "testName=\"Milestones.Tests.$layer[^\"]*\"[^>]*outcome=\"Passed\"" "$trx" | wc -l || true)
    total=$(grep -o "testName=\"Milestones.Tests.$layer[^\"]*\"[^>]*outcome=\"[A-Za-z]*\"" "$trx" | wc -l || true)
    echo "  $layer: $passed passed of $total"
  done
fi
exit $status
