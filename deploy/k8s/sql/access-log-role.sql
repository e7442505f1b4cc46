-- The access log may only grow: the service's database role may read it and add to it, never
-- change, delete or empty it (DPA 2018 s.62; docs/security.md, "The database roles").
--
-- Run by an operator as a superuser, connected to the service's database, after the schema
-- exists (db-apply), and again after every db-apply. It is safe to run any number of times:
--
--   psql "host=HOST dbname=DATABASE user=postgres" -v ON_ERROR_STOP=1 -f deploy/sql/access-log-role.sql
--
-- Two roles, created here when missing (give them passwords afterwards: \password ersou_service):
--   ersou_migrator  owns the schema and the access log and runs db-apply; the service never signs in as it.
--   ersou_service   the role the service signs in with (ConnectionStrings__Postgres).
-- To use other names, replace these two throughout.

DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ersou_migrator') THEN
    CREATE ROLE ersou_migrator LOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ersou_service') THEN
    CREATE ROLE ersou_service LOGIN;
  END IF;

  -- Privileges bind nobody who can step around them.
  IF (SELECT rolsuper FROM pg_roles WHERE rolname = 'ersou_service') THEN
    RAISE EXCEPTION 'ersou_service is a superuser: privileges would not bind it';
  END IF;
  IF pg_has_role('ersou_service', 'ersou_migrator', 'MEMBER') THEN
    RAISE EXCEPTION 'ersou_service is a member of ersou_migrator: it would hold the owner''s rights over the access log';
  END IF;
END
$$;

-- A table's owner can always grant itself back any right, and a schema's owner can drop any table
-- in it: the service's role must be neither.
ALTER SCHEMA ersou OWNER TO ersou_migrator;
ALTER TABLE ersou.access_log OWNER TO ersou_migrator;
GRANT USAGE ON SCHEMA ersou TO ersou_service;

-- The rest of the schema (events, documents, the link graph): the service reads and writes it as before.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ersou TO ersou_service;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA ersou TO ersou_service;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ersou TO ersou_service;

-- The access log: SELECT and INSERT only, for the service and for everyone else.
REVOKE ALL ON TABLE ersou.access_log FROM PUBLIC;
REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON TABLE ersou.access_log FROM ersou_service;
GRANT SELECT, INSERT ON TABLE ersou.access_log TO ersou_service;

-- The log's Merkle tree, its signed checkpoints and the witnesses' cosignatures: the same rule. A node, a
-- checkpoint or a cosignature once written is evidence; the service adds to them and never changes one.
ALTER TABLE ersou.access_log_tree OWNER TO ersou_migrator;
ALTER TABLE ersou.access_log_checkpoints OWNER TO ersou_migrator;
ALTER TABLE ersou.access_log_signatures OWNER TO ersou_migrator;
REVOKE ALL ON TABLE ersou.access_log_tree, ersou.access_log_checkpoints, ersou.access_log_signatures FROM PUBLIC;
REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON TABLE ersou.access_log_tree, ersou.access_log_checkpoints, ersou.access_log_signatures FROM ersou_service;
GRANT SELECT, INSERT ON TABLE ersou.access_log_tree, ersou.access_log_checkpoints, ersou.access_log_signatures TO ersou_service;
