"""Archiving and deleting exercises (issue 17, item 3): only the exercise's control team, only
once it has ended (or never started), only with the confirmation ticked — each checked on the
server; each an audit entry written with the change, all or nothing."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from pharos.coordinate import audit
from pharos.exercise.runtime.service import Hub
from pharos.store.models import AuditEntry
from pharos.store.models.exercise import ExerciseEvent, ExerciseRun
from pharos.web.testing import app_on, signed_in_client, start_exercise


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def app(request, tmp_path_factory):
    with app_on(request.param, tmp_path_factory.mktemp("db")) as app:
        yield app


def _count(app, model, **where) -> int:
    with app.state.engine.connect() as conn:
        q = select(func.count()).select_from(model)
        for k, v in where.items():
            q = q.where(getattr(model, k) == v)
        return int(conn.execute(q).scalar_one())


def _audit(app, action: str, exercise_id: str) -> list[AuditEntry]:
    with app.state.sessions() as s:
        return list(
            s.scalars(
                select(AuditEntry).where(
                    AuditEntry.action == action,
                    AuditEntry.resource == "exercise",
                    AuditEntry.resource_id == exercise_id,
                )
            )
        )


def test_archive_restore_and_delete_with_the_server_checking_who_when_and_confirmation(app):
    director = signed_in_client(app, "it.coordinator")
    police = signed_in_client(app, "it.police")
    other = signed_in_client(app, "eg.coordinator")  # directs exercises, but not this one
    ex = start_exercise(director, advance_hours=1)
    yes = {"confirm": "yes"}

    # running: neither archived nor deleted; nobody outside its control team may
    assert director.post(f"/exercises/{ex}/archive", data=yes).status_code == 422
    assert director.post(f"/exercises/{ex}/delete", data=yes).status_code == 422
    director.post(f"/exercises/{ex}/control", data={"command": "end", "confirm": "yes"})
    for client in (police, other):
        assert client.post(f"/exercises/{ex}/archive", data=yes).status_code == 403
        assert client.post(f"/exercises/{ex}/delete", data=yes).status_code == 403
    # without the confirmation: refused, nothing changed
    assert director.post(f"/exercises/{ex}/archive", data={}).status_code == 422
    assert director.post(f"/exercises/{ex}/delete", data={}).status_code == 422
    assert _audit(app, "archive", ex) == [] and _audit(app, "delete", ex) == []

    listing = director.get("/exercises").text
    assert f'action="/exercises/{ex}/archive"' in listing
    assert director.post(f"/exercises/{ex}/archive", data=yes).status_code == 303
    (rec,) = [r for r in Hub.for_engine(app.state.engine).store.exercises() if r.id == ex]
    assert rec.archived_at is not None
    listing = director.get("/exercises").text
    archived = listing[listing.index('id="ex-archived"') :]
    assert f"/exercises/{ex}/restore" in archived
    assert f'action="/exercises/{ex}/archive"' not in listing  # not among the current ones
    assert f"/exercises/{ex}/restore" not in police.get("/exercises").text
    (entry,) = _audit(app, "archive", ex)
    assert entry.actor == "it.coordinator" and json.loads(entry.detail)["title"]

    assert director.post(f"/exercises/{ex}/restore", data={}).status_code == 303
    assert len(_audit(app, "restore", ex)) == 1
    assert f'action="/exercises/{ex}/archive"' in director.get("/exercises").text

    events = _count(app, ExerciseEvent, exercise_id=ex)
    assert events > 3
    assert director.post(f"/exercises/{ex}/delete", data=yes).status_code == 303
    assert _count(app, ExerciseRun, id=ex) == 0 and _count(app, ExerciseEvent, exercise_id=ex) == 0
    (entry,) = _audit(app, "delete", ex)
    assert json.loads(entry.detail)["events"] == events
    assert director.get(f"/exercises/{ex}").status_code == 404
    assert ex not in director.get("/exercises").text

    # never started: deleted, not archived (it could still be started)
    fresh = str(director.post("/exercises", data={}).headers["location"]).split("/")[2]
    assert director.post(f"/exercises/{fresh}/archive", data=yes).status_code == 422
    assert f'action="/exercises/{fresh}/archive"' not in director.get("/exercises").text
    assert director.post(f"/exercises/{fresh}/delete", data=yes).status_code == 303
    assert _count(app, ExerciseRun, id=fresh) == 0


def test_a_delete_whose_audit_entry_fails_deletes_nothing(app, monkeypatch):
    director = signed_in_client(app, "it.coordinator")
    ex = str(director.post("/exercises", data={}).headers["location"]).split("/")[2]
    events = _count(app, ExerciseEvent, exercise_id=ex)

    def broken(*args, **kwargs):
        raise RuntimeError("the audit trail is unavailable")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        director.post(f"/exercises/{ex}/delete", data={"confirm": "yes"})
    assert _count(app, ExerciseRun, id=ex) == 1
    assert _count(app, ExerciseEvent, exercise_id=ex) == events
    monkeypatch.undo()
    assert director.get(f"/exercises/{ex}").status_code in (200, 303)
