"""Issue 19, item 4: the short version of the soak (benchmarks/soak.py) on every CI run — mixed
traffic against two `pharos serve` processes on one PostgreSQL database, one killed with SIGKILL
and started again; no acknowledged write lost, nothing duplicated, the exercise's log and the
audit trail intact, no error but the killed process's. The full run (20 minutes, 200 browsers,
two kills) is in the closing note and docs/server.md."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pharos.web.testing import database_url

SOAK = Path(__file__).resolve().parents[3] / "benchmarks" / "soak.py"


@pytest.mark.postgres
def test_a_short_soak_loses_nothing(tmp_path: Path) -> None:
    url = database_url("postgres", tmp_path)
    src = str(Path(__file__).resolve().parents[3] / "src")
    short = ["--seconds", "30", "--kills", "1", "--players", "10"]
    short += ["--rate", "2", "--case-rate", "1", "--import-every", "5", "--simulation-every", "12"]
    run = subprocess.run(
        [sys.executable, str(SOAK), "--database-url", url, *short],
        env=os.environ | {"PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "soak: passed" in run.stdout
    assert "A killed (SIGKILL)" in run.stdout and "A started again" in run.stdout
    acknowledged = next(line for line in run.stdout.splitlines() if line.startswith("acknowledged"))
    assert " 0 actions" not in acknowledged and " 0 cases" not in acknowledged, acknowledged
    other = next(line for line in run.stdout.splitlines() if line.startswith("imports"))
    assert "imports acknowledged 0" not in other and "simulations acknowledged 0" not in other
