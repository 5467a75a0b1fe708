# Shared by run.sh and test.sh: defines pharos_venv, which makes the virtual environment with
# Python 3.11+ and installs Pharos into it. Sourcing this file runs nothing.
#
#   source scripts/_venv.sh
#   pharos_venv          # the platform
#   pharos_venv dev      # the platform and the test tools
#
# A function, not code that runs when sourced: a sourced file sees the caller's arguments as its
# own ("$@" of run.sh), so `run.sh --port 8011` once asked pip for the extra "--port".
# The environment is $PHAROS_VENV (default .venv); set VENV to it for the caller.

pharos_venv() {
  local extra=${1:-}
  if [ "$#" -gt 1 ]; then
    echo "pharos_venv takes at most one extra (got: $*)" >&2
    return 2
  fi
  case "$extra" in
    "" | dev | ray) ;;
    *)
      echo "pharos_venv: unknown extra '$extra' (expected dev or ray)" >&2
      return 2
      ;;
  esac
  local python_bin=${PYTHON:-} candidate
  if [ -z "$python_bin" ]; then
    for candidate in python3.11 python3.12 python3.13 python3; do
      if command -v "$candidate" >/dev/null 2>&1; then python_bin=$candidate; break; fi
    done
  fi
  if [ -z "$python_bin" ]; then
    echo "Pharos needs Python 3.11 or newer; no python3 was found on PATH" >&2
    return 2
  fi
  "$python_bin" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || {
    echo "Pharos needs Python 3.11 or newer; $python_bin is $("$python_bin" --version 2>&1)" >&2
    return 2
  }
  VENV=${PHAROS_VENV:-.venv}
  if [ ! -x "$VENV/bin/python" ]; then
    "$python_bin" -m venv "$VENV" || return
  fi
  local stamp="$VENV/.pharos-installed-${extra:-base}"
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    "$VENV/bin/python" -m pip install --quiet --upgrade pip || return
    if [ -n "$extra" ]; then
      "$VENV/bin/python" -m pip install --quiet -e ".[$extra]" || return
    else
      "$VENV/bin/python" -m pip install --quiet -e . || return
    fi
    touch "$stamp"
  fi
}
