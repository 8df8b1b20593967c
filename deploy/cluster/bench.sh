#!/usr/bin/env bash
# Performance of ProctorWise under the browser's mix (issue 17): release build, no faults, the
# load generator of prove.sh (server/examples/cluster_load). Each setup prints frames accepted
# per second, frame latency p50/p95/p99 and processor time per accepted frame; the summary at
# the end puts them side by side, with the machine's load.
#
#   bench.sh [SETUP…]   SETUP: cluster replica mariadb sqlite (default: all four, in that order)
#
#   cluster  3 Galera nodes, 2 replicas, nginx (TLS, HTTP/2): STUDENTS students (default 400)
#   replica  the same cluster with app2 stopped, so that one replica carries everything through
#            nginx: SWEEP student counts (default "100 200 400"), to find how many one replica
#            holds with a frame p99 ≤ 250 ms
#   mariadb  one replica on a single MariaDB (MARIADB_URL, default mysql://root@127.0.0.1:3306;
#            database proctorwise_bench, dropped first), plain HTTP on 127.0.0.1:BENCH_PORT
#   sqlite   one replica on a new SQLite file, plain HTTP
#
# Each student sends a frame every 2 s (one in 15 with its picture, one in FLAG_EVERY flagged
# and re-verified by the full models) and saves an answer every 5 s, for SECONDS_OF_LOAD s
# (default 60). Logs: BENCH_DIR (default a temporary folder), one per run.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/common.sh
source "$here/../lib/common.sh"
cd "$repo_root"

setups=("$@")
[ ${#setups[@]} -gt 0 ] || setups=(cluster replica mariadb sqlite)
students="${STUDENTS:-400}"
sweep="${SWEEP:-100 200 400}"
load="${SECONDS_OF_LOAD:-60}"
flag_every="${FLAG_EVERY:-60}"
port="${BENCH_PORT:-8090}"
mariadb_url="${MARIADB_URL:-mysql://root@127.0.0.1:3306}"
BENCH_DIR="${BENCH_DIR:-$(mktemp -d -t proctorwise-bench.XXXXXX)}"
mkdir -p "$BENCH_DIR"

log "release build of the server and the load generator (once)"
cargo build -p proctorwise --release --locked --bin proctorwise --example cluster_load
bin="$CARGO_TARGET_DIR/release/proctorwise"
generator="$CARGO_TARGET_DIR/release/examples/cluster_load"
models/fetch.sh images

summary="$BENCH_DIR/summary.txt"
: >"$summary"
# One run of the generator; its log is BENCH_DIR/NAME.log, its figures go to the summary.
run_load() { # name students url db [generator options…]
  local name=$1 n=$2 url=$3 db=$4
  shift 4
  log "$name: $n students for $load s"
  "$generator" --url "$url" --db "$db" --students "$n" --seconds "$load" --flag-every "$flag_every" "$@" |
    tee "$BENCH_DIR/$name.log"
  {
    echo "== $name ($n students, $load s; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))"
    grep -E '^(frames, all|Frame|Answer|frames accepted|cpu )' "$BENCH_DIR/$name.log" || true
  } >>"$summary"
}
frame_p99() { awk '/^frames, all/ {print $6}' "$BENCH_DIR/$1.log"; } # frames, all COUNT P50 P95 P99

cluster_dir="$BENCH_DIR/cluster"
cluster() { CLUSTER_DIR="$cluster_dir" PROCTORWISE_BIN="$bin" "$here/cluster.sh" "$@"; }
cluster_cpu() { # --cpu options for the running replicas and Galera nodes
  local node
  for node in "$@"; do
    [ -s "$cluster_dir/$node/pid" ] && printf -- '--cpu %s=%s ' "$node" "$(cat "$cluster_dir/$node/pid")"
  done
}
cluster_db() { echo "mysql://proctorwise:$(cat "$cluster_dir/db-password")@127.0.0.1:${CLUSTER_SQL_PORT:-3307}/proctorwise"; }
cluster_url="https://127.0.0.1:${CLUSTER_HTTPS_PORT:-8443}"

server_pid=""
stop_server() { [ -z "$server_pid" ] || { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }; server_pid=""; }
finish() {
  local status=$?
  stop_server
  [ ! -f "$cluster_dir/cluster.env" ] || cluster wipe >/dev/null 2>&1 || true
  echo "logs: $BENCH_DIR"
  exit "$status"
}
trap finish EXIT

# One replica of our own on plain HTTP, on `database_url`.
start_server() { # name database_url
  local name=$1 database=$2 d="$BENCH_DIR/$1"
  mkdir -p "$d"
  DATABASE_URL="$database" PROCTORWISE_BIND="127.0.0.1:$port" PROCTORWISE_DATA_DIR="$d" PROCTORWISE_DEMO=false \
    PROCTORWISE_REPLICA_ID="$name" NO_COLOR=1 "$bin" serve >"$d/app.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 240); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/ready" || true)" = 200 ] && return 0
    kill -0 "$server_pid" 2>/dev/null || { tail -20 "$d/app.log" >&2; die "$name: the server exited"; }
    sleep 0.5
  done
  die "$name: the server was not ready after 120 s"
}

for setup in "${setups[@]}"; do
  case "$setup" in
    cluster | replica)
      if [ ! -f "$cluster_dir/cluster.env" ]; then
        log "cluster up in $cluster_dir"
        cluster up
      fi
      if [ "$setup" = cluster ]; then
        # shellcheck disable=SC2046 # the --cpu options are separate words
        run_load cluster "$students" "$cluster_url" "$(cluster_db)" --ca "$cluster_dir/nginx/tls/ca.pem" \
          $(cluster_cpu app1 app2 galera1 galera2 galera3)
      else
        cluster kill app2
        best=none
        for n in $sweep; do
          # shellcheck disable=SC2046
          run_load "replica-$n" "$n" "$cluster_url" "$(cluster_db)" --ca "$cluster_dir/nginx/tls/ca.pem" \
            $(cluster_cpu app1 galera1 galera2 galera3) || true
          p99="$(frame_p99 "replica-$n")"
          awk -v p="${p99:-99999}" 'BEGIN { exit !(p <= 250) }' && best=$n
        done
        echo "== one replica holds $best of the students tried ($sweep) with a frame p99 ≤ 250 ms" >>"$summary"
        cluster restart app2
      fi
      ;;
    mariadb)
      need mariadb "install mariadb-client"
      host_port="${mariadb_url#mysql://}"
      host_port="${host_port#*@}"
      mariadb --protocol=TCP -h "${host_port%%:*}" -P "${host_port##*:}" -u root \
        -e 'DROP DATABASE IF EXISTS proctorwise_bench; CREATE DATABASE proctorwise_bench'
      start_server mariadb "$mariadb_url/proctorwise_bench"
      run_load mariadb "$students" "http://127.0.0.1:$port" "$mariadb_url/proctorwise_bench" \
        --cpu "app=$server_pid" --cpu "mariadb=$(pgrep -o -x mariadbd || pgrep -o -x mysqld)"
      stop_server
      ;;
    sqlite)
      database="sqlite://$BENCH_DIR/sqlite/proctorwise.db?mode=rwc"
      start_server sqlite "$database"
      run_load sqlite "$students" "http://127.0.0.1:$port" "$database" --cpu "app=$server_pid"
      stop_server
      ;;
    *) die "unknown setup $setup (cluster, replica, mariadb, sqlite)" ;;
  esac
done

echo
echo "== summary ($(nproc) cores, $(uname -sr), load average now $(cut -d' ' -f1-3 /proc/loadavg))"
cat "$summary"
