#!/usr/bin/env bash
# Runs compose.yaml as a whole on this machine and checks that the topology works, then removes it:
#   1. the images (build.sh: a Debian base by mmdebstrap, the host's release binaries copied in);
#   2. `podman-compose up` (podman-compose pinned, from PyPI, in a cached venv) in a scratch
#      folder holding a copy of compose.yaml, a generated .env (random secrets, the demo accounts)
#      and a certificate made by openssl; the `airflow` profile too unless AIRFLOW=0;
#   3. checks: the three Galera containers form one cluster of 3 Synced nodes; both replicas
#      answer /ready on their Galera node with the Kafka sink; nginx answers over TLS on
#      127.0.0.1 and a demo student signs in through it (the form, its CSRF token, the session
#      cookie) on whichever replica; Airflow's scheduler and DAG processor are healthy and its
#      DAGs are parsed.
#   4. `podman-compose down -v` (KEEP=1 leaves it running, with the commands to reach it).
#
# Usage: deploy/containers/smoke.sh   (SMOKE_PORT, default 18443; AIRFLOW_PORT, default 18080)
# In a sandbox that forbids raising resource limits (the development machine), give podman a
# configuration: CONTAINERS_CONF=deploy/containers/sandbox.conf (runc, lower default ulimits).
# Podman without systemd runs no periodic health checks, so this script runs each container's
# check itself while it waits (compose's `service_healthy` conditions depend on them).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
here="$repo_root/deploy/containers"
port="${SMOKE_PORT:-18443}"
airflow_port="${AIRFLOW_PORT:-18080}"
project=pwsmoke
if [ -n "${CONTAINERS_CONF:-}" ]; then # absolute: the compose commands run in the scratch folder
  CONTAINERS_CONF="$(cd "$(dirname "$CONTAINERS_CONF")" && pwd)/$(basename "$CONTAINERS_CONF")"
  export CONTAINERS_CONF
fi

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  log "images"
  "$here/build.sh"
fi

venv="${XDG_CACHE_HOME:-$HOME/.cache}/proctorwise/podman-compose-1.6.0"
if [ ! -x "$venv/bin/podman-compose" ]; then
  log "podman-compose 1.6.0 (PyPI) into $venv"
  python3 -m venv "$venv" || { apt_ensure python3-venv; python3 -m venv "$venv"; }
  "$venv/bin/pip" install -q --disable-pip-version-check podman-compose==1.6.0 PyYAML==6.0.2 python-dotenv==1.0.1
fi

work="$(mktemp -d -t proctorwise-compose.XXXXXX)"
compose() { (cd "$work" && "$venv/bin/podman-compose" -p "$project" --profile airflow "$@"); }
finish() {
  local status=$?
  kill "${checker:-}" 2>/dev/null || true
  if [ "$status" -ne 0 ]; then
    log "failed: the containers' last log lines"
    for c in $(podman ps -a --filter "label=io.podman.compose.project=$project" --format '{{.Names}}'); do
      echo "--- $c ($(podman inspect -f '{{.State.Status}} {{.State.Health.Status}}' "$c" 2>/dev/null))"
      podman logs --tail 15 "$c" 2>&1 || true
    done
  fi
  if [ "${KEEP:-0}" = 1 ]; then
    echo "kept running: https://127.0.0.1:$port (curl --cacert $work/tls/ca.pem), Airflow http://127.0.0.1:$airflow_port;"
    echo "  stop with: (cd $work && $venv/bin/podman-compose -p $project --profile airflow down -v)"
  else
    compose down -v >/dev/null 2>&1 || true
    rm -rf "$work"
  fi
  exit "$status"
}
trap finish EXIT

log "scratch folder $work: compose.yaml, .env, certificate"
cp "$here/compose.yaml" "$work/"
mkdir -p "$work/tls"
(
  cd "$work/tls"
  umask 077
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=ProctorWise smoke CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" -keyout ca.key -out ca.pem
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout key.pem -out server.csr
  printf '%s\n' "subjectAltName=DNS:localhost,IP:127.0.0.1" "extendedKeyUsage=serverAuth" >server.ext
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 -extfile server.ext -out cert.pem
  chmod 644 cert.pem key.pem ca.pem # read by nginx's user inside its container
) >/dev/null 2>&1 || die "openssl could not make the certificate"
cat >"$work/.env" <<ENV
DB_PASSWORD=$(openssl rand -hex 24)
PROCTORWISE_SECRET=$(openssl rand -hex 32)
PUBLIC_URL=https://localhost:$port
HTTPS_PORT=127.0.0.1:$port
AIRFLOW_PORT=$airflow_port
PROCTORWISE_BATCH_SCHEDULE=off
PROCTORWISE_DEMO=true
ENV

