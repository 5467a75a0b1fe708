#!/usr/bin/env bash
# Sets Pharos up in .venv with its test tools and runs lint, types and the tests.
#
#   bash scripts/test.sh [PYTEST ARGS]         everything, as CI runs it: ruff, mypy, the layering
#                                              contracts (lint-imports) and the whole suite on
#                                              SQLite and PostgreSQL, browser tests in Debian's
#                                              Chromium (started or installed if missing)
#   bash scripts/test.sh --fast [PYTEST OPTS]  the same checks, then the unit tests only: no
#                                              browser, no PostgreSQL, nothing started or installed
set -euo pipefail
cd "$(dirname "$0")/.."
fast=false
if [ "${1:-}" = "--fast" ]; then
  fast=true
  shift
fi
source scripts/_venv.sh
pharos_venv dev
"$VENV/bin/ruff" check src tests benchmarks
"$VENV/bin/ruff" format --check src tests benchmarks
"$VENV/bin/mypy" src
"$VENV/bin/lint-imports" --no-cache  # the layering contracts of pyproject.toml
if $fast; then
  unset PHAROS_TEST_POSTGRES_URL
  exec "$VENV/bin/pytest" tests/unit -m "not browser and not postgres" "$@"
fi
bash scripts/services.sh
export PHAROS_TEST_POSTGRES_URL=${PHAROS_TEST_POSTGRES_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}
# Create the test database if the server is up and it is missing (tests skip PostgreSQL only
# when PHAROS_TEST_POSTGRES_URL is unset, so a missing database must not go unnoticed).
"$VENV/bin/python" - <<'PY' || echo "warning: could not prepare the PostgreSQL test database" >&2
import os
from sqlalchemy.engine import make_url
import psycopg
url = make_url(os.environ["PHAROS_TEST_POSTGRES_URL"])
with psycopg.connect(host=url.host or "127.0.0.1", port=url.port or 5432, user=url.username or "postgres",
                     password=url.password, dbname="postgres", autocommit=True) as conn:
    if not conn.execute("select 1 from pg_database where datname = %s", (url.database,)).fetchone():
        conn.execute(f'create database "{url.database}"')
PY
exec "$VENV/bin/pytest" "$@"
