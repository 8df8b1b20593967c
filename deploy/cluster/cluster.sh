#!/usr/bin/env bash
# The production topology of ProctorWise on one machine, every port on 127.0.0.1:
#   galera1..3  a 3-node MariaDB Galera cluster (SQL 3307-3309), database `proctorwise`
#   app1, app2  two ProctorWise replicas (8081, 8082), each on its own Galera node
#   nginx       TLS + HTTP/2 on 8443 in front of both replicas, static files from disk
#   kafka       a Kafka-protocol broker (tansu, deploy/lib/kafka.sh) on 19192
#   maildev     an SMTP sink with a web UI (deploy/lib/maildev.sh), on free ports
#   watch       health watcher: takes a replica out of nginx while its /ready fails
#   airflow     optional (CLUSTER_AIRFLOW=1 at `up`): Airflow 3.3.2 on 8790 runs the batch DAGs on
#               galera3 and the replicas' own batch scheduler is off (deploy/cluster/airflow-node.sh)
#
#   cluster.sh up              install what is missing (apt), start everything, print the status
#   cluster.sh down            stop everything it started (and nothing else); data is kept
#   cluster.sh status          each node: pid, port, health
#   cluster.sh kill NODE       crash a node (SIGKILL); kafka is frozen instead (SIGSTOP: README.md)
#   cluster.sh restart NODE    (re)start a node: a Galera node rejoins by IST, a replica waits
#                              until it is ready, a frozen kafka resumes
#   cluster.sh wipe            down, then delete the state directory (databases, logs, keys)
#   cluster.sh airflow ARGS…   the airflow command line of the Airflow node (e.g. dags list-runs)
# NODE: galera1 galera2 galera3 app1 app2 nginx kafka maildev watch (airflow)
#
# State, logs and data: CLUSTER_DIR (default ${XDG_STATE_HOME:-~/.local/state}/proctorwise-cluster).
# Binary: PROCTORWISE_BIN (default $CARGO_TARGET_DIR/release/proctorwise, or target/release/… in
# the checkout when CARGO_TARGET_DIR is unset). Other settings: deploy/cluster/README.md.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
# Decided before common.sh gives CARGO_TARGET_DIR the build scripts' default.
default_bin="${CARGO_TARGET_DIR:-$repo_root/target}/release/proctorwise"
# shellcheck source=../lib/common.sh
source "$repo_root/deploy/lib/common.sh"

CLUSTER_DIR="${CLUSTER_DIR:-${XDG_STATE_HOME:-$HOME/.local/state}/proctorwise-cluster}"
[ "${1:-}" != _watch ] || CLUSTER_DIR="$2" # the watcher is told its cluster on its command line
state_file="$CLUSTER_DIR/cluster.env"

# Settings of `up`. Later commands read the values `up` recorded in $state_file, so that they
# address the cluster that is running whatever the caller's environment says.
settings=(PROCTORWISE_BIN CLUSTER_SQL_PORT CLUSTER_GCOMM_PORT CLUSTER_SST_PORT CLUSTER_APP_PORT
  CLUSTER_HTTPS_PORT CLUSTER_KAFKA_PORT CLUSTER_STATIC_DIR CLUSTER_MODELS_DIR CLUSTER_MAX_BODY_BYTES
  CLUSTER_STATIC_CACHE_CONTROL CLUSTER_TIMEOUT GALERA_PROVIDER CLUSTER_AIRFLOW CLUSTER_AIRFLOW_PORT
  CLUSTER_BATCH_BIN)
load_settings() {
  PROCTORWISE_BIN="${PROCTORWISE_BIN:-$default_bin}"
  CLUSTER_SQL_PORT="${CLUSTER_SQL_PORT:-3307}"     # galera1; galera2 +1, galera3 +2
  CLUSTER_GCOMM_PORT="${CLUSTER_GCOMM_PORT:-4567}" # galera1 (IST: +1); +10 per node
  CLUSTER_SST_PORT="${CLUSTER_SST_PORT:-4444}"     # galera1 (rsync SST); +10 per node
  CLUSTER_APP_PORT="${CLUSTER_APP_PORT:-8081}"     # app1; app2 +1
  CLUSTER_HTTPS_PORT="${CLUSTER_HTTPS_PORT:-8443}"
  CLUSTER_KAFKA_PORT="${CLUSTER_KAFKA_PORT:-19192}"
  CLUSTER_STATIC_DIR="${CLUSTER_STATIC_DIR:-${PROCTORWISE_STATIC_DIR:-$repo_root/static}}"
  CLUSTER_MODELS_DIR="${CLUSTER_MODELS_DIR:-${PROCTORWISE_MODELS_DIR:-$repo_root/models}}"
  CLUSTER_MAX_BODY_BYTES="${CLUSTER_MAX_BODY_BYTES:-${PROCTORWISE_MAX_BODY_BYTES:-2097152}}"
  # The server's static URLs carry no content hash: after an upgrade that changes static/, a
  # browser keeps its cached copy for this long. Lower it (e.g. "public, max-age=300") if that matters.
  CLUSTER_STATIC_CACHE_CONTROL="${CLUSTER_STATIC_CACHE_CONTROL:-public, max-age=31536000, immutable}"
  CLUSTER_TIMEOUT="${CLUSTER_TIMEOUT:-180}"        # seconds a node may take to be Synced / ready
  GALERA_PROVIDER="${GALERA_PROVIDER:-/usr/lib/galera/libgalera_smm.so}"
  CLUSTER_AIRFLOW="${CLUSTER_AIRFLOW:-0}"           # 1: the Airflow node runs the batch jobs
  CLUSTER_AIRFLOW_PORT="${CLUSTER_AIRFLOW_PORT:-8790}"
  # The batch binary Airflow's tasks run: beside the server binary by default.
  CLUSTER_BATCH_BIN="${CLUSTER_BATCH_BIN:-$(dirname "$PROCTORWISE_BIN")/proctorwise-batch}"
}
save_settings() {
  local name
  mkdir -p "$CLUSTER_DIR"
  for name in "${settings[@]}"; do printf '%s=%q\n' "$name" "${!name}"; done >"$state_file"
}
if [ "${1:-}" != up ] && [ -f "$state_file" ]; then
  # shellcheck disable=SC1090
  source "$state_file"
