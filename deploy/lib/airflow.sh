#!/usr/bin/env bash
# Airflow 3.3.2 for checking the DAGs in deploy/airflow/dags with a real Airflow.
#   airflow.sh install          -> installs apache-airflow==3.3.2 (pinned by deploy/airflow/constraints.txt)
#                                  into a cached venv outside the clone; prints the venv path
#   airflow.sh check <batch>    -> fresh AIRFLOW_HOME (SQLite metadata, no example DAGs), DagBag import
#                                  check (no import error, the eight ids, retries and delays), then
#                                  `airflow dags test daily_anomaly_aggregation` running <batch> (the
#                                  proctorwise-batch binary) against a generated demo database
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

version=3.3.2
venv="${PROCTORWISE_AIRFLOW_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/proctorwise/airflow-$version}"
constraints="$repo_root/deploy/airflow/constraints.txt"

install() {
  need python3 "install Python 3.10 or newer"
  if [ -x "$venv/bin/airflow" ] && cmp -s "$constraints" "$venv/.constraints.txt"; then
    echo "$venv"
    return 0
  fi
  rm -rf "$venv"
  python3 -m venv "$venv" || { apt_ensure python3-venv; python3 -m venv "$venv"; }
  "$venv/bin/pip" install -q --disable-pip-version-check --upgrade pip >&2
  "$venv/bin/pip" install -q --disable-pip-version-check -c "$constraints" "apache-airflow==$version" >&2
  cp "$constraints" "$venv/.constraints.txt"
  echo "$venv"
}

check() {
  local batch="${1:?usage: airflow.sh check <proctorwise-batch binary>}"
  [ -x "$batch" ] || die "$batch is not an executable"
  install >/dev/null
  local work
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' RETURN
  export AIRFLOW_HOME="$work/home" AIRFLOW__CORE__LOAD_EXAMPLES=False
  export AIRFLOW__CORE__DAGS_FOLDER="$repo_root/deploy/airflow/dags" AIRFLOW__LOGGING__LOGGING_LEVEL=WARNING
  "$venv/bin/airflow" db migrate >"$work/migrate.log" 2>&1 || { cat "$work/migrate.log"; die "airflow db migrate failed"; }
  "$venv/bin/python" "$repo_root/deploy/airflow/check_dags.py" "$AIRFLOW__CORE__DAGS_FOLDER"

  # The daily DAG for real: its task runs proctorwise-batch on a generated database.
  export PROCTORWISE_BATCH_BIN="$batch" PROCTORWISE_BATCH_DIR="$work/out"
  export DATABASE_URL="sqlite://$work/demo.db?mode=rw"
  "$batch" generate --students 40 --exams 4 --questions 5 --attempts 200 --anomalies 500 >/dev/null
  "$venv/bin/airflow" dags test daily_anomaly_aggregation 2026-10-06 >"$work/dags-test.log" 2>&1 \
    || { tail -50 "$work/dags-test.log"; die "airflow dags test daily_anomaly_aggregation failed"; }
  local run
  run="$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT job, period, status, rows_read FROM batch_runs").fetchall())' "$work/demo.db")"
  [ "$run" = "[('daily-anomalies', '2026-10-05', 'succeeded', 490)]" ] \
    || { tail -50 "$work/dags-test.log"; die "unexpected batch run recorded by the DAG: $run"; }
  for kind in by_exam by_user hourly; do
    [ -s "$work/out/processed/anomaly_reports/2026/10/$kind/05/part-00000.parquet" ] || die "no $kind output from the DAG run"
  done
  echo "airflow $version: daily_anomaly_aggregation ran its task against the demo database (500 anomalies, 490 counted: 10 are false alarms)"
}

case "${1:-}" in
  install) install ;;
  check) shift; check "$@" ;;
  *) die "usage: airflow.sh install | check <proctorwise-batch binary>" ;;
esac
