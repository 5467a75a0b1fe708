"""The README and docs/exercise.md name the ``pharos exercise`` commands that exist, and all of
them (issue 17: the README named ``create`` and ``replay``, which do not exist)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import typer

from pharos.cli import app

ROOT = Path(__file__).resolve().parents[3]


def _exercise_commands() -> set[str]:
    group: Any = typer.main.get_command(app)
    return set(group.commands["exercise"].commands)


def test_the_readme_lists_every_exercise_command_and_no_other() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (row,) = [line for line in readme.splitlines() if line.startswith("| `pharos exercise")]
    cell = row.split("` |")[0].removeprefix("| `pharos exercise ")
    assert set(cell.replace("\\|", "|").split("|")) == _exercise_commands()


def test_the_exercise_guide_names_only_real_commands() -> None:
    guide = (ROOT / "docs" / "exercise.md").read_text(encoding="utf-8")
    named = set(re.findall(r"pharos exercise ([a-z]+)", guide))
    assert named and named <= _exercise_commands()
    assert {"new", "list", "play", "status", "report", "verify", "validate"} <= named