fi
load_settings

galera_nodes=(galera1 galera2 galera3)
app_nodes=(app1 app2)
all_nodes=(galera1 galera2 galera3 kafka maildev app1 app2 nginx watch)
[ "$CLUSTER_AIRFLOW" != 1 ] || all_nodes+=(airflow)

say() { printf '[cluster %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

# --- processes -----------------------------------------------------------------------------------

dir_of() { echo "$CLUSTER_DIR/$1"; }
num_of() { echo "${1//[!0-9]/}"; }
maildev_cache() { echo "$CLUSTER_DIR/cache"; } # maildev.sh keeps its files under $XDG_CACHE_HOME/proctorwise

pidfile_of() {
  case "$1" in
    kafka) echo "$CLUSTER_DIR/kafka/broker.pid" ;;                      # written by kafka.sh
    maildev) echo "$(maildev_cache)/proctorwise/maildev/maildev.pid" ;; # written by maildev.sh
    *) echo "$(dir_of "$1")/pid" ;;
  esac
}

# A pid file is trusted only while its process is still this cluster's node (never signal a
# recycled pid, never the MariaDB on 3306): its command line, or its working directory, says so.
is_ours() { # node pid
  local cmd
  cmd="$(tr '\0' ' ' 2>/dev/null <"/proc/$2/cmdline")" || return 1
  case "$1" in
    galera*) [[ $cmd == *mariadbd*"$(dir_of "$1")/my.cnf"* ]] ;;
    nginx) [[ $cmd == *nginx*"$(dir_of nginx)"* ]] ;;
    app*) [[ $cmd == *" serve"* && "$(readlink "/proc/$2/cwd")" == "$(dir_of "$1")" ]] ;;
    kafka) [[ $cmd == *tansu*"127.0.0.1:$CLUSTER_KAFKA_PORT"* ]] ;;
    maildev) [[ $cmd == *maildev*"$(maildev_cache)"* ]] ;;
    watch) [[ $cmd == *cluster.sh" _watch $CLUSTER_DIR"* ]] ;;
    airflow) [[ $cmd == *airflow-node.sh" _run $CLUSTER_DIR"* ]] ;;
    *) return 1 ;;
  esac
}

pid_of() { # prints the node's pid when it runs, else nothing
  local file pid
  file="$(pidfile_of "$1")"
  [ -s "$file" ] || return 0
  pid="$(cat "$file")"
  [[ $pid =~ ^[0-9]+$ ]] || return 0
  is_ours "$1" "$pid" || return 0
  echo "$pid"
}
alive() { [ -n "$(pid_of "$1")" ]; }

# Starts a command in its own session (so ^C on this script or its exit leaves it running), its
# pid in $1 (the inner shell writes its own pid, then execs the command), output appended to $2.
spawn() {
  local pidfile=$1 logfile=$2
  shift 2
  rm -f "$pidfile"
  # shellcheck disable=SC2016 # expanded by the inner shell
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@" >>"$logfile" 2>&1 </dev/null &
  disown $! 2>/dev/null || true
  for _ in $(seq 1 100); do [ -s "$pidfile" ] && return 0; sleep 0.05; done
  die "could not start $1 (see $logfile)"
}

# Signals a node. A process this script started with setsid leads its own process group, which
# is signalled whole (nginx's workers, a Galera node's SST helpers).
leads_group() { [ "$(ps -o pgid= -p "$1" 2>/dev/null | tr -d ' ')" = "$1" ]; }
signal_node() { # node signal
  local pid
  pid="$(pid_of "$1")"
  [ -n "$pid" ] || return 0
  if leads_group "$pid"; then
    kill -s "$2" -- "-$pid" 2>/dev/null || true
  else
    kill -s "$2" "$pid" 2>/dev/null || true
  fi
}

wait_gone() { # pid seconds
  local t0=$SECONDS
  while kill -0 "$1" 2>/dev/null; do
    ((SECONDS - t0 < $2)) || return 1
    sleep 0.2
  done
}

stop_node() { # graceful: SIGTERM, SIGKILL after 60 s
  local node=$1 pid leader=""
  pid="$(pid_of "$node")"
  [ -n "$pid" ] || return 0
  leads_group "$pid" && leader=1
  case "$node" in
    kafka) kafka_helper stop ;; # also resumes a frozen broker so that it handles SIGTERM
    maildev) XDG_CACHE_HOME="$(maildev_cache)" "$repo_root/deploy/lib/maildev.sh" stop ;;
    *) signal_node "$node" TERM ;;
  esac
  if ! wait_gone "$pid" 60; then
    say "$node (pid $pid) still running after 60 s: SIGKILL"
    signal_node "$node" KILL
    wait_gone "$pid" 10 || true
  fi
  # A process group whose leader is gone may leave members (e.g. an SST helper): end them too.
  [ -z "$leader" ] || kill -s KILL -- "-$pid" 2>/dev/null || true
  say "$node (pid $pid) stopped"
}

