#!/usr/bin/env bash
# postgres-standby's entrypoint (compose.yaml). On an empty data volume: a copy of the primary
# with pg_basebackup --write-recovery-conf (-R: standby.signal and primary_conninfo), as the
# replication role of compose/initdb/20-replication.sh. Then, on every start, the image's own
# entrypoint runs PostgreSQL, which finds standby.signal and runs as a hot standby streaming
# from the primary. A volume that already holds a standby (or, after `pg_ctl promote`, a
# primary) starts as it is.
#
# Environment (compose.yaml): PRIMARY_HOST, STANDBY_NAME (the application_name that the
# primary's synchronous_standby_names waits for), ERSOU_REPLICATION_PASSWORD.
set -euo pipefail
: "${PGDATA:=/var/lib/postgresql/data}"
primary="${PRIMARY_HOST:?}"
name="${STANDBY_NAME:?}"

# The image starts as root; the copy must belong to postgres, as the image's entrypoint does.
if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA"
  chown postgres:postgres "$PGDATA"
  chmod 700 "$PGDATA"
  exec gosu postgres bash "$0" "$@"
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  echo "standby: $PGDATA is empty: copying the primary ($primary) with pg_basebackup"
  export PGPASSWORD="${ERSOU_REPLICATION_PASSWORD:?set it in deploy/.env}"
  until pg_basebackup --pgdata="$PGDATA" \
    --dbname="host=$primary port=5432 user=ersou_replicator application_name=$name" \
    --wal-method=stream --write-recovery-conf --checkpoint=fast; do
    echo "standby: the primary is not ready for a copy yet; trying again in 5 s"
    find "$PGDATA" -mindepth 1 -delete  # whatever a failed copy left
    sleep 5
  done
  # -R wrote primary_conninfo from the connection above; it is written here again in full so
  # that the standby's name (application_name) does not depend on what -R keeps. The last
  # setting of a file wins.
  printf "primary_conninfo = 'host=%s port=5432 user=ersou_replicator password=%s application_name=%s'\n" \
    "$primary" "$PGPASSWORD" "$name" >>"$PGDATA/postgresql.auto.conf"
  unset PGPASSWORD
  echo "standby: copied; starting as a hot standby of $primary"
fi

exec docker-entrypoint.sh "$@"
