"""The event log is append-only and hash-chained; a changed event is detected."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from pharos.exercise.rules.events import EventKind
from pharos.exercise.runtime.store import (
    MemoryEventStore,
    SqlEventStore,
    UnknownExerciseError,
    exercise_event,
    verify,
)


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_append_and_read_back_in_order(kind, tmp_path):
    store = (
        MemoryEventStore() if kind == "memory" else SqlEventStore(f"sqlite:///{tmp_path / 'e.db'}")
    )
    store.create_exercise("x1", "mediterranean-regional", "t", 1)
    store.create_exercise("x2", "mediterranean-regional", "t", 1)
    for i in range(5):
        store.append("x1", i, EventKind.NOTE_ADDED, "c", {"text": f"n{i}"})
    store.append("x2", 0, EventKind.STARTED, "c", {})
    evs = store.events("x1")
    assert [e.seq for e in evs] == [1, 2, 3, 4, 5]
    assert [e.payload["text"] for e in evs] == ["n0", "n1", "n2", "n3", "n4"]
    assert len(store.events("x2")) == 1  # several exercises at once, separate logs
    assert store.events("x1", upto_seq=2)[-1].seq == 2
    assert verify(evs) == []
    with pytest.raises(UnknownExerciseError):
        store.append("nope", 0, EventKind.STARTED, "c", {})


def test_a_changed_event_breaks_the_chain(tmp_path):
    store = SqlEventStore(f"sqlite:///{tmp_path / 'e.db'}")
    store.create_exercise("x", "s", "t", 1)
    for i in range(4):
        store.append("x", i, EventKind.NOTE_ADDED, "c", {"text": str(i)})
    with store.engine.begin() as conn:
        conn.execute(
            update(exercise_event)
            .where(exercise_event.c.seq == 2)
            .values(payload={"text": "forged"})
        )
    assert verify(store.events("x")) == [2]
