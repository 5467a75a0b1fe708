"""The one migration chain builds exactly the tables the models describe, on SQLite and
PostgreSQL, and upgrading twice changes nothing."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

import pharos.store.models  # noqa: F401
from pharos.exercise.rules.events import EventKind
from pharos.store.base import Base, include_object
from pharos.store.db import alembic_config, migrate


def test_models_and_migrations_agree(engine: Engine) -> None:
    assert migrate(engine) is False  # already migrated: nothing to do
    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": include_object}
        )
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == [], f"models differ from the migrations: {diff}"


def test_one_chain() -> None:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert len(heads) == 1, f"several migration heads, merge them: {heads}"


def test_the_reference_counter_starts_after_the_references_already_given(engine: Engine) -> None:
    """Migration 0005 seeds each prefix's counter from the existing references, so the first
    case opened after the upgrade does not draw a number already taken."""
    from alembic import command
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from pharos.coordinate.accounts import principal
    from pharos.coordinate.cases import open_case
    from pharos.store.models import User

    def opened() -> str:
        with Session(engine) as s:
            user = s.execute(select(User).where(User.username == "mt.police")).scalar_one()
            ref = open_case(s, principal(user), {"title": "Before and after"}).reference
            s.commit()
            return ref

    before = [opened(), opened()]
    cfg = alembic_config(engine)
    command.downgrade(cfg, "0004_duplicate_resolution")
    command.upgrade(cfg, "heads")
    after = opened()
    number = [int(r.rsplit("-", 1)[1]) for r in [*before, after]]
    assert number[2] == number[1] + 1, [*before, after]


def test_existing_exercises_get_their_scenarios_text(engine: Engine, tmp_path) -> None:
    """Migration 0010 (issue 17, item 1): an exercise created before it gets the text of the
    file it named (a bundled name or a path) — the same text and SHA-256 that
    ``pharos.exercise.scenario.source`` reads; one whose file cannot be read is marked (no text)
    and keeps reading the path."""
    import shutil
    from datetime import UTC, datetime

    from alembic import command
    from sqlalchemy import text

    from pharos.exercise.runtime.session import ExerciseSession
    from pharos.exercise.runtime.store import SqlEventStore
    from pharos.exercise.scenario.loader import bundled_path
    from pharos.exercise.scenario.source import read_source

    folder = tmp_path / "aegean"
    shutil.copytree(bundled_path("mediterranean-regional").parent, folder)
    copy = folder / "mediterranean-regional.yaml"
    copy.write_text(copy.read_text(encoding="utf-8") + "\n# our copy\n", encoding="utf-8")
    cfg = alembic_config(engine)
    command.downgrade(cfg, "0009_event_recorded_at")
    runs = {"m10-bundled": "mediterranean-regional", "m10-path": str(copy), "m10-gone": "gone.yaml"}
    with engine.begin() as conn:
        for rid, scenario in runs.items():
            conn.execute(
                text(
                    "INSERT INTO exercise_run (id, scenario, title, seed, created_at) "
                    "VALUES (:id, :s, 't', 1, :at)"
                ),
                {"id": rid, "s": scenario, "at": datetime.now(UTC)},
            )
    command.upgrade(cfg, "heads")
    store = SqlEventStore(engine, create=False)
    got = {r.id: r.scenario_sha256 for r in store.exercises() if r.id in runs}
    assert got == {
        "m10-bundled": read_source(bundled_path("mediterranean-regional")).sha256,
        "m10-path": read_source(copy).sha256,
        "m10-gone": None,
    }
    assert got["m10-path"] != got["m10-bundled"]
    kept = store.scenario_text(got["m10-path"])
    assert kept.files == read_source(copy).files and "evidence/gh-job-ad.md" in kept.files
    store.append("m10-path", 0, EventKind.CREATED, "system", {"scenario": "x", "seed": 1})
    shutil.rmtree(folder)
    assert ExerciseSession.open(store, "m10-path").scenario.id == "mediterranean-regional"
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM exercise_run WHERE id LIKE 'm10-%'"))
        conn.execute(text("DELETE FROM exercise_event WHERE exercise_id LIKE 'm10-%'"))
