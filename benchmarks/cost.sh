#!/usr/bin/env bash
# What the shared database pays per lifecycle (create → accept ×2 → fund → submit → approve), for Milestones on
# PostgreSQL and for the baseline (ASP.NET Core + Npgsql), on one private PostgreSQL. Each system runs a small and a
# large number of lifecycles in one fresh process (the load tester's preparation — users, deposits — is the same in
# both), and every figure is the difference of the two runs divided by the difference of their counts, so preparation
# and start-up cancel: WAL bytes (pg_current_wal_lsn), rows inserted / updated (HOT of them) / deleted and commits
# (pg_stat_user_tables, pg_stat_database), table and index bytes (pg_table_size, pg_indexes_size), PostgreSQL's CPU
# (its postmaster and children, reaped ones included, from /proc) and the server process's CPU, and the WAL bytes by
# relation (pg_waldump over each run: every record's total length, full-page images included and also shown apart,
# given to the relation its first block belongs to; "-" for records of none, such as commits), and the B-tree entries
# each index gained (its leaf insert and leaf split records in the same dump), summed per system. These figures barely
# move with the machine's noise. Each run starts after a VACUUM and a CHECKPOINT (so each pays its pages' first
# full-page images), with autovacuum off for the tables measured: a vacuum that happens to fall in one run and not the
# other moved a figure by more than a lifecycle's worth (the dead row versions it would clean are the updates counted).
# Both runs follow a warm-up of COST_WARMUP lifecycles (default 6,000) in the same process, so that the JIT's tiering,
# which goes on for thousands of lifecycles after start-up, falls in neither: else the small run's share of it made
# the difference of CPU meaningless (even negative). After 2,000 the JIT still spent 3.2 ms of CPU per lifecycle over
# the next 2,000 (profile.sh's reference run, 2026-12-07-stop36-profile), 0.2 ms over the 2,000 after those.
#
#   benchmarks/cost.sh                       # 200 and 1,200 lifecycles at c=16; writes results/<date>-cost.md
#   COST_SMALL=100 COST_LARGE=600 COST_CONCURRENCY=16 COST_API=path/to/Milestones.Api.dll benchmarks/cost.sh
#
# COST_API measures another build of the API (e.g. an older commit's, for a before/after) and COST_LABEL names it in
# the report (default: this checkout's commit); COST_NAME names the report file.
set -euo pipefail
cd "$(dirname "$0")/.."
small=${COST_SMALL:-200}; large=${COST_LARGE:-1200}; warmup=${COST_WARMUP:-6000}; c=${COST_CONCURRENCY:-16}
api=${COST_API:-src/Api/bin/Release/net10.0/Milestones.Api.dll}
label=${COST_LABEL:-$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo "+changes")}
baseline=benchmarks/Baseline/bin/Release/net10.0/Milestones.Baseline.dll
loadtest=benchmarks/LoadTest/bin/Release/net10.0/Milestones.LoadTest.dll
out="benchmarks/results/${COST_NAME:-$(date -u +%F)-cost}.md"
LOG_NAME=cost; source benchmarks/common.sh

if [ -z "${COST_API:-}" ]; then
  log "building (Release)"
  for p in src/Api benchmarks/Baseline benchmarks/LoadTest; do dotnet build "$p" -c Release --nologo -v q >/dev/null; done
fi

start_pg
pg_state() { sed -n "s/^$1='\(.*\)'$/\1/p" "$work/pg/state"; }
postmaster=$(pg_state PG_PID)

# wal_by_relation FROM TO: the WAL between two byte positions, as "relation bytes images entries" lines (read as the
# cluster's OS user, before the next checkpoint can recycle it). entries: the B-tree leaf entries the records inserted
# (INSERT_LEAF, INSERT_POST, and a leaf split's new item), so an index's, and 0 for a table.
wal_by_relation() {
  local lsn=() b; for b in "$1" "$2"; do lsn+=("$(printf '%X/%X' $(( b >> 32 )) $(( b & 0xFFFFFFFF )))"); done
  local dump=("$(pg_state PG_BIN)/pg_waldump" -p "$(pg_state PGDATA_DIR)/pg_wal" -s "${lsn[0]}" -e "${lsn[1]}")
  local owner; owner=$(pg_state PG_OS_USER)
  { if [ -n "$owner" ]; then runuser -u "$owner" -- "${dump[@]}"; else "${dump[@]}"; fi; } 2>/dev/null |
    awk 'match($0, /len \(rec\/tot\): *[0-9]+\/ *[0-9]+/) {
           split(substr($0, RSTART, RLENGTH), len, "/"); rel = "-"
           if (match($0, /rel [0-9]+\/[0-9]+\/[0-9]+/)) { split(substr($0, RSTART + 4, RLENGTH - 4), r, "/"); rel = r[3] }
           sub(/.*: */, "", len[2]); bytes[rel] += len[3]; images[rel] += len[3] - len[2]
           if (/rmgr: Btree/ && (/desc: INSERT_(LEAF|POST)/ || /desc: SPLIT_[LR] level:? 0[ ,]/)) entries[rel]++ }
         END { for (rel in bytes) print rel, bytes[rel], images[rel], entries[rel] + 0 }' |
    while read -r node bytes images entries; do
      [ "$node" = - ] && { echo "- $bytes $images $entries"; continue; }
      echo "$(psql -Atq -c "SELECT coalesce((SELECT relname FROM pg_class WHERE pg_relation_filenode(oid) = $node LIMIT 1), 'filenode_$node')") $bytes $images $entries"
    done | LC_ALL=C sort
}