crash_node() { # SIGKILL, as a crash would
  local node=$1 pid
  pid="$(pid_of "$node")"
  [ -n "$pid" ] || die "$node is not running"
  signal_node "$node" KILL
  wait_gone "$pid" 10 || die "$node (pid $pid) survived SIGKILL"
  say "$node (pid $pid) killed with SIGKILL"
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# --- packages ------------------------------------------------------------------------------------

ensure_packages() {
  local pkgs=(mariadb-server mariadb-client mariadb-backup galera-4 socat iproute2 nginx openssl curl python3)
  local missing=() pkg policy=/usr/sbin/policy-rc.d created_policy=""
  for pkg in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  # The packages' own services (mariadb on 3306, nginx on 80) must not start: while installing,
  # invoke-rc.d is told no (policy-rc.d exit 101), unless the machine already has a policy.
  if [ ! -e "$policy" ] && [ "$(id -u)" -eq 0 ]; then
    printf '#!/bin/sh\n# deploy/cluster/cluster.sh: no service starts while it installs packages\nexit 101\n' >"$policy"
    chmod +x "$policy"
    created_policy=1
  fi
  apt_ensure "${missing[@]}" || { [ -z "$created_policy" ] || rm -f "$policy"; return 1; }
  [ -z "$created_policy" ] || rm -f "$policy"
}

need_bin() {
  [ -x "$PROCTORWISE_BIN" ] && return 0
  die "no ProctorWise binary at $PROCTORWISE_BIN
  build it with \`cargo build --release -p proctorwise --locked\` (it lands in \$CARGO_TARGET_DIR/release,
  ./target/release when CARGO_TARGET_DIR is unset; deploy/run.sh and deploy/test.sh use
  ~/.cache/proctorwise/target), or point PROCTORWISE_BIN at a built binary"
}

# --- templates -----------------------------------------------------------------------------------

render() { # template output KEY=value… : replaces every @KEY@
  local text pair
  text="$(cat "$1")"
  shift
  local out=$1
  shift
  for pair in "$@"; do text="${text//@${pair%%=*}@/${pair#*=}}"; done
  if [[ $text =~ @[A-Z0-9_]+@ ]]; then die "template placeholder ${BASH_REMATCH[0]} left unfilled in $out"; fi
  printf '%s\n' "$text" >"$out"
}

# --- Galera --------------------------------------------------------------------------------------

sql_port() { echo $((CLUSTER_SQL_PORT + $(num_of "$1") - 1)); }
gcomm_port() { echo $((CLUSTER_GCOMM_PORT + 10 * ($(num_of "$1") - 1))); }
ist_port() { echo $(($(gcomm_port "$1") + 1)); }
sst_port() { echo $((CLUSTER_SST_PORT + 10 * ($(num_of "$1") - 1))); }
mariadbd_bin() { command -v mariadbd || echo /usr/sbin/mariadbd; }

# Administration goes through the node's socket as the OS user running this script (unix_socket
# authentication: no password, not reachable over TCP); the replicas use their own account over TCP.
sqlq() { # node SQL… : tab-separated, no header
  local node=$1
  shift
  mariadb --no-defaults --socket="$(dir_of "$node")/mysqld.sock" -u"$(id -un)" --connect-timeout=3 -N -B -e "$*"
}
wsrep() { sqlq "$1" "SHOW GLOBAL STATUS LIKE '$2'" 2>/dev/null | cut -f2; }

write_cnf() {
  local node=$1 d addrs=() n
  d="$(dir_of "$node")"
  mkdir -p "$d/data" "$d/tmp"
  for n in "${galera_nodes[@]}"; do addrs+=("127.0.0.1:$(gcomm_port "$n")"); done
  render "$here/galera-node.cnf.template" "$d/my.cnf" \
    "DIR=$d" "USER=$(id -un)" "ADMIN=$(id -un)" "NAME=$node" "PROVIDER=$GALERA_PROVIDER" \
    "SQL_PORT=$(sql_port "$node")" "GCOMM_PORT=$(gcomm_port "$node")" \
    "IST_PORT=$(ist_port "$node")" "SST_PORT=$(sst_port "$node")" \
    "CLUSTER_ADDRESS=gcomm://$(IFS=,; echo "${addrs[*]}")"
}

launch_galera() { # node [mariadbd args…]
  local node=$1 d
  shift
  d="$(dir_of "$node")"
  spawn "$d/pid" "$d/stdout.log" "$(mariadbd_bin)" --defaults-file="$d/my.cnf" "$@"
  say "$node: mariadbd pid $(cat "$d/pid") (sql 127.0.0.1:$(sql_port "$node"), gcomm :$(gcomm_port "$node"), IST :$(ist_port "$node"), SST :$(sst_port "$node")) $*"
}

wait_synced() {
  local node=$1 t0=$SECONDS
  while ((SECONDS - t0 < CLUSTER_TIMEOUT)); do
    if ! alive "$node"; then
      tail -30 "$(dir_of "$node")/error.log" >&2 || true
      die "$node exited (log: $(dir_of "$node")/error.log)"
    fi
    if [ "$(wsrep "$node" wsrep_local_state_comment)" = Synced ] && [ "$(wsrep "$node" wsrep_ready)" = ON ]; then
      return 0
    fi
    sleep 0.5
  done
  die "$node not Synced after ${CLUSTER_TIMEOUT}s (log: $(dir_of "$node")/error.log)"
}

# The position InnoDB holds (uuid:seqno), so that a node that crashed asks for the write-sets it
# missed (IST from a peer's gcache) instead of a full copy (SST).
recover_position() {
  local d
  d="$(dir_of "$1")"
  rm -f "$d/recover.log"
  "$(mariadbd_bin)" --defaults-file="$d/my.cnf" --wsrep-recover --log-error="$d/recover.log" >/dev/null 2>&1 || true
  sed -n 's/.*WSREP: Recovered position: *\([0-9a-f-]*:-\{0,1\}[0-9]*\).*/\1/p' "$d/recover.log" 2>/dev/null | tail -1
}

start_galera() { # node [--wsrep-new-cluster] : (re)start an existing node, wait until Synced
  local node=$1 pos t0=$SECONDS errlog before how="without state transfer"
  shift
  errlog="$(dir_of "$node")/error.log"
  before="$(wc -l 2>/dev/null <"$errlog" || echo 0)"
  pos=""
  # A node with a state (not a new joiner, whose empty datadir the SST fills) recovers its position.
  [ ! -f "$(dir_of "$node")/data/grastate.dat" ] || pos="$(recover_position "$node")"
  if [ -n "$pos" ]; then
    launch_galera "$node" "$@" --wsrep_start_position="$pos"
  else
    launch_galera "$node" "$@"
  fi
  wait_synced "$node"
  # How it caught up, from what it logged since this start (a new joiner gets a full copy, then
  # the write-sets made meanwhile by IST).
  # (The mariabackup script runs for both and says which one it did.)
  if tail -n +"$((before + 1))" "$errlog" | grep -q 'SST completed on joiner'; then
    how="by SST (full copy)"
  elif tail -n +"$((before + 1))" "$errlog" | grep -qE 'IST completed on joiner|IST received'; then
    how="by IST (incremental: only the write-sets it missed)"
  fi
  say "$node Synced $how in $((SECONDS - t0)) s, cluster size $(wsrep "$node" wsrep_cluster_size)"
}

safe_to_bootstrap() { grep -q '^safe_to_bootstrap: *1' "$(dir_of "$1")/data/grastate.dat" 2>/dev/null; }

galera_up() {
  local n first=galera1 best=-1 pos seqno
  for n in "${galera_nodes[@]}"; do write_cnf "$n"; done
  if [ ! -d "$(dir_of galera1)/data/mysql" ]; then
    # A new cluster: only galera1 gets system tables; galera2/3 receive everything by SST.
    say "initialising galera1's datadir"
    mariadb-install-db --defaults-file="$(dir_of galera1)/my.cnf" --auth-root-authentication-method=socket \
      --auth-root-socket-user="$(id -un)" --skip-test-db >"$(dir_of galera1)/install-db.log" 2>&1 ||
      { cat "$(dir_of galera1)/install-db.log" >&2; die "mariadb-install-db failed"; }
    launch_galera galera1 --wsrep-new-cluster
    wait_synced galera1
  else
    # The cluster existed: bootstrap from the node Galera marked safe (the last one stopped),
    # else (everything crashed) from the most advanced one.
    first=""
    for n in "${galera_nodes[@]}"; do safe_to_bootstrap "$n" && { first=$n; break; }; done
    if [ -z "$first" ]; then
      for n in "${galera_nodes[@]}"; do
        [ -d "$(dir_of "$n")/data/mysql" ] || continue
        pos="$(recover_position "$n")"
        seqno="${pos##*:}"
        if [ -n "$pos" ] && ((seqno > best)); then best=$seqno first=$n; fi
      done
      [ -n "$first" ] || die "no Galera node has a usable state; \`$0 wipe\` starts from scratch"
      sed -i 's/^safe_to_bootstrap:.*/safe_to_bootstrap: 1/' "$(dir_of "$first")/data/grastate.dat"
      say "no node was stopped last cleanly: bootstrapping from $first (seqno $best)"
    fi
    say "existing cluster: bootstrapping from $first"
    start_galera "$first" --wsrep-new-cluster
  fi
  # One joiner at a time: an rsync donor serves one SST at a time.
  for n in "${galera_nodes[@]}"; do
    [ "$n" = "$first" ] && continue
    start_galera "$n"
  done
}

# The application database and its account, created once (DDL replicates to every node).
galera_database() {
  local pw_file="$CLUSTER_DIR/db-password"
  [ -s "$pw_file" ] || (umask 077 && openssl rand -hex 24 >"$pw_file")
  sqlq galera1 "CREATE DATABASE IF NOT EXISTS proctorwise CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
    CREATE USER IF NOT EXISTS 'proctorwise'@'127.0.0.1' IDENTIFIED BY '$(cat "$pw_file")';
    GRANT ALL PRIVILEGES ON proctorwise.* TO 'proctorwise'@'127.0.0.1';"
}

# --- Kafka and SMTP (the repository's own helpers) -----------------------------------------------

kafka_start() {
  mkdir -p "$CLUSTER_DIR/kafka"
  # setsid: the broker gets its own session, out of reach of this script's terminal.
  KAFKA_TEST_PORT="$CLUSTER_KAFKA_PORT" KAFKA_RUN_DIR="$CLUSTER_DIR/kafka" \
    setsid -w "$repo_root/deploy/lib/kafka.sh" start >/dev/null
  say "kafka (tansu) pid $(pid_of kafka) on 127.0.0.1:$CLUSTER_KAFKA_PORT"
}

# maildev.sh picks two free ports; they are recorded for the replicas' SMTP_URL.
maildev_start() {
  local out smtp web
  out="$(XDG_CACHE_HOME="$(maildev_cache)" setsid -w "$repo_root/deploy/lib/maildev.sh" start)"
  smtp="$(sed -n 's/^PROCTORWISE_TEST_SMTP=//p' <<<"$out")"
  web="$(sed -n 's/^PROCTORWISE_TEST_MAILDEV_API=//p' <<<"$out")"
  if [ -z "$smtp" ] || [ -z "$web" ]; then die "maildev.sh did not print its ports: $out"; fi
  printf 'MAILDEV_SMTP=%q\nMAILDEV_WEB=%q\n' "$smtp" "$web" >"$CLUSTER_DIR/maildev.env"
  say "maildev pid $(pid_of maildev): SMTP $smtp, web $web"
}
maildev_var() { # MAILDEV_SMTP | MAILDEV_WEB
  [ -f "$CLUSTER_DIR/maildev.env" ] || return 0
  (
    # shellcheck disable=SC1091
    source "$CLUSTER_DIR/maildev.env"
    echo "${!1}"
  )
}

# --- ProctorWise replicas ------------------------------------------------------------------------

app_port() { echo $((CLUSTER_APP_PORT + $(num_of "$1") - 1)); }
db_node_of() { echo "galera$(num_of "$1")"; } # app1 → galera1, app2 → galera2

# Each replica's environment, written at `up` and reused by `restart`.
write_app_env() {
  local app=$1 d name
  d="$(dir_of "$app")"
  mkdir -p "$d/data" "$CLUSTER_DIR/shared/frames" "$CLUSTER_DIR/shared/batch"
  {
    echo "# Environment of $app, written by cluster.sh up (restart reuses it)."
    # Settings given to `up` that this file does not set itself pass through to both replicas.
    for name in $(compgen -e | grep -E '^(PROCTORWISE_|RUST_LOG$|HDFS_URL$|KAFKA_TOPIC_PARTITIONS$)' |
      grep -vE '^PROCTORWISE_(BIN|TEST_.*)$'); do
      printf 'export %s=%q\n' "$name" "${!name}"
    done
    # The sqlx URL names one host: each replica talks to one Galera node. When that node fails,
    # its replica's connections fail with it (it answers 503) and nginx routes around the replica;
    # the other replica, on a live node, carries the load. Two replicas, two different nodes.
    printf 'export DATABASE_URL=%q\n' \
      "mysql://proctorwise:$(cat "$CLUSTER_DIR/db-password")@127.0.0.1:$(sql_port "$(db_node_of "$app")")/proctorwise"
    printf 'export PROCTORWISE_BIND=%q\n' "127.0.0.1:$(app_port "$app")"
    # Links and Secure cookies use the address clients see: nginx's.
    printf 'export PROCTORWISE_PUBLIC_URL=%q\n' "https://127.0.0.1:$CLUSTER_HTTPS_PORT"
    printf 'export PROCTORWISE_TRUST_PROXY=true\n'
    # A replica whose Galera node is gone answers 503 within 2 s instead of holding requests
    # for 10 s, so nginx and its watcher route around it quickly.
    printf 'export PROCTORWISE_DB_ACQUIRE_TIMEOUT_MS=%q\n' "${PROCTORWISE_DB_ACQUIRE_TIMEOUT_MS:-5000}"
    # Shared by both replicas: API tokens, sessions and CSRF tokens are valid whichever answers.
    printf 'export PROCTORWISE_SECRET=%q\n' "$(cat "$CLUSTER_DIR/secret.key")"
    printf 'export PROCTORWISE_REPLICA_ID=%q\n' "$app"
    printf 'export PROCTORWISE_DATA_DIR=%q\n' "$d/data"
    # One frame store and one batch output folder for both replicas.
    printf 'export PROCTORWISE_FRAME_DIR=%q\n' "$CLUSTER_DIR/shared/frames"
    printf 'export PROCTORWISE_BATCH_DIR=%q\n' "$CLUSTER_DIR/shared/batch"
    # Both replicas keep the embedded batch scheduler (PROCTORWISE_BATCH_SCHEDULE, default on):
    # a scheduled run is claimed by its unique job:period key, so the first replica runs it and
    # the other skips it, and the jobs still run while one replica is down.
    printf 'export PROCTORWISE_STATIC_DIR=%q\n' "$CLUSTER_STATIC_DIR"
    printf 'export PROCTORWISE_MODELS_DIR=%q\n' "$CLUSTER_MODELS_DIR"
    printf 'export PROCTORWISE_MAX_BODY_BYTES=%q\n' "$CLUSTER_MAX_BODY_BYTES"
    printf 'export NO_COLOR=1\n' # logs go to files
    printf 'export KAFKA_BROKERS=%q\n' "127.0.0.1:$CLUSTER_KAFKA_PORT"
    printf 'export KAFKA_REPLICATION_FACTOR=1\n' # one broker
    printf 'export SMTP_URL=%q\n' "smtp://$(maildev_var MAILDEV_SMTP)"
    # With the Airflow node, Airflow alone schedules the batch jobs.
    [ "$CLUSTER_AIRFLOW" != 1 ] || printf 'export PROCTORWISE_BATCH_SCHEDULE=off\n'
  } >"$d/app.env"
  chmod 600 "$d/app.env"
}

http_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$@" || true; }

start_app() {
  local app=$1 d t0=$SECONDS code
  d="$(dir_of "$app")"
  need_bin
  [ -f "$d/app.env" ] || die "$app has no environment yet: run \`$0 up\`"
  alive "$(db_node_of "$app")" || say "warning: $(db_node_of "$app") is down: $app will answer 503 until it is back"
  (
    set -a
    # shellcheck disable=SC1091
    source "$d/app.env"
    set +a
    cd "$d"
    spawn "$d/pid" "$d/app.log" "$PROCTORWISE_BIN" serve
  )
  say "$app: pid $(cat "$d/pid") on 127.0.0.1:$(app_port "$app") (database: $(db_node_of "$app"), log: $d/app.log)"
  while ((SECONDS - t0 < CLUSTER_TIMEOUT)); do
    alive "$app" || { tail -20 "$d/app.log" >&2; die "$app exited (log: $d/app.log)"; }
    code="$(http_code "http://127.0.0.1:$(app_port "$app")/ready")"
    [ "$code" = 200 ] && { say "$app ready in $((SECONDS - t0)) s"; return 0; }
    sleep 0.5
  done
  die "$app not ready after ${CLUSTER_TIMEOUT}s (log: $d/app.log)"
}

# --- nginx ---------------------------------------------------------------------------------------

nginx_bin() { command -v nginx || echo /usr/sbin/nginx; }

write_nginx_conf() {
  local d user_line="" mime=/etc/nginx/mime.types
  d="$(dir_of nginx)"
  mkdir -p "$d/tls" "$d/tmp"
  [ -f "$mime" ] || die "$mime is missing (Debian package nginx-common)"
  # As root, the workers run as root too: they read CLUSTER_DIR, by default under root's home.
  # (A real deployment runs them as www-data with the files readable by it.)
  [ "$(id -u)" -ne 0 ] || user_line="user root;"
  [ -f "$d/upstream.conf" ] || write_upstream
  render "$here/nginx.conf.template" "$d/nginx.conf" \
    "DIR=$d" "USER_LINE=$user_line" "MIME_TYPES=$mime" "LISTEN=127.0.0.1:$CLUSTER_HTTPS_PORT" \
    "APP1_PORT=$(app_port app1)" "APP2_PORT=$(app_port app2)" "STATIC_DIR=$CLUSTER_STATIC_DIR" \
    "MAX_BODY_BYTES=$CLUSTER_MAX_BODY_BYTES" "STATIC_CACHE_CONTROL=$CLUSTER_STATIC_CACHE_CONTROL"
}

# A certificate for localhost and 127.0.0.1 signed by a CA of this cluster, made once. Clients
# trust ca.pem (curl --cacert, the load generator's --ca); strict TLS clients refuse a
# self-signed certificate that is its own CA as a server certificate.
ensure_cert() {
  local tls
  tls="$(dir_of nginx)/tls"
  mkdir -p "$tls"
  [ -s "$tls/ca.pem" ] && [ -s "$tls/cert.pem" ] && [ -s "$tls/key.pem" ] && return 0
  (
    umask 077
    openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=ProctorWise cluster CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
      -keyout "$tls/ca.key" -out "$tls/ca.pem" &&
      openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$tls/key.pem" -out "$tls/server.csr" &&
      printf '%s\n' "subjectAltName=DNS:localhost,IP:127.0.0.1" "basicConstraints=CA:FALSE" \
        "keyUsage=critical,digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth" >"$tls/server.ext" &&
      openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial \
        -days 825 -extfile "$tls/server.ext" -out "$tls/cert.pem"
  ) >/dev/null 2>&1 || die "openssl could not make the certificates"
  say "certificate $tls/cert.pem, signed by the cluster's CA $tls/ca.pem"
}

nginx_nginx() { "$(nginx_bin)" -p "$(dir_of nginx)" -c "$(dir_of nginx)/nginx.conf" -e "$(dir_of nginx)/error.log" "$@"; }

start_nginx() {
  local d t0=$SECONDS
  d="$(dir_of nginx)"
  write_nginx_conf
  ensure_cert
  local check
  check="$(nginx_nginx -t -q 2>&1)" || die "nginx rejects $d/nginx.conf: $check"
  [ -z "$check" ] || printf '%s\n' "$check" >&2
  spawn "$d/pid" "$d/stdout.log" "$(nginx_bin)" -p "$d" -c "$d/nginx.conf" -e "$d/error.log"
  while ((SECONDS - t0 < 20)); do
    alive nginx || { tail -20 "$d/error.log" >&2; die "nginx exited (log: $d/error.log)"; }
    if [ "$(http_code -k "https://127.0.0.1:$CLUSTER_HTTPS_PORT/health")" = 200 ]; then
      say "nginx pid $(cat "$d/pid"): https://127.0.0.1:$CLUSTER_HTTPS_PORT"
      return 0
    fi
    sleep 0.3
  done
  die "nginx does not answer on https://127.0.0.1:$CLUSTER_HTTPS_PORT (log: $d/error.log)"
}

# nginx's upstream servers; arguments: the replicas to mark down.
write_upstream() {
  local n line
  mkdir -p "$(dir_of nginx)"
  for n in "${app_nodes[@]}"; do
    line="server 127.0.0.1:$(app_port "$n") max_fails=3 fail_timeout=5s"
    [[ " $* " == *" $n "* ]] && line+=" down"
    echo "$line; # $n"
  done >"$(dir_of nginx)/upstream.conf.new"
  mv "$(dir_of nginx)/upstream.conf.new" "$(dir_of nginx)/upstream.conf"
}

# --- health watcher --------------------------------------------------------------------------------
# nginx (open source) only notices a failing replica from the requests it sends there. A replica
# whose Galera node died still accepts connections, but its requests wait for a database
# connection (the pool's acquire timeout) before failing, so passive checks alone would leave half
# the users waiting. The watcher probes every replica's /ready every 2 s (3 s timeout), marks a
# replica down in nginx's upstream after one failed probe, up again after two good ones, and
# reloads nginx when that changes. When no replica is ready, both stay in (nginx keeps trying).

cmd_watch() {
  local n code last="" want
  declare -A good=()
  for n in "${app_nodes[@]}"; do good[$n]=2; done
  say "health watcher started"
  while true; do
    for n in "${app_nodes[@]}"; do
      curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://127.0.0.1:$(app_port "$n")/ready" \
        >"$CLUSTER_DIR/watch/$n.code" 2>/dev/null &
    done
    wait || true
    want=""
    for n in "${app_nodes[@]}"; do
      code="$(cat "$CLUSTER_DIR/watch/$n.code" 2>/dev/null || true)"
      if [ "$code" = 200 ]; then good[$n]=$((${good[$n]} + 1)); else good[$n]=0; fi
      # Down at once; back after two good probes in a row (no flapping on a single answer).
      if [ "${good[$n]}" -eq 0 ] || { [[ " $last " == *" $n "* ]] && [ "${good[$n]}" -lt 2 ]; }; then want+=" $n"; fi
    done
    want="${want# }"
    [ "$(wc -w <<<"$want")" -lt "${#app_nodes[@]}" ] || want="" # none ready: keep them all
    if [ "$want" != "$last" ]; then
      # shellcheck disable=SC2086 # one argument per replica
      write_upstream $want
      if [ -n "$(pid_of nginx)" ]; then kill -HUP "$(pid_of nginx)" 2>/dev/null || true; fi
      if [ -n "$want" ]; then say "nginx upstream: $want out (/ready fails), reloaded"; else say "nginx upstream: every replica in, reloaded"; fi
      last="$want"
    fi
    sleep 2
  done
}

start_watch() {
  local d
  d="$(dir_of watch)"
  mkdir -p "$d"
  spawn "$d/pid" "$d/watch.log" bash "$here/cluster.sh" _watch "$CLUSTER_DIR"
  say "health watcher pid $(cat "$d/pid") (log: $d/watch.log)"
}

# --- Airflow (optional) ----------------------------------------------------------------------------

# shellcheck source=airflow-node.sh
source "$here/airflow-node.sh"

# --- commands ------------------------------------------------------------------------------------

cmd_up() {
  local n running=() port
  for n in "${all_nodes[@]}"; do alive "$n" && running+=("$n"); done
  [ ${#running[@]} -eq 0 ] || die "already running: ${running[*]} (\`$0 status\`, \`$0 restart NODE\`, \`$0 down\`)"
  need_bin
  [ -d "$CLUSTER_STATIC_DIR" ] || die "no static folder at $CLUSTER_STATIC_DIR (set CLUSTER_STATIC_DIR)"
  [ -f "$CLUSTER_STATIC_DIR/vendor/htmx.min.js" ] ||
    say "warning: $CLUSTER_STATIC_DIR/vendor/ is missing: run deploy/lib/assets.sh (pages load without htmx)"
  [ -d "$CLUSTER_STATIC_DIR/detector" ] ||
    say "warning: $CLUSTER_STATIC_DIR/detector/ is missing: run deploy/lib/detector.sh (the exam page falls back to server analysis)"
  for port in "$CLUSTER_SQL_PORT" $((CLUSTER_SQL_PORT + 1)) $((CLUSTER_SQL_PORT + 2)) \
    "$CLUSTER_GCOMM_PORT" $((CLUSTER_GCOMM_PORT + 10)) $((CLUSTER_GCOMM_PORT + 20)) \
    "$CLUSTER_APP_PORT" $((CLUSTER_APP_PORT + 1)) "$CLUSTER_HTTPS_PORT" "$CLUSTER_KAFKA_PORT" \
    $([ "$CLUSTER_AIRFLOW" != 1 ] || echo "$CLUSTER_AIRFLOW_PORT"); do
    port_busy "$port" && die "127.0.0.1:$port is already in use (ports: deploy/cluster/README.md)"
  done
  ensure_packages
  mkdir -p "$CLUSTER_DIR"
  save_settings
  [ -s "$CLUSTER_DIR/secret.key" ] || (umask 077 && openssl rand -hex 32 >"$CLUSTER_DIR/secret.key")
  local t0=$SECONDS

  log "Galera cluster (3 nodes)"
  galera_up
  galera_database
  log "Kafka-protocol broker and SMTP sink"
  kafka_start
  maildev_start
  log "ProctorWise replicas"
  for n in "${app_nodes[@]}"; do write_app_env "$n"; done
  # One after the other: the first applies the migrations (and seeds the demo data on an empty
  # database) before the second starts.
  for n in "${app_nodes[@]}"; do start_app "$n"; done
  log "nginx (TLS, HTTP/2) and its health watcher"
  write_upstream
  start_nginx
  start_watch
  if [ "$CLUSTER_AIRFLOW" = 1 ]; then
    log "Airflow (the batch jobs' scheduler; the replicas' own is off)"
    write_airflow_env
    start_airflow
  fi
  log "up in $((SECONDS - t0)) s: https://127.0.0.1:$CLUSTER_HTTPS_PORT (curl --cacert $(dir_of nginx)/tls/ca.pem)"
  cmd_status
}

cmd_down() {
  local n
  # Front to back: watcher, nginx, replicas, broker and SMTP sink, then the Galera nodes one by one (the
  # last one stopped is marked safe to bootstrap the next `up` from).
  for n in airflow watch nginx app2 app1 maildev kafka galera3 galera2 galera1; do stop_node "$n"; done
  say "everything stopped (state kept in $CLUSTER_DIR; \`$0 wipe\` deletes it)"
}

cmd_wipe() {
  cmd_down
  case "$CLUSTER_DIR" in
    "" | / | "$HOME") die "refusing to delete CLUSTER_DIR=$CLUSTER_DIR" ;;
  esac
  rm -rf "$CLUSTER_DIR"
  say "deleted $CLUSTER_DIR"
}

row() { printf '%-8s %-8s %-22s %s\n' "$@"; }

cmd_status() {
  local n pid health code body
  row NODE PID ADDRESS HEALTH
  for n in "${galera_nodes[@]}"; do
    pid="$(pid_of "$n")"
    if [ -z "$pid" ]; then health=down; else
      health="$(wsrep "$n" wsrep_local_state_comment) cluster_size=$(wsrep "$n" wsrep_cluster_size) $(wsrep "$n" wsrep_cluster_status)"
    fi
    row "$n" "${pid:--}" "127.0.0.1:$(sql_port "$n")" "$health"
  done
  pid="$(pid_of kafka)"
  if [ -z "$pid" ]; then health=down; elif frozen "$pid"; then health="frozen (SIGSTOP): unreachable, log kept"
  elif port_busy "$CLUSTER_KAFKA_PORT"; then health="accepts connections"; else health="not listening"; fi
  row kafka "${pid:--}" "127.0.0.1:$CLUSTER_KAFKA_PORT" "$health"
  pid="$(pid_of maildev)"
  if [ -z "$pid" ]; then health=down; else
    health="web $(maildev_var MAILDEV_WEB)/healthz → $(http_code "$(maildev_var MAILDEV_WEB)/healthz")"
  fi
  row maildev "${pid:--}" "$(maildev_var MAILDEV_SMTP)" "$health"
  for n in "${app_nodes[@]}"; do
    pid="$(pid_of "$n")"
    if [ -z "$pid" ]; then health=down; else
      body="$(curl -s --max-time 4 -w ' %{http_code}' "http://127.0.0.1:$(app_port "$n")/ready" || true)"
      code="${body##* }"
      [ "$code" != 000 ] || code="no answer in 4 s"
      health="/ready → ${code:-no answer} (database $(db_node_of "$n")"
      if grep -q " down; # $n\$" "$(dir_of nginx)/upstream.conf" 2>/dev/null; then health+=", out of nginx"; fi
      if grep -q '"events":{[^}]*"status":"lagging"' <<<"$body"; then health+=", events lagging"; fi
      health+=")"
    fi
    row "$n" "${pid:--}" "127.0.0.1:$(app_port "$n")" "$health"
  done
  pid="$(pid_of nginx)"
  if [ -z "$pid" ]; then health=down; else
    health="$(curl -sk --max-time 4 -o /dev/null -w 'https /ready → %{http_code} over HTTP/%{http_version}' \
      "https://127.0.0.1:$CLUSTER_HTTPS_PORT/ready" || echo 'no answer')"
  fi
  row nginx "${pid:--}" "127.0.0.1:$CLUSTER_HTTPS_PORT" "$health"
  pid="$(pid_of watch)"
  if [ -z "$pid" ]; then
    health=down
    if [ -n "$(pid_of nginx)" ]; then health+=" (nginx keeps its last upstream)"; fi
  else
    health="$(tail -1 "$(dir_of watch)/watch.log" 2>/dev/null | sed 's/^\[cluster [0-9:]*\] //')"
  fi
  row watch "${pid:--}" "-" "$health"
  if [ "$CLUSTER_AIRFLOW" = 1 ]; then
    pid="$(pid_of airflow)"
    if [ -z "$pid" ]; then health=down; else health="$(airflow_status)"; fi
    row airflow "${pid:--}" "127.0.0.1:$CLUSTER_AIRFLOW_PORT" "$health"
  fi
}

known_node() {
  local n
  for n in "${all_nodes[@]}"; do [ "$n" = "${1:-}" ] && return 0; done
  die "unknown node '${1:-}': one of ${all_nodes[*]}"
}

kafka_helper() { KAFKA_TEST_PORT="$CLUSTER_KAFKA_PORT" KAFKA_RUN_DIR="$CLUSTER_DIR/kafka" "$repo_root/deploy/lib/kafka.sh" "$@"; }
frozen() { [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = T ]; }

cmd_kill() {
  known_node "$1"
  if [ "$1" = kafka ]; then
    # The broker (tansu) keeps its log in memory only: after a SIGKILL it would come back empty,
    # which a real broker restarting on its log never does (the replicas' producer ids and
    # consumer offsets would be unknown to it). A crash that keeps the log is a frozen process:
    # unreachable until `restart kafka`, its topics, offsets and producer ids intact.
    local pid
    pid="$(pid_of kafka)"
    [ -n "$pid" ] || die "kafka is not running"
    kafka_helper pause
    say "kafka (pid $pid) frozen with SIGSTOP: unreachable, its log kept (\`$0 restart kafka\` resumes it)"
    return 0
  fi
  crash_node "$1"
}

cmd_restart() {
  local node=$1 n
  known_node "$node"
  [ -f "$state_file" ] || die "the cluster was never started here: \`$0 up\`"
  if [ "$node" = kafka ] && [ -n "$(pid_of kafka)" ] && frozen "$(pid_of kafka)"; then
    kafka_helper resume
    say "kafka (pid $(pid_of kafka)) resumed with its log: the replicas reconnect and deliver what waited in their outbox"
    return 0
  fi
  if [[ $node == galera* ]]; then
    local peers=0
    for n in "${galera_nodes[@]}"; do [ "$n" != "$node" ] && alive "$n" && peers=$((peers + 1)); done
    [ "$peers" -gt 0 ] || die "no other Galera node runs: there is nobody to rejoin (\`$0 down\` then \`$0 up\`)"
  fi
  stop_node "$node"
  case "$node" in
    galera*) start_galera "$node" ;;
    app*) start_app "$node" ;;
    nginx) start_nginx ;;
    watch) start_watch ;;
    airflow) start_airflow ;;
    kafka)
      kafka_start
      say "warning: a new, empty broker (its log was in memory): events already consumed are not replayed, the replicas create the topics again"
      ;;
    maildev)
      maildev_start
      # New ports: the replicas are restarted one after the other with the new SMTP_URL.
      for n in "${app_nodes[@]}"; do
        sed -i '/^export SMTP_URL=/d' "$(dir_of "$n")/app.env"
        printf 'export SMTP_URL=%q\n' "smtp://$(maildev_var MAILDEV_SMTP)" >>"$(dir_of "$n")/app.env"
        if alive "$n"; then stop_node "$n" && start_app "$n"; fi
      done
      ;;
  esac
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  kill) cmd_kill "${2:-}" ;;
  restart) cmd_restart "${2:-}" ;;
  wipe) cmd_wipe ;;
  airflow) shift; airflow_cli "$@" ;;
  _watch) cmd_watch ;;
  *)
    awk 'NR > 1 && /^#/ { print; next } NR > 1 { exit }' "$0" >&2
    exit 2
    ;;
esac
