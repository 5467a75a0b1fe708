# Shared by run.sh and test.sh: make .venv with Python 3.11+ and install Pharos into it.
# Usage: source scripts/_venv.sh [extra]   (extra: "" for the platform, "dev" for tests)
set -euo pipefail
PYTHON_BIN=${PYTHON:-}
if [ -z "$PYTHON_BIN" ]; then
  for candidate in python3.11 python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null 2>&1; then PYTHON_BIN=$candidate; break; fi
  done
fi
"$PYTHON_BIN" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || {
  echo "Pharos needs Python 3.11 or newer; $PYTHON_BIN is $("$PYTHON_BIN" --version 2>&1)" >&2
  exit 2
}
VENV=${PHAROS_VENV:-.venv}
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON_BIN" -m venv "$VENV"
fi
stamp="$VENV/.pharos-installed-${1:-base}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  if [ -n "${1:-}" ]; then
    "$VENV/bin/python" -m pip install --quiet -e ".[$1]"
  else
    "$VENV/bin/python" -m pip install --quiet -e .
  fi
  touch "$stamp"
fi