# CPU ticks of a process and, with "tree", of its reaped children too (utime stime [cutime cstime]).
ticks() { awk -v tree="${2:-}" '{ t = $14 + $15; if (tree) t += $16 + $17; print t }' "/proc/$1/stat"; }
pg_ticks() {
  local total; total=$(ticks "$postmaster" tree)
  for child in $(pgrep -P "$postmaster"); do total=$(( total + $(ticks "$child" 2>/dev/null || echo 0) )); done
  echo "$total"
}
# One line of the database's counters: wal ins upd hot del commits tablebytes indexbytes
snapshot() {
  psql -Atq -F ' ' -c "SELECT pg_stat_clear_snapshot()" -c "
    SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint,
           sum(n_tup_ins), sum(n_tup_upd), sum(n_tup_hot_upd), sum(n_tup_del),
           (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()),
           sum(pg_table_size(relid)), sum(pg_indexes_size(relid))
    FROM pg_stat_user_tables" | tail -n 1
}
tables() {
  psql -Atq -F ' ' -c "SELECT relname, n_tup_ins, n_tup_upd, n_tup_hot_upd, n_tup_del FROM pg_stat_user_tables ORDER BY relname"
}

# measure NAME DLL ENV... : one fresh server; the small run, then the large one; prints the per-lifecycle row
measure() {
  local name=$1 dll=$2; shift 2
  local port; port=$(free_port); local url="http://127.0.0.1:$port"
  env ASPNETCORE_ENVIRONMENT=Development Logging__LogLevel__Default=Warning "$@" dotnet "$dll" --urls "$url" >>"$work/$name.log" 2>&1 &
  local server=$!; pids+=("$server")
  for _ in $(seq 1 120); do curl -sf "$url/health/ready" >/dev/null && break; sleep 0.5; done
  curl -sf "$url/health/ready" >/dev/null || { tail -n 30 "$work/$name.log" >&2; log "$name did not become ready"; exit 1; }
  psql -q -c "DO \$\$ DECLARE t regclass; BEGIN
    FOR t IN SELECT relid FROM pg_stat_user_tables LOOP EXECUTE format('ALTER TABLE %s SET (autovacuum_enabled = false)', t); END LOOP;
  END \$\$"
  load() {
    dotnet "$loadtest" --target "$url" --scenario lifecycle --concurrency "$c" --count "$1" --duration 10m --warmup 0 \
      --clients 64 --label "$name" --out "$work/$name-$2" >/dev/null 2>>"$work/$name.progress" \
      || { tail -n 30 "$work/$name.progress" >&2; log "load test failed"; exit 1; }
  }
  log "$name: warming up with $warmup lifecycles"
  load "$warmup" warmup
  local n
  for n in "$small" "$large"; do
    psql -q -c VACUUM -c CHECKPOINT
    sleep 11  # every backend has flushed its statistics (PostgreSQL 15 flushes an idle backend's within 10 s)
    local before pgb srvb; before=$(snapshot); tables >"$work/$name-$n.before"; pgb=$(pg_ticks); srvb=$(ticks "$server")
    log "$name: $n lifecycles at c=$c"
    load "$n" "$n"
    sleep 11
    local after; after=$(snapshot)
    echo "$before $after $pgb $(pg_ticks) $srvb $(ticks "$server")" >"$work/$name-$n.delta"
    tables >"$work/$name-$n.after"
    wal_by_relation "${before%% *}" "${after%% *}" >"$work/$name-$n.wal"
  done
  kill "$server"; wait "$server" 2>/dev/null || true
}

milestones_env() {
  echo Dashboard__Enabled=false RateLimit__PermitsPerSecond=100000000 RateLimit__PermitsPerSecondPerAddress=100000000 \
    Orleans__SiloPort=$(free_port) Orleans__GatewayPort=$(free_port) Storage__Provider=Postgres Orleans__ServiceId="cost-$RANDOM"
}
measure milestones-pg "$api" $(milestones_env) ConnectionStrings__Milestones="$pg;Maximum Pool Size=64"
measure baseline "$baseline" ConnectionStrings__Baseline="$pg"

