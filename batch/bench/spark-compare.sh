#!/usr/bin/env bash
# The daily anomaly aggregation in polars and in Spark (local mode) on the same staged Parquet
# input; prints both times and their ratio. Needs Java 17 and Python 3 with pip.
#
#   batch/bench/spark-compare.sh DB_FILE [ANOMALIES]
#
# DB_FILE is a SQLite database made by `proctorwise-batch generate`; when it does not exist it
# is generated with ANOMALIES anomalies (default 10 000 000) and 1 M attempts.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../deploy/lib/common.sh"
cd "$repo_root"

db="${1:?usage: batch/bench/spark-compare.sh DB_FILE [ANOMALIES]}"
anomalies="${2:-10000000}"
need java "install Java 17 (Debian: openjdk-17-jre-headless)"
need python3 "install Python 3"

venv="${XDG_CACHE_HOME:-$HOME/.cache}/proctorwise/spark-venv"
if [ ! -x "$venv/bin/spark-submit" ]; then
    log "PySpark (pinned, hash-checked) into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --require-hashes -r batch/bench/spark-requirements.txt
fi

cargo build -p proctorwise-batch --locked --quiet --bin proctorwise-batch --example daily_compare
if [ ! -f "$db" ]; then
    log "generating $db ($anomalies anomalies)"
    DATABASE_URL="sqlite://$db?mode=rwc" "$CARGO_TARGET_DIR/debug/proctorwise-batch" generate \
        --students 100000 --exams 1000 --questions 10 --attempts 1000000 --anomalies "$anomalies"
fi

export SPARK_LOCAL_IP=127.0.0.1
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
log "polars: staging and aggregation"
polars="$("$CARGO_TARGET_DIR/debug/examples/daily_compare" --db "$db" --out "$out" | tee /dev/stderr)"
log "Spark (local[*]) on the same staged files"
started=$SECONDS
spark="$("$venv/bin/python" batch/bench/spark_daily.py "$out/input" "$out/spark" 2026-10-05 | tee /dev/stderr)"
echo "spark-submit wall time, JVM start included: $((SECONDS - started)) s"
p=$(sed -n 's/^polars aggregation: .* in \([0-9.]*\) s$/\1/p' <<<"$polars")
s=$(sed -n 's/^spark aggregation: .* in \([0-9.]*\) s$/\1/p' <<<"$spark")
python3 -c "print(f'aggregation time: polars {$p} s, Spark {$s} s, Spark/polars = {$s / max($p, 0.001):.1f}x')"
