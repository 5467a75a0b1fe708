"""The exercise's async routes never run a database statement on the event loop.

A statement on the loop blocks every other request while it runs, and when the pool is busy
the loop waits for a connection that only requests stuck behind it could give back (the stall
``test_pool_pressure`` shows for authentication). The first request for an exercise after a
restart folds its whole log from the database, creating one writes it, publishing its lessons
writes the lessons library: each of them in a worker thread.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import event

from pharos.exercise.runtime.service import Hub
from pharos.web.testing import app_on, approve_review, signed_in_client


@pytest.fixture
def app(tmp_path):
    with app_on("sqlite", tmp_path) as app:
        yield app


@pytest.fixture
def on_loop(app):
    """The statements run while an event loop was running in the same thread."""
    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return  # a worker thread
        seen.append(statement.split("\n")[0][:80])

    event.listen(app.state.engine, "before_cursor_execute", record)
    yield seen
    event.remove(app.state.engine, "before_cursor_execute", record)


def _restart(app, exercise_id: str) -> None:
    """Forget the loaded exercise, as a restarted server would not have it in memory."""
    hub = Hub.for_engine(app.state.engine)
    with hub.registry._lock:
        hub.registry._sessions.pop(exercise_id, None)


def test_creating_acting_and_publishing_keep_the_database_off_the_loop(app, on_loop):
    director = signed_in_client(app, "it.coordinator")
    labour = signed_in_client(app, "it.labour")
    on_loop.clear()
    ex = director.post("/exercises", data={}).headers["location"].split("/")[2]
    other = director.post("/api/v1/exercises").json()["id"]
    assert on_loop == [], "creating an exercise"
    director.post(f"/exercises/{ex}/control", data={"command": "start"})
    director.post(f"/api/v1/exercises/{other}/control", json={"command": "start"})
    for path, kw in (
        (f"/exercises/{ex}/play", {"data": {"type": "inspect_site", "place": "ragusa-greenhouse"}}),
        (f"/api/v1/exercises/{ex}/actions", {"json": {"type": "publish_media_statement"}}),
    ):
        _restart(app, ex)
        on_loop.clear()
        assert labour.post(path, **kw).status_code in (201, 303)
        assert on_loop == [], path
    _restart(app, ex)
    on_loop.clear()
    director.post(f"/exercises/{ex}/control", data={"command": "end", "confirm": "yes"})
    director.post(f"/exercises/{ex}/observe", data={"team": "ita-labour", "rating": "4"})
    assert on_loop == [], "control and observe"
    approve_review(director, ex)
    assert on_loop == [], "the review"
    on_loop.clear()
    assert director.post(f"/exercises/{ex}/publish", data={}).status_code == 303
    assert on_loop == [], "publishing the lessons"


def test_a_rehearsal_keeps_the_database_off_the_loop(app, on_loop):
    """The studio's rehearsal (issue 17, item 2) reads the version and plays it in a worker."""
    director = signed_in_client(app, "it.coordinator")
    key = director.post("/exercises/studio", data={"template": "mediterranean-regional"})
    key = key.headers["location"].rsplit("/", 1)[1]
    on_loop.clear()
    assert director.get(f"/exercises/studio/{key}/1/rehearsal").status_code == 200
    assert (
        director.get(
            "/exercises/studio/templates/rehearsal?template=mediterranean-regional"
        ).status_code
        == 200
    )
    assert on_loop == []
