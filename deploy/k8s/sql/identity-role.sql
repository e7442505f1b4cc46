-- The token server's tables (schema `identity`, made by `admin apply-identity-schema`): the
-- service's role reads and writes them (clients, users, tokens, authorizations) and may not
-- change their structure. Run as the schema's owner (ersou_migrator) after
-- `admin apply-identity-schema`, beside access-log-role.sql; safe to run any number of times.
--
--   psql "host=HOST dbname=ersou_intel user=ersou_migrator" -v ON_ERROR_STOP=1 -f deploy/sql/identity-role.sql

GRANT USAGE ON SCHEMA identity TO ersou_service;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA identity TO ersou_service;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA identity TO ersou_service;
