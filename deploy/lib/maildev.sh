#!/usr/bin/env bash
# SMTP sink for the notification tests: maildev 2.2.1 (pinned with checksums in
# deploy/maildev/package-lock.json), installed with `npm ci` into a cache dir outside the repo.
#   maildev.sh start  -> starts it on 127.0.0.1 (free ports), waits for /healthz and prints
#                        `PROCTORWISE_TEST_SMTP=127.0.0.1:<smtp>` and
#                        `PROCTORWISE_TEST_MAILDEV_API=http://127.0.0.1:<web>` (eval-able lines)
#   maildev.sh stop   -> stops the instance it started (by its PID file)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

base="${XDG_CACHE_HOME:-$HOME/.cache}/proctorwise/maildev"
pidfile="$base/maildev.pid"

stop() {
  if [ -f "$pidfile" ]; then
    kill "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
  fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
  need npm "install Node.js 20 or newer"
  mkdir -p "$base"
  if ! cmp -s "$repo_root/deploy/maildev/package-lock.json" "$base/package-lock.json" \
      || [ ! -x "$base/node_modules/.bin/maildev" ]; then
    cp "$repo_root/deploy/maildev/package.json" "$repo_root/deploy/maildev/package-lock.json" "$base/"
    (cd "$base" && npm ci --no-audit --no-fund --loglevel=error >&2)
  fi
  stop
  local smtp web
  smtp="$(free_port)"
  web="$(free_port)"
  mkdir -p "$base/mails"
  "$base/node_modules/.bin/maildev" --ip 127.0.0.1 --web-ip 127.0.0.1 --smtp "$smtp" --web "$web" \
    --mail-directory "$base/mails" >"$base/maildev.log" 2>&1 &
  echo $! >"$pidfile"
  for _ in $(seq 1 100); do
    if curl -fsS "http://127.0.0.1:$web/healthz" >/dev/null 2>&1; then
      echo "PROCTORWISE_TEST_SMTP=127.0.0.1:$smtp"
      echo "PROCTORWISE_TEST_MAILDEV_API=http://127.0.0.1:$web"
      return 0
    fi
    sleep 0.2
  done
  cat "$base/maildev.log" >&2
  stop
  die "maildev did not become ready"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) die "usage: maildev.sh start|stop" ;;
esac