# Health checks, run by hand every 3 s (no systemd timers here).
(
  while true; do
    for c in $(podman ps --filter "label=io.podman.compose.project=$project" --format '{{.Names}}'); do
      podman healthcheck run "$c" >/dev/null 2>&1 || true
    done
    sleep 3
  done
) &
checker=$!

log "podman-compose up (Galera ×3, app ×2, kafka, smtp, nginx, airflow)"
t0=$SECONDS
compose up -d >"$work/up.log" 2>&1 || { tail -40 "$work/up.log"; die "podman-compose up failed"; }

container() { podman ps --filter "label=io.podman.compose.project=$project" \
  --filter "label=io.podman.compose.service=$1" --format '{{.Names}}' | head -1; }
wait_for() { # what seconds command…
  local what=$1 limit=$2 t=$SECONDS
  shift 2
  until "$@" >/dev/null 2>&1; do
    ((SECONDS - t < limit)) || die "$what: not after ${limit} s"
    sleep 2
  done
  echo "$what ($((SECONDS - t0)) s after up)"
}

cacert="$work/tls/ca.pem"
ready() { curl -fsS --max-time 5 --cacert "$cacert" "https://127.0.0.1:$port/ready"; }
wait_for "nginx answers /ready over TLS" 600 ready

# podman-compose on podman 4.3 does not hold a container back until what it depends on is
# healthy: the Galera joiners queue for a donor and a replica whose node is not ready yet exits
# and is restarted (restart: unless-stopped). The checks wait for the state that must come.
galera_status() { podman exec "$(container "$1")" mariadb -uroot -Nse "SHOW STATUS LIKE '$2'" 2>/dev/null | cut -f2; }
galera_synced() {
  local g
  [ "$(galera_status galera1 wsrep_cluster_size)" = 3 ] || return 1
  for g in galera1 galera2 galera3; do [ "$(galera_status "$g" wsrep_local_state_comment)" = Synced ] || return 1; done
}
wait_for "Galera: 3 nodes in one cluster, all Synced" 600 galera_synced

app_ready() { # app: /ready answers 200 and publishes to Kafka
  local body
  body="$(podman exec "$(container "$1")" bash -c \
    'exec 3<>/dev/tcp/127.0.0.1/8080; printf "GET /ready HTTP/1.0\r\n\r\n" >&3; cat <&3')" || return 1
  grep -q ' 200 ' <<<"$body" && grep -q '"sink":"kafka"' <<<"$body"
}
wait_for "app1 ready on galera1, publishing to Kafka" 300 app_ready app1
wait_for "app2 ready on galera2, publishing to Kafka" 300 app_ready app2

jar="$work/cookies"
login_page="$(curl -fsS --cacert "$cacert" -c "$jar" -b "$jar" "https://127.0.0.1:$port/login")"
csrf="$(sed -n 's/.*name="csrf_token"[^>]*value="\([^"]*\)".*/\1/p' <<<"$login_page" | head -1)"
[ -n "$csrf" ] || die "no CSRF token in the login form"
code="$(curl -sS --cacert "$cacert" -c "$jar" -b "$jar" -o /dev/null -w '%{http_code} %{redirect_url}' \
  --data-urlencode "csrf_token=$csrf" --data-urlencode "email=alice@student.com" \
  --data-urlencode "password=password123" "https://127.0.0.1:$port/login")"
[[ $code == 303* ]] || die "demo student's login answered $code"
for _ in 1 2 3 4; do # round robin: both replicas see the session
  page="$(curl -fsS --cacert "$cacert" -b "$jar" "https://127.0.0.1:$port/bookings")" || die "GET /bookings after login failed"
  grep -q 'Alice Martin' <<<"$page" || die "signed-in page does not show the student"
done
echo "nginx: a demo student signed in over TLS and stayed signed in across replicas"

airflow_health() {
  curl -fsS --max-time 5 "http://127.0.0.1:$airflow_port/api/v2/monitor/health" |
    python3 -c 'import json, sys; h = json.load(sys.stdin); sys.exit(0 if h["scheduler"]["status"] == h["dag_processor"]["status"] == "healthy" else 1)'
}
wait_for "Airflow: scheduler and DAG processor healthy" 300 airflow_health
dag_count() { # the DAGs Airflow has parsed (the JSON line of `dags list`, after any log line)
  podman exec "$(container airflow)" airflow dags list -o json 2>/dev/null |
    python3 -c 'import json, sys; print(len(json.loads([l for l in sys.stdin if l.startswith("[")][-1])))' 2>/dev/null || echo 0
}
eight_dags() { [ "$(dag_count)" = 8 ]; }
wait_for "Airflow: the eight DAGs parsed" 180 eight_dags
log "compose.yaml ran as a whole: every check passed ($((SECONDS - t0)) s)"
