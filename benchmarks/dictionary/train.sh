#!/usr/bin/env bash
# Trains the zstd dictionary the store compresses payloads with (src/Silo/Storage/payloads-N.zdict). A fresh API on a
# private PostgreSQL, writing payloads uncompressed (Storage:CompressStates=false), is driven through varied contracts
# (corpus.py: random texts, ids and paths, nothing the load tester sends); every grain state, remembered answer and
# event it stored becomes one sample, and zstd --train picks what they share (Orleans' type and field encodings, event
# names and JSON keys, id and date shapes). A dictionary, once released, never changes: rows are read with the one
# whose number they carry, so a new one gets the next number (StoredPayload.Dictionaries lists them).
#
#   benchmarks/dictionary/train.sh 2        # writes src/Silo/Storage/payloads-2.zdict (needs the zstd command)
#   DICT_CONTRACTS=800 DICT_SIZE=32768 benchmarks/dictionary/train.sh 2
set -euo pipefail
cd "$(dirname "$0")/../.."
number=${1:?"the new dictionary's number"}
out=src/Silo/Storage/payloads-$number.zdict
contracts=${DICT_CONTRACTS:-800}; size=${DICT_SIZE:-32768}
[ -e "$out" ] && { echo "train: $out exists; a released dictionary never changes" >&2; exit 1; }
command -v zstd >/dev/null || { echo "train: needs the zstd command (apt-get install zstd)" >&2; exit 1; }
LOG_NAME=train; source benchmarks/common.sh

dotnet build src/Api -c Release --nologo -v q >/dev/null
start_pg
port=$(free_port); url="http://127.0.0.1:$port"
ASPNETCORE_ENVIRONMENT=Development Logging__LogLevel__Default=Warning Dashboard__Enabled=false \
  RateLimit__PermitsPerSecond=100000000 RateLimit__PermitsPerSecondPerAddress=100000000 \
  Orleans__SiloPort=$(free_port) Orleans__GatewayPort=$(free_port) Storage__Provider=Postgres Storage__CompressStates=false \
  ConnectionStrings__Milestones="$pg" dotnet src/Api/bin/Release/net10.0/Milestones.Api.dll --urls "$url" >"$work/api.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do curl -sf "$url/health/ready" >/dev/null && break; sleep 0.5; done
log "driving $contracts varied contracts"
python3 benchmarks/dictionary/corpus.py --target "$url" --contracts "$contracts" --seed "$number"
sleep 2

mkdir -p "$work/samples"
psql -Atq -F ' ' -c "SELECT 'g', encode(payload, 'hex') FROM grainstate WHERE payload IS NOT NULL
                     UNION ALL SELECT 'a', encode(answer, 'hex') FROM commandanswer
                     UNION ALL SELECT 'a', encode(answer, 'hex') FROM feedevent WHERE answer IS NOT NULL
                     UNION ALL SELECT 'l', encode(line, 'hex') FROM feedevent WHERE line IS NOT NULL
                     UNION ALL SELECT 'e', encode(convert_to(body, 'UTF8'), 'hex') FROM feedevent WHERE body IS NOT NULL" |
  python3 -c '
import sys
for n, line in enumerate(sys.stdin):
    kind, data = line.split()
    open(sys.argv[1] + f"/{kind}{n:06d}", "wb").write(bytes.fromhex(data))
' "$work/samples"
log "$(ls "$work/samples" | wc -l) samples ($(ls "$work/samples" | cut -c1 | sort | uniq -c | tr '\n' ' '))"
zstd --train -q --maxdict="$size" -o "$out" "$work/samples"/*
log "wrote $out ($(stat -c %s "$out") bytes)"
