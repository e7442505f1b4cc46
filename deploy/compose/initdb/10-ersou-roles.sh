#!/usr/bin/env bash
# Run by the postgres image on the first start of an empty data volume (docker-entrypoint-initdb.d):
# the migrator and service roles of deploy/sql/create-roles.sql, with the passwords from deploy/.env.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v migrator_password="$ERSOU_MIGRATOR_PASSWORD" -v service_password="$ERSOU_SERVICE_PASSWORD" \
  -f /ersou-sql/create-roles.sql
