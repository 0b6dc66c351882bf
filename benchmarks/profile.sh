#!/usr/bin/env bash
# Where the API's CPU goes per lifecycle (create → accept ×2 → fund → submit → approve), by layer: HTTP + auth, grains
# and Orleans, the domain, serialisation, storage, networking and threading. One API process on a private PostgreSQL,
# run as cost.sh runs it, is warmed by a lifecycle load, then runs two more of the same size: the reference, untraced
# (lifecycles/s and the process's user and kernel CPU per lifecycle from /proc), and the traced one, under
# dotnet-trace's sample profiler (every managed thread's stack about once a millisecond). ProfileReport keeps the
# samples that are user-mode CPU, gives each to one layer (the rules: benchmarks/ProfileReport/LayerRules.cs) and
# splits the reference's CPU per lifecycle by those shares, less what the samples cannot see and /proc can: the
# kernel's time, the server GC's threads and the JIT's background compiler, each a row of its own.
#
#   benchmarks/profile.sh                   # 2,000 lifecycles per run at c=16; writes results/<date>-profile.md
#   PROFILE_COUNT=500 PROFILE_CONCURRENCY=16 PROFILE_NAME=<name> PROFILE_TRACE=/tmp/api.nettrace benchmarks/profile.sh
#   PROFILE_API=path/to/Milestones.Api.dll PROFILE_LABEL=abc1234 benchmarks/profile.sh   # another build, for a before/after
#
# PROFILE_NAME names the report file; PROFILE_TRACE keeps the trace there (ProfileReport or PerfView open it again).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${PROFILE_COUNT:-2000}; c=${PROFILE_CONCURRENCY:-16}
api=${PROFILE_API:-src/Api/bin/Release/net10.0/Milestones.Api.dll}
loadtest=benchmarks/LoadTest/bin/Release/net10.0/Milestones.LoadTest.dll
analyzer=benchmarks/ProfileReport/bin/Release/net10.0/Milestones.ProfileReport.dll
out="benchmarks/results/${PROFILE_NAME:-$(date -u +%F)-profile}.md"
label=${PROFILE_LABEL:-$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo "+changes")}
LOG_NAME=profile; source benchmarks/common.sh

log "building (Release)"
projects=(benchmarks/LoadTest benchmarks/ProfileReport); [ -n "${PROFILE_API:-}" ] || projects=(src/Api "${projects[@]}")
for p in "${projects[@]}"; do dotnet build "$p" -c Release --nologo -v q >/dev/null; done
dotnet tool restore >/dev/null  # dotnet-trace, at the version .config/dotnet-tools.json names

start_pg
port=$(free_port); url="http://127.0.0.1:$port"
env ASPNETCORE_ENVIRONMENT=Development Logging__LogLevel__Default=Warning Dashboard__Enabled=false \
  RateLimit__PermitsPerSecond=100000000 RateLimit__PermitsPerSecondPerAddress=100000000 \
  Orleans__SiloPort="$(free_port)" Orleans__GatewayPort="$(free_port)" Storage__Provider=Postgres \
  Orleans__ServiceId="profile-$RANDOM" ConnectionStrings__Milestones="$pg;Maximum Pool Size=64" \
  dotnet "$api" --urls "$url" >>"$work/api.log" 2>&1 &
server=$!; pids+=("$server")
for _ in $(seq 1 120); do curl -sf "$url/health/ready" >/dev/null && break; sleep 0.5; done
curl -sf "$url/health/ready" >/dev/null || { tail -n 30 "$work/api.log" >&2; log "the API did not become ready"; exit 1; }

