#!/usr/bin/env bash
# The optional Airflow node of deploy/cluster/cluster.sh (CLUSTER_AIRFLOW=1 at `up`): Airflow
# 3.3.2 (deploy/lib/airflow.sh's venv) runs the DAGs of deploy/airflow/dags — each task runs
# `proctorwise-batch` on galera3 — and the replicas run with PROCTORWISE_BATCH_SCHEDULE=off, so
# the jobs are scheduled by Airflow alone, as in production.
#
# The node is one process group: a supervisor (this file's `_run`) that migrates Airflow's own
# metadata database (SQLite in CLUSTER_DIR/airflow/home) and runs the API server (the UI and
# the task execution API, 127.0.0.1:CLUSTER_AIRFLOW_PORT), the scheduler (LocalExecutor; its
# log server is skipped, the logs are local files) and the DAG processor. When one of them
# exits the others are stopped too, so a broken node shows as down, not half up.
#
# Sourced by cluster.sh (functions airflow_*), or run by it as `airflow-node.sh _run CLUSTER_DIR`.
# shellcheck disable=SC2154 # here, repo_root and the helpers are cluster.sh's

airflow_dir() { echo "$CLUSTER_DIR/airflow"; }

airflow_venv() { "$repo_root/deploy/lib/airflow.sh" install; }

