"""A short played exercise imported as an exercise dataset: one row per victim persona."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from typer.testing import CliRunner

from pharos.cli import app
from pharos.exercise.rules.events import EventKind
from pharos.exercise.runtime.session import ExerciseSession
from pharos.exercise.runtime.store import MemoryEventStore, SqlEventStore
from pharos.learn.from_exercise import import_exercise, read_exercise
from pharos.learn.ingest.report import ImportRefused
from pharos.learn.store import Store

runner = CliRunner()
DRILL = Path(__file__).resolve().parents[1] / "exercise" / "drill.py"


def _drill() -> ModuleType:
    """The exercise tests' own short drill (Karim found, identified, referred to a shelter)."""
    spec = importlib.util.spec_from_file_location("exercise_drill", DRILL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _played(store: MemoryEventStore | SqlEventStore) -> ExerciseSession:
    s = ExerciseSession.create(store, clock=lambda: 0.0, exercise_id="drill1")
    s.submit(EventKind.STARTED, "director", {})
    _drill().play(s)
    # the Italian NGO (played) accepts the police's shelter referral
    (ref,) = s.state.referrals
    s.act("ita-ngo", "nina", type="answer_referral", referral=ref.id, decision="accept")
    return s


def test_each_victim_persona_with_its_outcomes(tmp_path: Path) -> None:
    events = MemoryEventStore()
    session = _played(events)
    store = Store(tmp_path / "store")
    item = import_exercise(store, events, "drill1")
    rows = {r["citizenship"] + r["gender"]: r for r in item.tables["case_outcomes"].to_dicts()}
    victims = [c for c in session.scenario.personas() if c.truth and c.truth.is_victim]
    assert len(item.tables["case_outcomes"]) == len(victims)
    karim = rows["EGYmasculine"]
    assert karim["identified"] and karim["referred"] and karim["protected"]
    assert karim["exploitation_type"] == "forced_labour"
    assert karim["age_band"] == "24--26" and karim["minor"] is False
    assert karim["year"] == session.store.exercises()[0].created_at.year
    # Found at the greenhouse on day 0.2, identified 0.3 days later (the drill's own timing).
    assert karim["days_to_identification"] == pytest.approx(0.3)
    # Protected when the NGO accepted, at the end of the drill (2.3 days after he was found).
    karim_state = session.state.personas["karim"]
    assert karim_state.assisted_at == session.state.minute
    expected = (karim_state.assisted_at - karim_state.reachable_since) / 1440
    assert karim["days_to_protection"] == pytest.approx(expected) and expected > 2
    # Nobody else was identified, referred or protected in the drill.
    others = [r for key, r in rows.items() if key != "EGYmasculine"]
    assert others and not any(r["identified"] or r["referred"] or r["protected"] for r in others)
    (manifest,) = store.datasets()
    assert manifest["origin"] == "exercise" and manifest["details"]["exercise"] == "drill1"
    assert store.frame("case_outcomes").height == 0  # never mixed with real data by default
    assert store.frame("case_outcomes", [manifest["id"]]).height == len(victims)


def test_unknown_exercise_changes_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    with pytest.raises(ImportRefused, match="No exercise nope"):
        import_exercise(store, MemoryEventStore(), "nope")
    assert store.datasets() == []


def test_cli_from_the_exercise_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'pharos.db'}"
    _played(SqlEventStore(url))
    store = str(tmp_path / "store")
    result = runner.invoke(app, ["import", "--store", store, "--from-exercise", "drill1",
                                 "--db", url])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "EXERCISE" in result.output and "drill1" in result.output
    assert "EXERCISE" in runner.invoke(app, ["datasets", "--store", store]).output
    bad = runner.invoke(app, ["import", "--store", store, "--from-exercise", "nope", "--db", url])
    assert bad.exit_code == 2 and "No exercise nope" in bad.output
    missing = f"sqlite:///{tmp_path / 'absent.db'}"
    bad = runner.invoke(app, ["import", "--store", store, "--from-exercise", "drill1",
                              "--db", missing])  # fmt: skip
    assert bad.exit_code == 2 and "No exercise database" in bad.output
    assert not (tmp_path / "absent.db").exists()
    assert len(Store(Path(store)).datasets()) == 1


def test_a_tampered_log_is_refused(tmp_path: Path) -> None:
    events = MemoryEventStore()
    _played(events)
    log = events.events("drill1")
    tampered = MemoryEventStore()
    tampered.exercises = events.exercises  # type: ignore[method-assign]
    log[3].payload["persona"] = "salma"
    tampered.events = lambda exercise_id, upto_seq=None: log  # type: ignore[method-assign]
    with pytest.raises(ImportRefused, match="hash chain"):
        read_exercise(tampered, "drill1")