hz=$(getconf CLK_TCK)
# The server's CPU ticks, "utime stime"; per thread, "tid utime stime name" (a name may hold spaces, so the fields of
# /proc/…/stat are counted after its ')').
ticks() { awk '{ print $14, $15 }' "/proc/$server/stat"; }
thread_ticks() {
  local t name
  for t in "/proc/$server"/task/*; do
    name=$(cat "$t/comm" 2>/dev/null) || continue
    echo "${t##*/} $(sed 's/^.*) //' "$t/stat" 2>/dev/null | awk '{ print $12, $13 }') $name"
  done
}
# lifecycles NAME: one lifecycle load of $n at c=$c, with the server's CPU ticks before and after it in NAME.ticks
# ("utime stime utime stime") and its threads' in NAME.threads-before/-after; the load tester's JSON is NAME.json.
lifecycles() {
  local before; before=$(ticks); thread_ticks >"$work/$1.threads-before"
  dotnet "$loadtest" --target "$url" --scenario lifecycle --concurrency "$c" --count "$n" --duration 10m --warmup 0 \
    --clients 64 --label "$1" --out "$work/$1" >/dev/null 2>>"$work/$1.progress" \
    || { tail -n 30 "$work/$1.progress" >&2; log "load test failed"; exit 1; }
  echo "$before $(ticks)" >"$work/$1.ticks"; thread_ticks >"$work/$1.threads-after"
}
# The process's CPU ms during a run, user + kernel, and the kernel's alone.
cpu_ms() { awk -v hz="$hz" '{ print ($3 + $4 - $1 - $2) * 1000 / hz }' "$work/$1.ticks"; }
kernel_ms() { awk -v hz="$hz" '{ print ($4 - $2) * 1000 / hz }' "$work/$1.ticks"; }
# Lifecycles done, errors and lifecycles/s of a run, from the load tester.
completed() { jq -r '.levels[0] | "\(.ops) \(.errors) \(.opsPerSecond)"' "$work/$1.json"; }
# User and kernel CPU ms per thread name during a run, most first ("name<TAB>user<TAB>kernel"); threads that ended
# during the run are missing.
thread_ms() {
  awk -v hz="$hz" 'NR == FNR { user[$1] = $2; kernel[$1] = $3; next }
    { name = $0; sub(/^[0-9]+ [0-9]+ [0-9]+ /, "", name)
      u[name] += ($2 - user[$1]) * 1000 / hz; k[name] += ($3 - kernel[$1]) * 1000 / hz }
    END { for (name in u) if (u[name] + k[name] > 0) printf "%s\t%.0f\t%.0f\n", name, u[name], k[name] }' \
    "$work/$1.threads-before" "$work/$1.threads-after" | sort -t $'\t' -k2,2nr
}
# User CPU ms of the threads whose names match a pattern: the server GC's, the JIT's background compiler.
user_ms() { thread_ms "$1" | awk -F '\t' -v names="$2" '$1 ~ names { ms += $2 } END { print ms + 0 }'; }

log "warm-up: $n lifecycles at c=$c"
lifecycles warm
log "reference, untraced: $n lifecycles at c=$c"
lifecycles reference
log "traced: $n lifecycles at c=$c"
dotnet tool run dotnet-trace collect --process-id "$server" --profile dotnet-sampled-thread-time \
  --output "$work/api.nettrace" >"$work/trace.log" 2>&1 &
tracer=$!; pids+=("$tracer")
for _ in $(seq 1 60); do [ -s "$work/api.nettrace" ] && break; sleep 0.5; done
[ -s "$work/api.nettrace" ] || { cat "$work/trace.log" >&2; log "dotnet-trace did not start"; exit 1; }
lifecycles traced
kill -TERM "$tracer"; wait "$tracer" || true  # it stops on SIGTERM (SIGINT is ignored in a script's background job)
grep -q "Trace completed" "$work/trace.log" || { cat "$work/trace.log" >&2; log "dotnet-trace did not complete"; exit 1; }
[ -z "${PROFILE_TRACE:-}" ] || cp "$work/api.nettrace" "$PROFILE_TRACE"

read -r ref_done _ <<<"$(completed reference)"
read -r traced_done _ <<<"$(completed traced)"
log "analysing the trace"
layers=$(dotnet "$analyzer" "$work/api.nettrace" --lifecycles "$ref_done" --cpu-ms "$(cpu_ms reference)" \
  --kernel-cpu-ms "$(kernel_ms reference)" --gc-cpu-ms "$(user_ms reference '^[.]NET (Server GC|BGC)')" \
  --jit-cpu-ms "$(user_ms reference '^[.]NET Tiered')")
