"""The command line starts without the analysis stack (docs/architecture.md, "A fast command
line"): building the command tree, drawing help and screening import no numerical, data-frame,
database, web or plotting library. Not timed: it checks what is loaded, in a fresh process each
time (``benchmarks/cli_start.py`` measures the time and memory)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = Path("examples") / "screening" / "01_agriculture_ragusa_greenhouse.yaml"  # from ROOT
MARKER = "LOADED-MODULES:"

#: Libraries a command may load only when it runs and needs them.
HEAVY = (
    "alembic",
    "argon2",
    "duckdb",
    "ema_workbench",
    "fastapi",
    "jinja2",
    "numba",
    "numpy",
    "openpyxl",
    "pandas",
    "plotly",
    "polars",
    "psycopg",
    "pyarrow",
    "ray",
    "reportlab",
    "SALib",
    "scipy",
    "sqlalchemy",
    "starlette",
    "statsmodels",
    "uvicorn",
)

RUN = f"""
import json, sys
from pharos.cli import main
code = 0
try:
    main(json.loads(sys.argv[1]))
except SystemExit as exc:
    code = exc.code or 0
print({MARKER!r} + json.dumps([code, sorted(sys.modules)]), file=sys.stderr)
"""


def loaded_by(args: list[str], *, whole: bool = False) -> tuple[int, set[str]]:
    """(exit code, top-level modules loaded) of ``pharos ARGS`` in a fresh interpreter; with
    ``whole``, the modules' full names."""
    env = {k: v for k, v in os.environ.items() if k not in ("PHAROS_LANG", "LANG")}
    done = subprocess.run(
        [sys.executable, "-c", RUN, json.dumps(args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )
    line = next((x for x in done.stderr.splitlines() if x.startswith(MARKER)), None)
    assert line is not None, done.stderr
    code, modules = json.loads(line[len(MARKER) :])
    return code, set(modules) if whole else {m.split(".")[0] for m in modules}


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["screen", str(EXAMPLE)],
        ["screen", str(EXAMPLE), "--json"],
        ["--lang", "fr", "screen", "--help"],
        ["reference", "indicators", "ilo"],
        ["experiment", "--help"],
        ["exercise", "status", "--help"],
        ["estimate", "--help"],
    ],
    ids=" ".join,
)
def test_building_the_command_line_and_screening_load_no_heavy_library(args: list[str]) -> None:
    code, modules = loaded_by(args)
    assert code == 0
    assert not modules & set(HEAVY), (
        f"pharos {' '.join(args)} loaded {sorted(modules & set(HEAVY))}"
    )


def test_the_check_sees_a_heavy_library_when_one_is_loaded() -> None:
    """The same probe on a command that fits the hidden-figure models: statsmodels is there."""
    table = ROOT / "src" / "pharos" / "estimate" / "data" / "UKdat.csv"
    code, modules = loaded_by(["estimate", str(table), "--json"])
    assert code == 0
    assert {"statsmodels", "numpy"} <= modules


#: Pharos modules that build Pydantic schemas at import and that neither the command tree nor a
#: screening needs (benchmarks/README.md, "cli_start": they were a sixth of a screening's start).
SCHEMAS_NOT_AT_START = ("pharos.analysis.spec", "pharos.domain.cooperation")


@pytest.mark.parametrize("args", [["--help"], ["screen", str(EXAMPLE), "--json"]], ids=" ".join)
def test_the_command_line_builds_no_schema_it_does_not_use(args: list[str]) -> None:
    code, modules = loaded_by(args, whole=True)
    assert code == 0
    assert not modules & set(SCHEMAS_NOT_AT_START), sorted(modules & set(SCHEMAS_NOT_AT_START))
    # and the probe sees them when a command uses them
    code, modules = loaded_by(["reference", "instruments"], whole=True)
    assert code == 0 and "pharos.domain.cooperation" in modules
