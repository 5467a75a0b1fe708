"""``pharos exercise new`` names and dates an exercise as the setup wizard does.

The options run the wizard's own checks (pharos.exercise.runtime.setup.check_basics): a bad
date or a last day before the first is refused with exit 2, the option named, and no exercise
is made; given options reach the exercise's ``created`` event, which its pages read.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pharos.cli import app as cli_app
from pharos.exercise.runtime.session import ExerciseSession
from pharos.exercise.runtime.store import SqlEventStore


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'pharos.db'}"


def _new(db: str, *options: str) -> tuple[int, str]:
    res = CliRunner().invoke(cli_app, ["exercise", "new", "--db", db, *options])
    return res.exit_code, res.output


def test_name_and_dates_reach_the_exercise(db: str) -> None:
    code, out = _new(
        db, "--name", "  Palermo   week ", "--held-from", "2027-03-08", "--held-to", "2027-03-12"
    )
    assert code == 0, out
    exercise = out.strip().split()[-1]
    store = SqlEventStore(db)
    (record,) = store.exercises()
    assert record.title == "Palermo week"  # spaces as the wizard folds them
    setup = ExerciseSession.open(store, exercise).state.setup
    assert setup == {"name": "Palermo week", "held_from": "2027-03-08", "held_to": "2027-03-12"}


def test_without_options_the_scenario_names_it(db: str) -> None:
    code, out = _new(db)
    assert code == 0, out
    store = SqlEventStore(db)
    (record,) = store.exercises()
    assert record.title  # the scenario's title
    assert ExerciseSession.open(store, record.id).state.setup == {}


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (("--held-from", "2027-02-30"), "--held-from: 2027-02-30 is not a date"),
        (
            ("--held-from", "2027-03-12", "--held-to", "2027-03-08"),
            "--held-to: the last day comes before the first",
        ),
        (("--held-to", "2027-03-08"), "--held-to needs --held-from"),
        (("--name", "x" * 500), "--name: a name has at most"),
    ],
)
def test_bad_options_are_refused_and_nothing_is_made(
    db: str, options: tuple[str, ...], said: str
) -> None:
    code, out = _new(db, *options)
    assert code == 2
    assert said in " ".join(out.split())
    assert SqlEventStore(db).exercises() == []