# The user CPU of the threads the sampler sees, to set beside the samples' thread time.
sampled_s=$(thread_ms traced | awk -F '\t' -v hz="$hz" -v user="$(awk '{ print $3 - $1 }' "$work/traced.ticks")" \
  '$1 ~ /^[.]NET (Server GC|BGC|Tiered|EventPipe)/ { unsampled += $2 } END { printf "%.1f", (user * 1000 / hz - unsampled) / 1000 }')
{
  echo "# Where a lifecycle's CPU goes, by layer"
  echo
  echo "\`PROFILE_COUNT=$n PROFILE_CONCURRENCY=$c benchmarks/profile.sh\` ($(date -u +%FT%TZ); Milestones: $label; $(nproc) cores)."
  echo
  echo "One API process on PostgreSQL, warmed by $n lifecycles, then $n more untraced (the reference) and $n under"
  echo "\`dotnet-trace collect --profile dotnet-sampled-thread-time\`. The process's CPU is read from /proc over each"
  echo "load tester's run (its preparation — users and 64 deposits — included)."
  echo
  echo "| run | lifecycles | errors | lifecycles/s | process CPU ms per lifecycle | of it, kernel |"
  echo "|---|--:|--:|--:|--:|--:|"
  for run in reference traced; do
    read -r ops errors rate <<<"$(completed "$run")"
    awk -v run="$run" -v ops="$ops" -v errors="$errors" -v rate="$rate" -v cpu="$(cpu_ms "$run")" -v kernel="$(kernel_ms "$run")" \
      'BEGIN { printf "| %s | %d | %d | %.1f | %.2f | %.2f |\n", run, ops, errors, rate, cpu / ops, kernel / ops }'
  done
  echo
  echo "## By layer"
  echo
  echo "Each CPU sample of the traced run goes to the layer of the first frame, from the leaf, that a rule of"
  echo "\`benchmarks/ProfileReport/LayerRules.cs\` matches. The CPU ms are the reference's CPU per lifecycle: its kernel"
  echo "time and its server GC's and background JIT's threads are rows of their own (the samples do not see them), and"
  echo "the samples' shares split the rest. The traced run's CPU also holds the tracer's (its EventPipe thread, below)."
  echo
  echo "$layers"
  echo
  echo "The sampled threads' user CPU in the traced run, from /proc: $sampled_s s (the process's, less the server GC's,"
  echo "the JIT's and the tracer's threads)."
  echo
  echo "## CPU by thread"
  echo
  echo "CPU ms per lifecycle from /proc, user and kernel, by thread name (threads that ended during a run are missing)."
  echo "The sampler sees the runtime's managed threads (thread-pool workers, the socket engine, the timer), not the others."
  echo
  echo "| thread | reference: user | kernel | traced: user | kernel |"
  echo "|---|--:|--:|--:|--:|"
  awk -F '\t' -v reference="$ref_done" -v traced="$traced_done" '
    NR == FNR { ru[$1] = $2; rk[$1] = $3; names[++n] = $1; next }
    { tu[$1] = $2; tk[$1] = $3; if (!($1 in ru)) names[++n] = $1 }
    END { for (i = 1; i <= n; i++) { t = names[i]
      printf "| %s | %.2f | %.2f | %.2f | %.2f |\n", t, ru[t] / reference, rk[t] / reference, tu[t] / traced, tk[t] / traced } }' \
    <(thread_ms reference) <(thread_ms traced)
  paste "$work/reference.ticks" "$work/traced.ticks" | awk -v hz="$hz" -v reference="$ref_done" -v traced="$traced_done" '{
    f = 1000 / hz; printf "| (the process) | %.2f | %.2f | %.2f | %.2f |\n", ($3 - $1) * f / reference, ($4 - $2) * f / reference,
      ($7 - $5) * f / traced, ($8 - $6) * f / traced }'
} | tee "$out"
log "wrote $out"
