"""Import check of the ProctorWise DAGs with a real Airflow (run by deploy/lib/airflow.sh)."""

import sys
from datetime import timedelta

from airflow.dag_processing.dagbag import DagBag

EXPECTED = {
    "daily_anomaly_aggregation": "0 2 * * *",
    "weekly_grade_analytics": "0 3 * * 0",
    "monthly_user_performance": "0 5 1 * *",
    "full_analytics_pipeline": None,
    "daily_mariadb_backup": "0 1 * * *",
    "weekly_hdfs_cleanup": "0 4 * * 0",
    "system_health_check": "0 */6 * * *",
    "init_hdfs_structure": None,
}
FORBIDDEN = ["|| true", "|| :", "docker", "prune", "restart", "2>/dev/null"]


def main(folder):
    bag = DagBag(dag_folder=folder)
    problems = [f"import error in {path}: {err}" for path, err in bag.import_errors.items()]
    if set(bag.dag_ids) != set(EXPECTED):
        problems.append(f"dag ids {sorted(bag.dag_ids)} != {sorted(EXPECTED)}")
    for dag_id, cron in EXPECTED.items():
        dag = bag.dags.get(dag_id)
        if dag is None:
            continue
        expression = dag.schedule
        if expression != cron:
            problems.append(f"{dag_id}: schedule {expression!r}, expected {cron!r}")
        if dag.catchup:
            problems.append(f"{dag_id}: catchup must be off")
        for task in dag.tasks:
            if task.retries != 2 or task.retry_delay != timedelta(minutes=5):
                problems.append(f"{dag_id}.{task.task_id}: retries {task.retries}, delay {task.retry_delay}")
            command = getattr(task, "bash_command", "") or ""
            if command and not command.startswith("set -euo pipefail;"):
                problems.append(f"{dag_id}.{task.task_id}: command does not stop on errors")
            for bad in FORBIDDEN:
                if bad in command:
                    problems.append(f"{dag_id}.{task.task_id}: forbidden {bad!r} in {command!r}")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        sys.exit(1)
    tasks = sum(len(bag.dags[d].tasks) for d in EXPECTED)
    print(f"{len(EXPECTED)} DAGs imported without error ({tasks} tasks, retries=2, retry_delay=5 min)")


if __name__ == "__main__":
    main(sys.argv[1])
