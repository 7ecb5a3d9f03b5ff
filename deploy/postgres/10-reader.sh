#!/usr/bin/env bash
# The role the database example server connects as (deploy/docker-compose.yml's `database`):
# it may log in, connect to the database and read its tables, nothing else. Run once by the
# postgres image on its first start (/docker-entrypoint-initdb.d), after the sample tables;
# READER_PASSWORD comes from mcpforge.env.
set -euo pipefail
: "${READER_PASSWORD:?set READER_PASSWORD in mcpforge.env}"
psql -v ON_ERROR_STOP=1 -v reader_password="$READER_PASSWORD" \
  --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" <<'SQL'
CREATE ROLE reader LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD :'reader_password';
SELECT format('GRANT CONNECT ON DATABASE %I TO reader', current_database()) \gexec
GRANT USAGE ON SCHEMA public TO reader;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
