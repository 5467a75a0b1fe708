"""The README's two commands on a fresh clone, with a stand-in environment (no network).

``scripts/run.sh`` and ``scripts/test.sh`` run here in a copy of the scripts and
``pyproject.toml`` with no ``.venv`` beside them, as in a fresh clone; ``PHAROS_VENV`` names a
stand-in environment whose ``python``, ``pharos``, ``ruff``, ``mypy``, ``lint-imports`` and
``pytest`` only write down how they were called. So the tests see what the scripts would
install and run, without installing anything.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
TOOLS = ("python", "pharos", "ruff", "mypy", "lint-imports", "pytest")
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test_given"


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A fresh clone's scripts and pyproject.toml, without a virtual environment."""
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "scripts", repo / "scripts")
    shutil.copy2(ROOT / "pyproject.toml", repo / "pyproject.toml")
    return repo


@pytest.fixture
def venv(tmp_path: Path) -> Path:
    """A stand-in environment: each tool appends a line to ``calls.log``: its name, each
    argument in <>, and the PostgreSQL test URL it was given."""
    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    for tool in TOOLS:
        path = bin_dir / tool
        path.write_text(
            "#!/usr/bin/env bash\n"
            f"{{ printf %s {tool}; printf ' <%s>' \"$@\"; "
            'printf \' [pg=%s]\\n\' "${PHAROS_TEST_POSTGRES_URL:-unset}"; } >> "$CALLS"\n'
        )
        path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return tmp_path / "venv"


def run(script: str, repo: Path, venv: Path, *args: str) -> list[str]:
    """Run ``bash scripts/<script> ARGS`` in ``repo``; the stand-in tools' calls, in order."""
    calls = venv / "calls.log"
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(venv),
        "PHAROS_VENV": str(venv),
        "PYTHON": sys.executable,  # the interpreter that would make the environment
        "CALLS": str(calls),
        "PHAROS_TEST_POSTGRES_URL": PG_URL,
    }
    done = subprocess.run(
        ["bash", f"scripts/{script}", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return calls.read_text().splitlines() if calls.exists() else []


def test_run_sh_installs_the_platform_and_passes_its_arguments_to_serve(
    clone: Path, venv: Path
) -> None:
    calls = run("run.sh", clone, venv, "--port", "8011", "--host", "0.0.0.0")
    assert [c.rsplit(" [pg=", 1)[0] for c in calls] == [
        "python <-m> <pip> <install> <--quiet> <--upgrade> <pip>",
        "python <-m> <pip> <install> <--quiet> <-e> <.>",
        "pharos <serve> <--port> <8011> <--host> <0.0.0.0>",
    ]
    # the next start finds the environment installed and goes straight to the server
    (venv / "calls.log").unlink()
    calls = run("run.sh", clone, venv, "--port", "8012")
    assert [c.rsplit(" [pg=", 1)[0] for c in calls] == ["pharos <serve> <--port> <8012>"]


def test_run_sh_without_arguments_serves_with_the_defaults(clone: Path, venv: Path) -> None:
    calls = run("run.sh", clone, venv)
    assert calls[-1].rsplit(" [pg=", 1)[0] == "pharos <serve>"


def test_test_sh_fast_runs_lint_types_and_the_unit_tests_without_postgresql(
    clone: Path, venv: Path
) -> None:
    calls = run("test.sh", clone, venv, "--fast", "-x", "-q")
    given = f"[pg={PG_URL}]"
    assert calls == [
        f"python <-m> <pip> <install> <--quiet> <--upgrade> <pip> {given}",
        f"python <-m> <pip> <install> <--quiet> <-e> <.[dev]> {given}",
        f"ruff <check> <src> <tests> <benchmarks> {given}",
        f"ruff <format> <--check> <src> <tests> <benchmarks> {given}",
        f"mypy <src> {given}",
        f"lint-imports <--no-cache> {given}",
        "pytest <tests/unit> <-m> <not browser and not postgres> <-x> <-q> [pg=unset]",
    ]


def test_the_venv_helper_refuses_an_unknown_extra(clone: Path, venv: Path) -> None:
    done = subprocess.run(
        ["bash", "-c", "source scripts/_venv.sh && pharos_venv --port"],
        cwd=clone,
        env={"PATH": os.environ["PATH"], "PHAROS_VENV": str(venv), "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "unknown extra '--port'" in done.stderr
    assert not (venv / "calls.log").exists()  # nothing was installed
