#!/usr/bin/env bash
# Makes a MariaDB available for the integration suite and prints its URL on stdout.
# - PROCTORWISE_TEST_MARIADB_URL set: that server must answer, else fail (never skip).
# - else a server on 127.0.0.1:3306 (root, empty password) is used: every developer and CI machine has one.
# - else (a laptop without MariaDB) Debian's mariadb-server is installed and a private instance is
#   started on 127.0.0.1:3316 with its data under ~/.cache/proctorwise/mariadb; stop it with `mariadb.sh stop`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

port=3316
system_port="${PROCTORWISE_MARIADB_SYSTEM_PORT:-3306}"
base="${XDG_CACHE_HOME:-$HOME/.cache}/proctorwise/mariadb"

answers() { # host port
  mariadb --protocol=tcp -h "$1" -P "$2" -uroot -e 'SELECT 1' >/dev/null 2>&1
}

if [ "${1:-}" = stop ]; then
  [ -f "$base/mariadbd.pid" ] && kill "$(cat "$base/mariadbd.pid")" 2>/dev/null || true
  exit 0
fi

if [ -n "${PROCTORWISE_TEST_MARIADB_URL:-}" ]; then
  echo "$PROCTORWISE_TEST_MARIADB_URL"
  exit 0
fi

apt_ensure mariadb-client >&2
if answers 127.0.0.1 "$system_port"; then
  echo "mysql://root@127.0.0.1:$system_port"
  exit 0
fi
if (exec 3<>/dev/tcp/127.0.0.1/$system_port) 2>/dev/null; then
  die "something listens on 127.0.0.1:3306 but does not accept root without a password; set PROCTORWISE_TEST_MARIADB_URL"
fi
if answers 127.0.0.1 "$port"; then
  echo "mysql://root@127.0.0.1:$port"
  exit 0
fi

# No server: install and start a private one (the package's own service is not started).
if [ ! -x /usr/sbin/mariadbd ]; then
  if [ ! -e /usr/sbin/policy-rc.d ] && [ "$(id -u)" -eq 0 ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  fi
  apt_ensure mariadb-server >&2
fi
mkdir -p "$base"
# A throwaway test server runs as whoever runs the tests (root must say so explicitly).
user_opt=()
[ "$(id -u)" -eq 0 ] && user_opt=(--user=root)
if [ ! -d "$base/data/mysql" ]; then
  echo "initialising a private MariaDB in $base" >&2
  mariadb-install-db --no-defaults --datadir="$base/data" --auth-root-authentication-method=normal \
    --skip-test-db "${user_opt[@]}" >"$base/install.log" 2>&1 || { cat "$base/install.log" >&2; die "mariadb-install-db failed"; }
fi
setsid /usr/sbin/mariadbd --no-defaults --datadir="$base/data" --socket="$base/mariadb.sock" \
  --pid-file="$base/mariadbd.pid" --bind-address=127.0.0.1 --port="$port" \
  "${user_opt[@]}" >"$base/server.log" 2>&1 < /dev/null &
for _ in $(seq 1 60); do
  if mariadb --socket="$base/mariadb.sock" -uroot -e "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1'; GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;" >/dev/null 2>&1 \
    && answers 127.0.0.1 "$port"; then
    echo "private MariaDB started on 127.0.0.1:$port" >&2
    echo "mysql://root@127.0.0.1:$port"
    exit 0
  fi
  sleep 1
done
cat "$base/server.log" >&2
die "the private MariaDB did not start"