# The environment of the node and of every task it runs, written at `up` (restart reuses it).
write_airflow_env() {
  local d
  d="$(airflow_dir)"
  mkdir -p "$d/home" "$d/backups"
  [ -x "$CLUSTER_BATCH_BIN" ] || die "no proctorwise-batch binary at $CLUSTER_BATCH_BIN
  build it with \`cargo build --release --locked -p proctorwise -p proctorwise-batch\`, or point
  CLUSTER_BATCH_BIN at a built one (Airflow's tasks run it)"
  {
    echo "# Environment of the Airflow node, written by cluster.sh up (restart reuses it)."
    printf 'export PATH=%q\n' "$(airflow_venv)/bin:$PATH" # the scheduler starts `airflow` sub-commands
    printf 'export AIRFLOW_HOME=%q\n' "$d/home"
    printf 'export AIRFLOW__CORE__DAGS_FOLDER=%q\n' "$repo_root/deploy/airflow/dags"
    printf 'export AIRFLOW__CORE__LOAD_EXAMPLES=False\n'
    printf 'export AIRFLOW__CORE__EXECUTOR=LocalExecutor\n'
    # Four tasks at a time (each is a Python process running proctorwise-batch): the default 32
    # would start every DAG's first run at once on a small machine.
    printf 'export AIRFLOW__CORE__PARALLELISM=4\n'
    # The DAGs run on their schedules as soon as they are parsed, as the replicas' scheduler would have.
    printf 'export AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION=False\n'
    printf 'export AIRFLOW__API__HOST=127.0.0.1\n'
    printf 'export AIRFLOW__API__PORT=%q\n' "$CLUSTER_AIRFLOW_PORT"
    printf 'export AIRFLOW__API__WORKERS=1\n'
    printf 'export AIRFLOW__API__BASE_URL=%q\n' "http://127.0.0.1:$CLUSTER_AIRFLOW_PORT"
    printf 'export AIRFLOW__CORE__EXECUTION_API_SERVER_URL=%q\n' "http://127.0.0.1:$CLUSTER_AIRFLOW_PORT/execution/"
    printf 'export AIRFLOW__LOGGING__LOGGING_LEVEL=WARNING\n'
    printf 'export NO_COLOR=1\n'
    # What the tasks' proctorwise-batch reads: the cluster's database (galera3, which no replica
    # uses), the replicas' shared output and frame folders, backups beside Airflow's home.
    printf 'export PROCTORWISE_BATCH_BIN=%q\n' "$CLUSTER_BATCH_BIN"
    printf 'export DATABASE_URL=%q\n' \
      "mysql://proctorwise:$(cat "$CLUSTER_DIR/db-password")@127.0.0.1:$(sql_port galera3)/proctorwise"
    printf 'export PROCTORWISE_BATCH_DIR=%q\n' "$CLUSTER_DIR/shared/batch"
    printf 'export PROCTORWISE_FRAME_DIR=%q\n' "$CLUSTER_DIR/shared/frames"
    printf 'export PROCTORWISE_DATA_DIR=%q\n' "$CLUSTER_DIR/shared"
    printf 'export PROCTORWISE_BACKUP_DIR=%q\n' "$d/backups"
    # The health DAG's probe goes through nginx, trusting the cluster's CA.
    printf 'export PROCTORWISE_URL=%q\n' "https://127.0.0.1:$CLUSTER_HTTPS_PORT"
    printf 'export CURL_CA_BUNDLE=%q\n' "$(dir_of nginx)/tls/ca.pem"
  } >"$d/airflow.env"
  chmod 600 "$d/airflow.env"
}

airflow_health() { # prints the API's health document, or nothing
  curl -s --max-time 8 "http://127.0.0.1:$CLUSTER_AIRFLOW_PORT/api/v2/monitor/health" 2>/dev/null || true
}

airflow_healthy() {
  local health
  health="$(airflow_health)"
  [[ $health == *'"scheduler":{"status":"healthy"'* && $health == *'"dag_processor":{"status":"healthy"'* ]]
}

start_airflow() {
  local d t0=$SECONDS
  d="$(airflow_dir)"
  [ -f "$d/airflow.env" ] || die "the Airflow node has no environment yet: run \`$0 up\` with CLUSTER_AIRFLOW=1"
  port_busy "$CLUSTER_AIRFLOW_PORT" && die "127.0.0.1:$CLUSTER_AIRFLOW_PORT is already in use (CLUSTER_AIRFLOW_PORT)"
  spawn "$d/pid" "$d/airflow.log" bash "$here/airflow-node.sh" _run "$CLUSTER_DIR"
  say "airflow: pid $(cat "$d/pid") on http://127.0.0.1:$CLUSTER_AIRFLOW_PORT (log: $d/airflow.log)"
  while ((SECONDS - t0 < CLUSTER_TIMEOUT)); do
    alive airflow || { tail -30 "$d/airflow.log" >&2; die "airflow exited (log: $d/airflow.log)"; }
    if airflow_healthy; then
      say "airflow ready in $((SECONDS - t0)) s: scheduler and DAG processor healthy; sign in as admin with the password in $d/home/simple_auth_manager_passwords.json.generated"
      return 0
    fi
    sleep 1
  done
  die "airflow not healthy after ${CLUSTER_TIMEOUT}s (log: $d/airflow.log)"
}

airflow_status() { # the status line's health column
  local health
  health="$(airflow_health)"
  [ -n "$health" ] || { echo "API not answering"; return 0; }
  python3 -c 'import json, sys
h = json.loads(sys.argv[1])
print(", ".join(f"{k} {(v or {}).get(\"status\") or \"-\"}" for k, v in h.items() if k != "triggerer"))' "$health" 2>/dev/null ||
    echo "unreadable health: $health"
}

# `cluster.sh airflow ARGS…`: the airflow command line with the node's environment.
airflow_cli() {
  [ -f "$(airflow_dir)/airflow.env" ] || die "this cluster has no Airflow node (CLUSTER_AIRFLOW=1 at \`up\`)"
  (
    # shellcheck disable=SC1091
    source "$(airflow_dir)/airflow.env"
    exec airflow "$@"
  )
}

# The supervisor (the node's process, run by spawn from start_airflow).
airflow_run() {
  # shellcheck disable=SC1091
  source "$(airflow_dir)/airflow.env"
  cd "$(airflow_dir)"
  airflow db migrate >>"$(airflow_dir)/migrate.log" 2>&1 || { echo "airflow db migrate failed (migrate.log)"; exit 1; }
  local pids=()
  airflow api-server &
  pids+=($!)
  airflow scheduler --skip-serve-logs &
  pids+=($!)
  airflow dag-processor &
  pids+=($!)
  trap 'kill -TERM "${pids[@]}" 2>/dev/null; wait; exit 143' TERM INT
  local status=0
  wait -n || status=$?
  echo "an Airflow component exited ($status): stopping the others"
  kill -TERM "${pids[@]}" 2>/dev/null || true
  wait || true
  exit "$status"
}

if [ "${1:-}" = _run ]; then
  set -euo pipefail
  CLUSTER_DIR="$2"
  airflow_run
fi
