#!/usr/bin/env bash
# Starts one Galera node of compose.yaml.
#   GALERA_NODE_NAME      this node's name and host name (galera1)
#   GALERA_CLUSTER        the peers, e.g. galera1,galera2,galera3
#   GALERA_BOOTSTRAP=1    on one node only: it starts a new cluster when none exists yet (first
#                         start), or when it is the node Galera marked safe to bootstrap from
#   MARIADB_DATABASE, MARIADB_USER, MARIADB_PASSWORD   created by the bootstrapping node
set -euo pipefail
: "${GALERA_NODE_NAME:?}" "${GALERA_CLUSTER:?}"
datadir=/var/lib/mysql
args=(--wsrep-node-name="$GALERA_NODE_NAME" --wsrep-node-address="$GALERA_NODE_NAME"
  --wsrep-cluster-address="gcomm://$GALERA_CLUSTER")

if [ ! -d "$datadir/mysql" ]; then
  # Without wsrep: the bootstrap server only writes the system tables.
  mariadb-install-db --user=mysql --datadir="$datadir" --skip-test-db --wsrep-on=OFF >/dev/null
  if [ "${GALERA_BOOTSTRAP:-0}" = 1 ]; then
    : "${MARIADB_DATABASE:?}" "${MARIADB_USER:?}" "${MARIADB_PASSWORD:?}"
    init=/run/mysqld/init.sql
    install -d -o mysql -g mysql /run/mysqld
    cat >"$init" <<SQL
CREATE DATABASE IF NOT EXISTS \`$MARIADB_DATABASE\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$MARIADB_USER'@'%' IDENTIFIED BY '$MARIADB_PASSWORD';
GRANT ALL PRIVILEGES ON \`$MARIADB_DATABASE\`.* TO '$MARIADB_USER'@'%';
SQL
    chown mysql:mysql "$init"
    args+=(--wsrep-new-cluster --init-file="$init")
  fi
elif [ "${GALERA_BOOTSTRAP:-0}" = 1 ] && grep -q '^safe_to_bootstrap: *1' "$datadir/grastate.dat" 2>/dev/null; then
  args+=(--wsrep-new-cluster)
else
  # Rejoin from the position InnoDB recovered: the peers send the missing write-sets (IST).
  position="$(mariadbd --user=mysql --wsrep-recover --log-error=/dev/stderr 2>&1 |
    sed -n 's/.*Recovered position: *//p' | tail -1)"
  [ -z "$position" ] || args+=(--wsrep-start-position="$position")
fi
install -d -o mysql -g mysql /run/mysqld
# Further mariadbd options can be given as the container's command.
exec mariadbd --user=mysql "${args[@]}" "$@"
