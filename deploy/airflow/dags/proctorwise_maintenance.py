"""ProctorWise upkeep: database backup, storage clean-up, health check, storage initialisation.

Every command is a real `proctorwise-batch` subcommand (or a read-only probe); none is
destructive beyond its documented retention, none is masked: a failure fails the task, which
Airflow retries twice, five minutes apart. The health check only reads: it never prunes Docker
volumes or restarts anything.
"""

from datetime import datetime, timedelta

from airflow.providers.standard.operators.bash import BashOperator
from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.sdk import DAG

BATCH = 'set -euo pipefail; "${PROCTORWISE_BATCH_BIN:-proctorwise-batch}"'

default_args = {
    "owner": "proctorwise",
    "retries": 2,
    "retry_delay": timedelta(minutes=5),
    "email_on_failure": False,
}


def dag(dag_id, schedule, description):
    return DAG(
        dag_id=dag_id,
        description=description,
        schedule=schedule,
        start_date=datetime(2024, 1, 1),
        catchup=False,
        default_args=default_args,
        tags=["proctorwise", "maintenance"],
    )


# Nightly backup (SQLite: VACUUM INTO; MariaDB: mariadb-dump --single-transaction --routines
# --triggers) into PROCTORWISE_BACKUP_DIR; backups older than 7 days are removed afterwards.
with dag("daily_mariadb_backup", "0 1 * * *", "Database backup with 7-day retention") as daily_mariadb_backup:
    (
        EmptyOperator(task_id="start")
        >> BashOperator(task_id="backup_database", bash_command=f"{BATCH} backup --keep-days 7")
        >> EmptyOperator(task_id="end")
    )

# Weekly retention on the output storage (local or HDFS) and the evidence frames.
with dag(
    "weekly_hdfs_cleanup",
    "0 4 * * 0",
    "Removes anomaly reports older than 90 days, grading results older than 180 days, frames beyond retention",
) as weekly_hdfs_cleanup:
    usage = BashOperator(
        task_id="check_storage_usage",
        bash_command=f"{BATCH} health && {BATCH} cleanup --dry-run",
    )
    cleanup = BashOperator(
        task_id="cleanup_expired_data",
        bash_command=f"{BATCH} cleanup --anomaly-days 90 --grading-days 180",
    )
    EmptyOperator(task_id="start") >> usage >> cleanup >> EmptyOperator(task_id="end")

# Every six hours: read-only checks; a failed check fails its task (and alerts), nothing is
# pruned or restarted.
DISK = (
    'set -euo pipefail; dir="${PROCTORWISE_DATA_DIR:-./data}"; df -P "$dir"; '
    'used=$(df -P "$dir" | awk \'NR==2 {gsub("%", "", $5); print $5}\'); '
    'if [ "$used" -gt 90 ]; then echo "disk usage ${used}% is above 90%" >&2; exit 1; fi'
)
SERVER = (
    'set -euo pipefail; curl -fsS --max-time 10 "${PROCTORWISE_URL:-http://127.0.0.1:8000}/health"'
)
with dag("system_health_check", "0 */6 * * *", "Read-only health checks") as system_health_check:
    start, end = EmptyOperator(task_id="start"), EmptyOperator(task_id="end")
    checks = [
        BashOperator(task_id="check_disk_space", bash_command=DISK),
        BashOperator(task_id="check_server", bash_command=SERVER),
        BashOperator(task_id="check_database_and_storage", bash_command=f"{BATCH} health"),
    ]
    start >> checks >> end

# On demand: the output folder tree (raw/frames, processed/…, ml/models, archive).
with dag("init_hdfs_structure", None, "Creates the storage folder tree (idempotent)") as init_hdfs_structure:
    (
        EmptyOperator(task_id="start")
        >> BashOperator(task_id="wait_storage_ready", bash_command=f"{BATCH} health")
        >> BashOperator(task_id="create_directories", bash_command=f"{BATCH} init-storage")
        >> EmptyOperator(task_id="end")
    )