hz=$(getconf CLK_TCK)
# per relation: "relation bytes images entries" per lifecycle, the difference of the two runs' WAL
relation_deltas() {
  LC_ALL=C join -a 1 -a 2 -e 0 -o 0,1.2,1.3,1.4,2.2,2.3,2.4 "$work/$1-$small.wal" "$work/$1-$large.wal" |
    awk -v n=$(( large - small )) '{ print $1, ($5 - $2) / n, ($6 - $3) / n, ($7 - $4) / n }'
}
# row NAME: per-lifecycle figures from the two runs' deltas
row() {
  local entries; entries=$(relation_deltas "$1" | awk '{ e += $4 } END { printf "%.1f", e }')
  paste -d ' ' "$work/$1-$small.delta" "$work/$1-$large.delta" | awk -v n=$(( large - small )) -v hz="$hz" -v name="$1" -v entries="$entries" '{
    # each delta line: 8 before, 8 after, pg ticks before/after, server ticks before/after (20 fields)
    for (i = 1; i <= 8; i++) d[i] = ($(28 + i) - $(20 + i)) - ($(8 + i) - $i)
    pg = (($38 - $37) - ($18 - $17)) * 1000 / hz / n; srv = (($40 - $39) - ($20 - $19)) * 1000 / hz / n
    printf "| %s | %.0f | %.1f | %.1f (%.1f HOT) | %.1f | %s | %.2f | %.0f | %.0f | %.2f | %.2f |\n", name, d[1] / n,
      d[2] / n, d[3] / n, d[4] / n, d[5] / n, entries, d[6] / n, d[7] / n, d[8] / n, pg, srv }'
}
# per table: rows inserted / updated (HOT) / deleted per lifecycle
per_table() {
  join <(join "$work/$1-$small.before" "$work/$1-$small.after") <(join "$work/$1-$large.before" "$work/$1-$large.after") |
    awk -v n=$(( large - small )) -v name="$1" '{
      ins = (($14 - $10) - ($6 - $2)) / n; upd = (($15 - $11) - ($7 - $3)) / n; hot = (($16 - $12) - ($8 - $4)) / n; del = (($17 - $13) - ($9 - $5)) / n
      if (ins + upd + del > 0.005) printf "| %s | %s | %.2f | %.2f (%.2f HOT) | %.2f |\n", name, $1, ins, upd, hot, del }'
}
# per relation: WAL bytes per lifecycle, those of full-page images among them, and an index's entries inserted
wal_per_relation() {
  relation_deltas "$1" | awk -v name="$1" '$2 >= 1 { printf "%s %s %.0f %.0f %.1f\n", name, $1, $2, $3, $4 }' |
    sort -k3,3nr | awk '{ printf "| %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5 }'
}
{
  echo "# What the database pays per lifecycle"
  echo
  echo "\`benchmarks/cost.sh\` ($small and $large lifecycles at c=$c after $warmup, by difference; $(date -u +%FT%TZ); Milestones: $label)."
  echo
  echo "| system | WAL bytes | rows inserted | rows updated | rows deleted | index entries | commits | table bytes | index bytes | PostgreSQL CPU ms | server CPU ms |"
  echo "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
  ours=$(row milestones-pg); theirs=$(row baseline)
  printf '%s\n%s\n' "$ours" "$theirs"
  # Milestones' figures over the baseline's, for the targets (rows written: inserted + updated + deleted).
  printf '%s\n%s\n' "$ours" "$theirs" | awk -F '|' '
    { gsub(/ *\([^)]*\)/, "", $5); for (i = 3; i <= 12; i++) v[NR, i] = $i + 0 }
    END {
      r = "| ratio |"
      for (i = 3; i <= 12; i++) {
        if (i == 4) { a = v[1, 4] + v[1, 5] + v[1, 6]; b = v[2, 4] + v[2, 5] + v[2, 6]; r = r sprintf(" %.2f× (rows written) |", b ? a / b : 0); continue }
        if (i == 5 || i == 6) { r = r " |"; continue }
        if (i == 10) { a = v[1, 9] + v[1, 10]; b = v[2, 9] + v[2, 10]; r = r sprintf(" %.2f× (table + index) |", b ? a / b : 0); continue }
        if (i == 9) { r = r " |"; continue }
        r = r sprintf(" %.2f× |", v[2, i] ? v[1, i] / v[2, i] : 0)
      }
      print r }'
  echo
  echo "| system | table | inserted | updated | deleted |"
  echo "|---|---|--:|--:|--:|"
  per_table milestones-pg
  per_table baseline
  echo
  echo "| system | relation (table or index) | WAL bytes | of which full-page images | index entries inserted |"
  echo "|---|---|--:|--:|--:|"
  wal_per_relation milestones-pg
  wal_per_relation baseline
} | tee "$out"
log "wrote $out"
