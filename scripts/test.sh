#!/usr/bin/env bash
# Sets Pharos up in .venv with its test tools and runs lint, types and the whole test suite
# (SQLite and PostgreSQL; browser tests in Debian's Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh dev
bash scripts/services.sh
export PHAROS_TEST_POSTGRES_URL=${PHAROS_TEST_POSTGRES_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}
# Create the test database if the server is up and it is missing (tests skip PostgreSQL only
# when PHAROS_TEST_POSTGRES_URL is unset, so a missing database must not go unnoticed).
.venv/bin/python - <<'PY' || echo "warning: could not prepare the PostgreSQL test database" >&2
import os
from sqlalchemy.engine import make_url
import psycopg
url = make_url(os.environ["PHAROS_TEST_POSTGRES_URL"])
with psycopg.connect(host=url.host or "127.0.0.1", port=url.port or 5432, user=url.username or "postgres",
                     password=url.password, dbname="postgres", autocommit=True) as conn:
    if not conn.execute("select 1 from pg_database where datname = %s", (url.database,)).fetchone():
        conn.execute(f'create database "{url.database}"')
PY
.venv/bin/ruff check src tests benchmarks
.venv/bin/ruff format --check src tests benchmarks
.venv/bin/mypy src
.venv/bin/lint-imports --no-cache  # the layering contracts of pyproject.toml
exec .venv/bin/pytest "$@"
