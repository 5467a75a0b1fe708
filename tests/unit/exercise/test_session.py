"""Group commit: commands are acknowledged and announced only after their commit."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from pharos.exercise.rules.events import Event, EventKind
from pharos.exercise.rules.fold import fold
from pharos.exercise.rules.state import state_hash
from pharos.exercise.runtime.session import CommandRefused, ExerciseSession, StoreFailed
from pharos.exercise.runtime.store import MemoryEventStore, SqlEventStore, verify


class SlowStore(SqlEventStore):
    """A SQLite store whose commits take a while (a loaded disk) and are counted."""

    def __init__(self, url: str, fail: int = 0) -> None:
        super().__init__(url)
        self.commits: list[int] = []
        self.fail = fail

    def commit(self, exercise_id: str, events: list[Event]) -> None:
        time.sleep(0.05)
        if self.fail and events and events[0].kind == EventKind.ACTION:
            self.fail -= 1
            raise OSError("disk full")
        super().commit(exercise_id, events)
        self.commits.append(len(events))


def _statement(s: ExerciseSession, i: int) -> Event:
    return s.act("ita-police", "marco", type="publish_media_statement", text=f"statement {i}")


def test_concurrent_commands_share_commits_and_every_acknowledged_one_is_stored(tmp_path: Path):
    store = SlowStore(f"sqlite:///{tmp_path / 'x.db'}")
    s = ExerciseSession.create(store, clock=lambda: 0.0)
    s.submit(EventKind.STARTED, "director", {})
    announced: list[int] = []
    s.listeners.append(lambda ev, st: lambda: announced.append(ev.seq))
    acked: list[Event] = []
    threads = [
        threading.Thread(target=lambda i=i: acked.append(_statement(s, i))) for i in range(20)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stored = store.events(s.exercise_id)
    assert len(acked) == 20 and not verify(stored)
    assert {e.seq for e in acked} <= {e.seq for e in stored}
    assert sorted(announced) == announced == [e.seq for e in stored if e.seq > 2]
    assert len(store.commits) < 20 + 2  # several commands per transaction
    assert max(store.commits) > 1
    reopened = ExerciseSession.open(SqlEventStore(f"sqlite:///{tmp_path / 'x.db'}"), s.exercise_id)
    assert reopened.state_hash() == s.state_hash()


def test_a_failed_commit_fails_its_command_announces_nothing_and_keeps_the_stored_state(
    tmp_path: Path,
):
    store = SlowStore(f"sqlite:///{tmp_path / 'x.db'}", fail=1)
    s = ExerciseSession.create(store, clock=lambda: 0.0)
    s.submit(EventKind.STARTED, "director", {})
    before = s.state_hash()
    announced: list[int] = []
    s.listeners.append(lambda ev, st: lambda: announced.append(ev.seq))
    with pytest.raises(StoreFailed):
        _statement(s, 0)
    assert s.state_hash() == before and not announced
    ev = _statement(s, 1)  # the store works again: the next command goes through
    assert announced == [ev.seq] and ev.seq == 3
    assert s.state.media[-1]["text"] == "statement 1" and len(s.state.media) == 1
    evs = store.events(s.exercise_id)
    assert state_hash(fold(s.scenario, s.exercise_id, s.seed, evs)) == s.state_hash()


def test_a_refused_command_stores_nothing(session):
    n = len(session.store.events(session.exercise_id))
    with pytest.raises(ValueError):
        session.act("ita-labour", "lucia", type="search_and_arrest", place="ragusa-greenhouse")
    assert len(session.store.events(session.exercise_id)) == n


def test_the_memory_store_refuses_events_that_do_not_follow_its_log():
    store = MemoryEventStore()
    store.create_exercise("x", "s", "t", 1)
    a = store.prepare("x", 0, EventKind.CREATED, "system", {})
    store.discard("x")
    b = store.prepare("x", 0, EventKind.CREATED, "system", {})
    store.commit("x", [b])
    with pytest.raises(ValueError):
        store.commit("x", [a])


MALFORMED = [
    {"type": "publish_media_statement", "text": "x", "network": ["sx-network"]},
    {"type": "publish_media_statement", "text": "x", "persona": {"id": "karim"}},
    {"type": "share_with_team", "to_team": ["ita-labour"]},
    {"type": "send_cross_border_request", "to_state": "TUN", "instrument": ["x"]},
    {"type": "screen", "persona": "karim", "indicators": [["deception"]]},
    {"type": "interview", "persona": "karim", "approach": "trauma_informed", "setting": {}},
]


@pytest.mark.parametrize("payload", MALFORMED, ids=lambda p: p["type"])
def test_a_field_of_the_wrong_shape_is_refused_by_name_and_stores_nothing(
    tmp_path: Path, payload: dict
):
    """A list or an object where one value belongs (a repeated form field, a JSON client) is
    refused before the event is numbered: the log keeps its chain and folds again after a
    restart (it used to crash the fold after numbering: a gap in the log, an exercise that could
    no longer be opened)."""
    url = f"sqlite:///{tmp_path / 'x.db'}"
    s = ExerciseSession.create(SqlEventStore(url), clock=lambda: 0.0)
    s.submit(EventKind.STARTED, "director", {})
    before, seq = s.state_hash(), s.state.last_seq
    with pytest.raises(CommandRefused) as refused:
        s.act("ita-police", "marco", **payload)
    bad = next(k for k, v in payload.items() if isinstance(v, (list, dict)))
    assert bad in str(refused.value)
    assert s.state_hash() == before and s.state.last_seq == seq
    assert _statement(s, 1).seq == seq + 1
    stored = s.store.events(s.exercise_id)
    assert not verify(stored) and [e.seq for e in stored] == list(range(1, seq + 2))
    reopened = ExerciseSession.open(SqlEventStore(url), s.exercise_id)
    assert reopened.state_hash() == s.state_hash()


def test_an_event_that_fails_to_apply_is_undone(tmp_path: Path, monkeypatch):
    """Should an accepted command still fail when applied (a bug), its event is forgotten: the
    error reaches the caller, the state is as before, the next event takes its number."""
    from pharos.exercise.rules.actions import catalogue

    url = f"sqlite:///{tmp_path / 'x.db'}"
    s = ExerciseSession.create(SqlEventStore(url), clock=lambda: 0.0)
    s.submit(EventKind.STARTED, "director", {})
    _statement(s, 0)
    real = catalogue.apply

    def broken(sc, st, team, p, seq):
        real(sc, st, team, p, seq)  # the state is changed, then the bug strikes
        if p.get("text") == "boom":
            raise RuntimeError("bug")

    monkeypatch.setattr(catalogue, "apply", broken)
    before, seq = s.state_hash(), s.state.last_seq
    with pytest.raises(RuntimeError):
        s.act("ita-police", "marco", type="publish_media_statement", text="boom")
    assert s.state_hash() == before and s.state.last_seq == seq
    assert [m["text"] for m in s.state.media] == ["statement 0"]
    assert _statement(s, 1).seq == seq + 1
    stored = s.store.events(s.exercise_id)
    assert not verify(stored)
    monkeypatch.setattr(catalogue, "apply", real)
    assert ExerciseSession.open(SqlEventStore(url), s.exercise_id).state_hash() == s.state_hash()
