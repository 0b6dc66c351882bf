#!/usr/bin/env bash
# The production topology as plain, long-lived processes on loopback: a private PostgreSQL (scripts/pg.sh), the
# schema migration step, N silos and M APIs (Orleans clients, Production, a signing key of their own).
#
#   scripts/cluster.sh start [--silos N] [--apis M]   start everything; prints each process's ports and log file
#   scripts/cluster.sh status                         each process alive or not, each API's /health/ready
#   scripts/cluster.sh stop                           stops exactly the processes start started, then PostgreSQL
#   scripts/cluster.sh token USER [--platform]        a bearer token the cluster's APIs accept
#
# Environment: CLUSTER_SILOS (3), CLUSTER_APIS (2), CLUSTER_DIR (state: pids, ports, logs, key; default
# .data/cluster), CLUSTER_ENVIRONMENT (the environment of the APIs and the silos, default Production; Development opens
# the dev routes, lets the silos send webhooks to local targets and lets the sandbox clock move their time).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
state=${CLUSTER_DIR:-$root/.data/cluster}
processes=$state/processes
api_dll=$root/src/Api/bin/Release/net10.0/Milestones.Api.dll
silo_dll=$root/src/Silo/bin/Release/net10.0/Milestones.Silo.dll
export PG_STATE_DIR=$state/pg

die() { echo "cluster.sh: $*" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# alive PID: the process is still the one we started (its command line names our host), not a reused pid.
alive() { [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -q "Milestones\.\(Api\|Silo\)\.dll"; }
key() { cat "$state/signing-key"; }

# Settings every process of the cluster shares.
cluster_env() {
  export Storage__Provider=Postgres Storage__MigrateOnStart=false ConnectionStrings__Milestones="$(cat "$state/connection")"
  export Orleans__ServiceId=milestones Orleans__ClusterId=milestones Orleans__AdvertisedIP=127.0.0.1
}

start() {
  local silos=${CLUSTER_SILOS:-3} apis=${CLUSTER_APIS:-2}
  while [ $# -gt 0 ]; do
    case $1 in
      --silos) silos=$2; shift 2 ;;
      --apis) apis=$2; shift 2 ;;
      *) die "unknown option $1 (use --silos N, --apis M)" ;;
    esac
  done
  [[ $silos =~ ^[1-9][0-9]*$ && $apis =~ ^[1-9][0-9]*$ ]] || die "--silos and --apis take a positive number"
  if [ -f "$processes" ]; then die "already started (state in $state); scripts/cluster.sh stop first"; fi
  command -v curl >/dev/null || die "curl is required"
  if [ ! -f "$api_dll" ] || [ ! -f "$silo_dll" ]; then
    echo "cluster.sh: building the hosts (Release)"
    dotnet build src/Api -c Release >/dev/null
  fi

  mkdir -p "$state/logs"
  scripts/pg.sh start >"$state/connection"
  [ -f "$state/signing-key" ] || python3 -c 'import secrets; print(secrets.token_hex(32))' >"$state/signing-key"
  : >"$processes"
  cluster_env

  echo "cluster.sh: PostgreSQL up ($PG_STATE_DIR); applying the schema"
  dotnet "$silo_dll" migrate >"$state/logs/migrate.log" 2>&1 || { cat "$state/logs/migrate.log" >&2; die "the migration step failed"; }

  local i port gateway log private_targets=false
  [ "${CLUSTER_ENVIRONMENT:-Production}" = Development ] && private_targets=true
  for i in $(seq 1 "$silos"); do
    port=$(free_port); gateway=$(free_port); log=$state/logs/silo$i.log
    DOTNET_ENVIRONMENT=${CLUSTER_ENVIRONMENT:-Production} Orleans__SiloPort=$port Orleans__GatewayPort=$gateway \
      Webhooks__AllowPrivateTargets=$private_targets setsid nohup dotnet "$silo_dll" >"$log" 2>&1 </dev/null &
    echo "silo$i $! silo=$port,gateway=$gateway $log" >>"$processes"
  done
  for i in $(seq 1 "$apis"); do
    port=$(free_port); log=$state/logs/api$i.log
    Hosting__Mode=Client ASPNETCORE_ENVIRONMENT=${CLUSTER_ENVIRONMENT:-Production} Auth__SigningKey=$(key) \
      setsid nohup dotnet "$api_dll" --urls "http://127.0.0.1:$port" >"$log" 2>&1 </dev/null &
    echo "api$i $! http://127.0.0.1:$port $log" >>"$processes"
  done

  echo "cluster.sh: waiting for every API to be ready (a silo reachable through it)"
  local name pid address deadline=$((SECONDS + 180))
  while read -r name pid address log; do
    [[ $name == api* ]] || continue
    until [ "$(curl -s -o /dev/null -w '%{http_code}' "$address/health/ready")" = 200 ]; do
      alive "$pid" || { tail -n 20 "$log" >&2; die "$name exited (log $log)"; }
      [ $SECONDS -lt $deadline ] || die "$name not ready after 180 s (log $log); scripts/cluster.sh stop cleans up"
      sleep 1
    done
  done <"$processes"
  status
  cat <<EOF

APIs: /v1/... (README), /scalar, /health/live, /health/ready; with a platform token /metrics and /dashboard
(a browser signs in at /dashboard/login). A token: scripts/cluster.sh token alice [--platform]
Stop everything: scripts/cluster.sh stop
EOF
}

status() {
  [ -f "$processes" ] || { echo "cluster.sh: not started"; return 3; }
  local name pid address log health down=0
  printf '%-8s %-8s %-34s %-10s %s\n' NAME PID ADDRESS STATE LOG
  while read -r name pid address log; do
    health=$(alive "$pid" && echo running || echo stopped)
    [ "$health" = running ] || down=1
    if [[ $name == api* && $health == running ]]; then
      health="ready=$(curl -s -o /dev/null -w '%{http_code}' "$address/health/ready")"
    fi
    printf '%-8s %-8s %-34s %-10s %s\n' "$name" "$pid" "$address" "$health" "$log"
  done <"$processes"
  echo "postgres: $(scripts/pg.sh status 2>/dev/null || echo stopped)"
  return $down
}

stop() {
  if [ -f "$processes" ]; then
    local name pid address log
    # APIs first, then silos: SIGTERM (graceful: a silo hands its grains over), SIGKILL after 30 s.
    for kind in api silo; do
      while read -r name pid address log; do
        [[ $name == $kind* ]] && alive "$pid" && kill -TERM "$pid" 2>/dev/null || true
      done <"$processes"
      while read -r name pid address log; do
        [[ $name == $kind* ]] || continue
        for _ in $(seq 1 60); do alive "$pid" || break; sleep 0.5; done
        if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
        echo "cluster.sh: stopped $name (pid $pid)"
      done <"$processes"
    done
    rm -f "$processes"
  fi
  scripts/pg.sh stop >/dev/null 2>&1 || true
  echo "cluster.sh: stopped (logs kept in $state/logs)"
}

token() {
  [ -f "$state/signing-key" ] || die "not started"
  [ $# -ge 1 ] || die "usage: scripts/cluster.sh token USER [--platform]"
  local user=$1; shift
  ASPNETCORE_ENVIRONMENT=Production Auth__SigningKey=$(key) dotnet "$api_dll" token --user "$user" "$@"
}

case ${1:-} in
  start) shift; start "$@" ;;
  status) status ;;
  stop) stop ;;
  token) shift; token "$@" ;;
  *) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
