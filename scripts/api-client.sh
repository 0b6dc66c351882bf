#!/usr/bin/env bash
# Regenerates the C# client (src/Api/Client, the package Milestones.Client, which the tests use): starts the API in
# Development on memory storage, saves its OpenAPI document next to the client, and runs Kiota on it. OpenApiDocumentTests
# fail when the saved document differs from the one the API serves, so run this after any change to the API's surface.
set -euo pipefail
cd "$(dirname "$0")/.."
kiota_version=1.38.0
client=src/Api/Client
kiota=.tools/kiota/kiota
[ -x "$kiota" ] || dotnet tool install --tool-path .tools/kiota Microsoft.OpenApi.Kiota --version "$kiota_version" >/dev/null
dotnet build src/Api -c Release >/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
log=$(mktemp)
ASPNETCORE_ENVIRONMENT=Development Storage__Provider=Memory Orleans__SiloPort=$(free_port) Orleans__GatewayPort=$(free_port) \
  dotnet src/Api/bin/Release/net10.0/Milestones.Api.dll --urls "http://127.0.0.1:$port" >"$log" 2>&1 &
api=$!
trap 'kill "$api" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/health/live" >/dev/null && break
  sleep 0.5
done
curl -sf "http://127.0.0.1:$port/openapi/v1.json" -o "$client/openapi.json" || { cat "$log"; echo "api-client: no document" >&2; exit 1; }

KIOTA_TUTORIAL_ENABLED=false KIOTA_UPDATE_DISABLED=true "$kiota" generate --language CSharp --openapi "$client/openapi.json" --output "$client/Generated" \
  --class-name MilestonesClient --namespace-name Milestones.Api.Client --clean-output --exclude-backward-compatible \
  --log-level Warning
rm -f "$client/Generated/.kiota.log"
echo "api-client: $client/Generated from $client/openapi.json"
