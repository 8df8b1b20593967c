#!/usr/bin/env python3
"""The Airflow node's DAG runs, through Airflow's REST API (used by prove.sh).

    airflow_runs.py settle URL PASSWORDS [--timeout S]
        waits until every scheduled DAG has had its run for its latest interval (the scheduler
        starts them once the DAGs are parsed) and none is queued or running, prints them; fails
        as soon as a task fails or waits for a retry
    airflow_runs.py run URL PASSWORDS DAG LOGICAL_DATE [--conf JSON] [--timeout S]
        triggers DAG for LOGICAL_DATE (YYYY-MM-DD, not in the future: Airflow refuses to run it)
        with the run's configuration JSON, waits until it succeeds, fails otherwise

PASSWORDS is the simple auth manager's generated file ({"admin": "..."}).
"""

import argparse
import json
import sys
import time
import urllib.error
import urllib.request

BAD_TASK_STATES = ("failed", "up_for_retry", "upstream_failed")


class Api:
    def __init__(self, url, passwords):
        self.url = url.rstrip("/")
        with open(passwords, encoding="utf-8") as f:
            user, password = next(iter(json.load(f).items()))
        token = self.call("POST", "/auth/token", {"username": user, "password": password}, auth=False)
        self.token = token["access_token"]

    def call(self, method, path, body=None, auth=True):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if auth:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as err:
            sys.exit(f"airflow API {method} {path}: {err.code} {err.read().decode(errors='replace')[:500]}")

    def runs(self):
        return self.call("GET", "/api/v2/dags/~/dagRuns?limit=100")["dag_runs"]

    def bad_tasks(self, dag="~", run="~"):
        states = "&".join(f"state={s}" for s in BAD_TASK_STATES)
        return self.call("GET", f"/api/v2/dags/{dag}/dagRuns/{run}/taskInstances?limit=100&{states}")["task_instances"]

    def log_tail(self, task):
        path = (f"/api/v2/dags/{task['dag_id']}/dagRuns/{task['dag_run_id']}/taskInstances/"
                f"{task['task_id']}/logs/{max(task.get('try_number') or 1, 1)}?full_content=true")
        request = urllib.request.Request(self.url + path, headers={
            "Authorization": f"Bearer {self.token}", "Accept": "text/plain"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.read().decode(errors="replace")[-3000:]
        except urllib.error.URLError as err:
            return f"(log unavailable: {err})"


def fail_on_bad_tasks(api, dag="~", run="~"):
    bad = api.bad_tasks(dag, run)
    if bad:
        for task in bad:
            print(f"task {task['dag_id']}.{task['task_id']} ({task['dag_run_id']}): {task['state']}")
            print(api.log_tail(task))
        sys.exit("an Airflow task failed")


def scheduled_dags(api):
    dags = api.call("GET", "/api/v2/dags?limit=100")["dags"]
    return {d["dag_id"] for d in dags if d.get("timetable_summary") not in (None, "", "None")}


def settle(api, timeout):
    deadline = time.monotonic() + timeout
    while True:
        fail_on_bad_tasks(api)
        runs = api.runs()
        busy = [r for r in runs if r["state"] in ("queued", "running")]
        # Every scheduled DAG gets a run for its latest interval once it is parsed.
        waiting = scheduled_dags(api) - {r["dag_id"] for r in runs}
        if not busy and not waiting and runs:
            break
        if time.monotonic() > deadline:
            sys.exit(f"after {timeout} s, DAG runs still busy: {[(r['dag_id'], r['state']) for r in busy]}, "
                     f"DAGs without a run: {sorted(waiting)}")
        time.sleep(2)
    for r in sorted(runs, key=lambda r: r["dag_id"]):
        print(f"  {r['dag_id']}: {r['run_type']} run {r['state']}")
    failed = [r["dag_id"] for r in runs if r["state"] != "success"]
    if failed:
        sys.exit(f"DAG runs that did not succeed: {failed}")
    print(f"airflow: {len(runs)} scheduled DAG runs succeeded")


def run(api, dag, logical_date, conf, timeout):
    started = time.monotonic()
    body = {"logical_date": f"{logical_date}T00:00:00Z", "conf": json.loads(conf)}
    created = api.call("POST", f"/api/v2/dags/{dag}/dagRuns", body)
    run_id = created["dag_run_id"]
    while True:
        fail_on_bad_tasks(api, dag, run_id)
        state = api.call("GET", f"/api/v2/dags/{dag}/dagRuns/{run_id}")["state"]
        if state == "success":
            print(f"airflow: {dag} for {logical_date} succeeded in {time.monotonic() - started:.0f} s")
            return
        if state == "failed":
            sys.exit(f"{dag} run {run_id} failed")
        if time.monotonic() - started > timeout:
            sys.exit(f"{dag} run {run_id} still {state} after {timeout} s")
        time.sleep(2)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=("settle", "run"))
    parser.add_argument("url")
    parser.add_argument("passwords")
    parser.add_argument("dag", nargs="?")
    parser.add_argument("logical_date", nargs="?")
    parser.add_argument("--conf", default="{}")
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    api = Api(args.url, args.passwords)
    if args.command == "settle":
        settle(api, args.timeout)
    else:
        if not args.dag or not args.logical_date:
            parser.error("run needs DAG and LOGICAL_DATE")
        run(api, args.dag, args.logical_date, args.conf, args.timeout)


if __name__ == "__main__":
    main()
