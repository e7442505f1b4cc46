#!/usr/bin/env bash
# Run by the postgres image on the first start of an empty data volume, after 10-ersou-roles.sh:
# streaming replication to postgres-standby (compose.yaml).
#
#   1. the role ersou_replicator (REPLICATION LOGIN, password ERSOU_REPLICATION_PASSWORD from
#      deploy/.env): postgres-standby's pg_basebackup and WAL receiver sign in as it;
#   2. its pg_hba.conf line: replication connections from the compose network, by password;
#   3. synchronous_standby_names naming the standby (its application_name, postgres_standby), so
#      a commit is acknowledged only once the standby has it. Set with ALTER SYSTEM
#      (postgresql.auto.conf, read when the server starts for real after this script), not on the
#      command line in compose.yaml: the image runs this first start with the command's settings,
#      and its CREATE DATABASE would then wait forever for a standby that cannot exist yet.
#      With this ONE standby, a stopped standby holds every commit (deploy/README.md, "Replicas
#      and failover").
#
# Safe to run again, by hand, on a volume made before the standby existed (deploy/README.md);
# then reload, so that the server reads the new pg_hba.conf line and synchronous_standby_names:
#   docker compose exec -u postgres postgres bash /docker-entrypoint-initdb.d/20-replication.sh
#   docker compose exec -u postgres postgres psql -c 'SELECT pg_reload_conf()'
# (Not reloaded here: on the first start, a script after this one would then wait for the standby.)
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" \
  -v replication_password="${ERSOU_REPLICATION_PASSWORD:?set it in deploy/.env}" <<'SQL'
SELECT set_config('ersou.replication_password', :'replication_password', false);
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ersou_replicator') THEN
    EXECUTE format('CREATE ROLE ersou_replicator REPLICATION LOGIN PASSWORD %L', current_setting('ersou.replication_password'));
  ELSE
    EXECUTE format('ALTER ROLE ersou_replicator REPLICATION LOGIN PASSWORD %L', current_setting('ersou.replication_password'));
  END IF;
END
$$;
ALTER SYSTEM SET synchronous_standby_names = 'postgres_standby';
SQL

hba_line="host replication ersou_replicator all scram-sha-256"
if ! grep -qxF "$hba_line" "$PGDATA/pg_hba.conf"; then
  printf '# postgres-standby (deploy/compose/initdb/20-replication.sh)\n%s\n' "$hba_line" >> "$PGDATA/pg_hba.conf"
fi
