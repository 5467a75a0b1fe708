"""An exercise keeps its scenario's text (issue 17, item 1): editing, moving or deleting the
scenario file after creating an exercise changes neither its pages nor its replay."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import update

from pharos.exercise.rules.events import EventKind
from pharos.exercise.runtime.session import ExerciseSession
from pharos.exercise.runtime.store import SqlEventStore, scenario_text
from pharos.exercise.scenario.loader import bundled_path, load_scenario
from pharos.exercise.scenario.source import read_source, source_hash

from .drill import play


@pytest.fixture
def scenario_copy(tmp_path: Path) -> Path:
    """The bundled regional scenario, its translations and its documents, copied elsewhere."""
    folder = tmp_path / "aegean"
    shutil.copytree(bundled_path("mediterranean-regional").parent, folder)
    return folder / "mediterranean-regional.yaml"


def test_the_text_holds_the_translations_and_documents(scenario_copy: Path) -> None:
    src = read_source(scenario_copy)
    assert src.name == "mediterranean-regional.yaml"
    assert set(src.translations()) == {"ar", "el", "es", "fr", "it"}
    assert "evidence/gh-job-ad.md" in src.files
    assert src.files["evidence/gh-job-ad.md"] == (
        scenario_copy.parent / "evidence" / "gh-job-ad.md"
    ).read_text(encoding="utf-8")
    assert src.sha256 == source_hash(src.name, src.files) and len(src.sha256) == 64
    # any change of any file changes the hash
    edited = src.with_text(src.text + "\n# edited\n")
    assert edited.sha256 != src.sha256


def _played(s: ExerciseSession) -> None:
    s.submit(EventKind.STARTED, "director", {})
    play(s)
    s.advance_days(3)


def test_editing_or_deleting_the_file_changes_neither_pages_nor_replay(
    scenario_copy: Path, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'e.db'}"
    s = ExerciseSession.create(SqlEventStore(url), str(scenario_copy), clock=lambda: 0.0)
    _played(s)
    karim_trust = s.state.personas["karim"].trust
    before = {
        "hash": s.state_hash(),
        "replay": repr(s.replay(until_minute=3 * 1440).personas["karim"]),
        "document": s.loaded.evidence_text("gh-job-ad"),
        "french": s.loaded.localized("fr").title,
    }

    # edit the scenario (Karim trusts anyone at once), a document and a translation
    text = scenario_copy.read_text(encoding="utf-8")
    assert "    storyline: greenhouses\n    trust: 35\n" in text
    edited = text.replace(
        "    storyline: greenhouses\n    trust: 35\n",
        "    storyline: greenhouses\n    trust: 95\n",
        1,
    )
    scenario_copy.write_text(edited, encoding="utf-8")
    (scenario_copy.parent / "evidence" / "gh-job-ad.md").write_text("changed", encoding="utf-8")
    fr = scenario_copy.parent / "mediterranean-regional.fr.yaml"
    fr.write_text(fr.read_text(encoding="utf-8").replace("Exercice", "Jeu", 1), encoding="utf-8")
    # the edit matters: a new exercise of the edited file starts elsewhere
    assert load_scenario(scenario_copy).scenario.character("karim").trust == 95 != karim_trust

    def reopened() -> dict[str, str]:
        store = SqlEventStore(url)  # as after a restart: nothing in memory
        again = ExerciseSession.open(store, s.exercise_id, clock=lambda: 0.0)
        return {
            "hash": again.state_hash(),
            "replay": repr(again.replay(until_minute=3 * 1440).personas["karim"]),
            "document": again.loaded.evidence_text("gh-job-ad"),
            "french": again.loaded.localized("fr").title,
        }

    assert reopened() == before
    shutil.rmtree(scenario_copy.parent)  # moved away or deleted
    assert reopened() == before
    record = SqlEventStore(url).exercises()[0]
    assert record.scenario == str(scenario_copy.resolve()) and record.scenario_sha256


def test_a_changed_stored_text_is_refused(scenario_copy: Path, tmp_path: Path) -> None:
    store = SqlEventStore(f"sqlite:///{tmp_path / 'e.db'}")
    s = ExerciseSession.create(store, str(scenario_copy), clock=lambda: 0.0)
    sha = store.exercises()[0].scenario_sha256
    assert sha == read_source(scenario_copy).sha256
    with store.engine.begin() as conn:
        conn.execute(
            update(scenario_text).values(name="other.yaml").where(scenario_text.c.sha256 == sha)
        )
    with pytest.raises(ValueError, match="does not match its hash"):
        ExerciseSession.open(SqlEventStore(store.engine), s.exercise_id)


def test_exercises_of_one_text_share_it(scenario_copy: Path, tmp_path: Path) -> None:
    store = SqlEventStore(f"sqlite:///{tmp_path / 'e.db'}")
    for _ in range(3):
        ExerciseSession.create(store, str(scenario_copy), clock=lambda: 0.0)
    ExerciseSession.create(store, "mediterranean-regional", clock=lambda: 0.0)
    with store.engine.connect() as conn:
        rows = conn.execute(scenario_text.select()).all()
    # the copy and the bundled file are the same text: one row for four exercises
    assert len(rows) == 1
    assert [r.scenario for r in store.exercises()][-1] == "mediterranean-regional"
