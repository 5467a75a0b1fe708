#!/usr/bin/env bash
# Sets Pharos up in .venv and runs it with the bundled Mediterranean demo.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh
exec .venv/bin/pharos demo "$@"
