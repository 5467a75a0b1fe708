#!/usr/bin/env bash
# Sets Pharos up in .venv and serves it: creates or migrates the database (SQLite in ./data by
# default, PostgreSQL with PHAROS_DATABASE_URL), loads the Mediterranean demo on first start and
# prints the address and the demo logins. Extra arguments go to `pharos serve` (--port, --host).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh
pharos_venv
exec "$VENV/bin/pharos" serve "$@"
