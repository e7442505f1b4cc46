-- Once per database, by a superuser (or a role with CREATEROLE that owns the database), before
-- the first db-apply: the two roles of docs/security.md, "The database roles".
--
--   psql "host=HOST dbname=ersou_intel user=postgres" -v ON_ERROR_STOP=1 \
--     -v migrator_password="$ERSOU_MIGRATOR_PASSWORD" -v service_password="$ERSOU_SERVICE_PASSWORD" \
--     -f deploy/sql/create-roles.sql
--
-- ersou_migrator  runs db-apply and `admin apply-identity-schema`, so it owns the schemas `ersou`
--                 and `identity` and everything in them; then it runs access-log-role.sql and
--                 identity-role.sql (an owner may grant on what it owns: no superuser needed).
-- ersou_service   the role the service signs in with; it owns nothing.
--
-- compose.yaml runs this from deploy/compose/initdb/ on the first start of an empty volume.
-- Safe to run again: roles that exist keep their passwords unless given new ones here.

SELECT set_config('ersou.migrator_password', :'migrator_password', false),
       set_config('ersou.service_password', :'service_password', false);

DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ersou_migrator') THEN
    EXECUTE format('CREATE ROLE ersou_migrator LOGIN PASSWORD %L', current_setting('ersou.migrator_password'));
  ELSE
    EXECUTE format('ALTER ROLE ersou_migrator LOGIN PASSWORD %L', current_setting('ersou.migrator_password'));
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ersou_service') THEN
    EXECUTE format('CREATE ROLE ersou_service LOGIN PASSWORD %L', current_setting('ersou.service_password'));
  ELSE
    EXECUTE format('ALTER ROLE ersou_service LOGIN PASSWORD %L', current_setting('ersou.service_password'));
  END IF;
END
$$;

-- The migrator creates the schemas `ersou` (Marten) and `identity` (the token server's tables).
GRANT CONNECT, CREATE ON DATABASE :"DBNAME" TO ersou_migrator;
GRANT CONNECT ON DATABASE :"DBNAME" TO ersou_service;

-- Read replicas (issue 21): the service reads from a standby only while its replay lag is small.
-- It measures that with the LSN columns of pg_stat_replication on the primary (NULL for a role
-- that is not a member of pg_read_all_stats, which pg_monitor includes) and the replay functions
-- on the standbys. pg_monitor is read-only monitoring: it grants nothing on any table.
GRANT pg_monitor TO ersou_service;
