"""ProctorWise analytics: the three batch jobs and the manual full pipeline.

Each task runs the `proctorwise-batch` binary (PROCTORWISE_BATCH_BIN, default on PATH) with the
environment of the Airflow worker: DATABASE_URL, and PROCTORWISE_BATCH_DIR or HDFS_URL for the
outputs. A failing command fails the task (set -euo pipefail, nothing masked); Airflow retries twice,
five minutes apart. Windows come from the run's logical date, so clearing a past run recomputes
exactly that window.
"""

from datetime import datetime, timedelta

from airflow.providers.standard.operators.bash import BashOperator
from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.sdk import DAG, Param

BATCH = 'set -euo pipefail; "${PROCTORWISE_BATCH_BIN:-proctorwise-batch}"'

default_args = {
    "owner": "proctorwise",
    "retries": 2,
    "retry_delay": timedelta(minutes=5),
    "email_on_failure": False,
}


def job_dag(dag_id, schedule, description, task_id, command, params=None):
    with DAG(
        dag_id=dag_id,
        description=description,
        schedule=schedule,
        start_date=datetime(2024, 1, 1),
        catchup=False,
        default_args=default_args,
        tags=["proctorwise", "analytics"],
        params=params or {},
    ) as dag:
        EmptyOperator(task_id="start") >> BashOperator(task_id=task_id, bash_command=command) >> EmptyOperator(
            task_id="end"
        )
    return dag


# Yesterday's anomalies, daily at 02:00. Triggered with {"date": "YYYY-MM-DD"}, that day instead
# (e.g. today's so far, or a day to recompute).
daily_anomaly_aggregation = job_dag(
    "daily_anomaly_aggregation",
    "0 2 * * *",
    "Anomalies of the previous day by exam, user and hour (Parquet + read-back)",
    "run_daily_anomaly_aggregation",
    f"{BATCH} daily-anomalies --date {{{{ params.date or macros.ds_add(ds, -1) }}}}",
    params={
        "date": Param(
            None,
            type=["null", "string"],
            format="date",
            description="The day to aggregate (YYYY-MM-DD); empty: the day before the run's logical date",
        )
    },
)

# The previous Sunday-to-Saturday week, Sundays at 03:00.
weekly_grade_analytics = job_dag(
    "weekly_grade_analytics",
    "0 3 * * 0",
    "Exam statistics, question difficulty, daily trends and grading turnaround of the last week",
    "run_weekly_grade_analytics",
    f"{BATCH} weekly-grades --week-start {{{{ macros.ds_add(ds, -7) }}}}",
)

# The previous calendar month, on the 1st at 05:00.
monthly_user_performance = job_dag(
    "monthly_user_performance",
    "0 5 1 * *",
    "Student profiles, tiers, risk levels and rankings of the previous month",
    "run_monthly_user_performance",
    f"{BATCH} monthly-users --month {{{{ macros.ds_format(macros.ds_add(ds, -1), '%Y-%m-%d', '%Y-%m') }}}}",
)

# The three jobs one after the other over their usual windows, on demand.
with DAG(
    dag_id="full_analytics_pipeline",
    description="The three analytics jobs in sequence (manual)",
    schedule=None,
    start_date=datetime(2024, 1, 1),
    catchup=False,
    default_args=default_args,
    tags=["proctorwise", "analytics"],
) as full_analytics_pipeline:
    (
        EmptyOperator(task_id="start")
        >> BashOperator(task_id="anomaly_aggregation", bash_command=f"{BATCH} daily-anomalies")
        >> BashOperator(task_id="grade_analytics", bash_command=f"{BATCH} weekly-grades")
        >> BashOperator(task_id="user_performance", bash_command=f"{BATCH} monthly-users")
        >> EmptyOperator(task_id="end")
    )
