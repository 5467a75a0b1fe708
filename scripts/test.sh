#!/usr/bin/env bash
# Sets Pharos up in .venv with its test tools and runs lint, types and the whole test suite
# (SQLite and PostgreSQL; browser tests in Debian's Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh dev
bash scripts/services.sh
export PHAROS_TEST_POSTGRES_URL=${PHAROS_TEST_POSTGRES_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}
.venv/bin/ruff check src tests benchmarks
.venv/bin/ruff format --check src tests benchmarks
.venv/bin/mypy src
exec .venv/bin/pytest "$@"
