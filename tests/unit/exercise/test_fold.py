"""State is a deterministic fold over the log: same log, same hash; replay to any moment."""

from __future__ import annotations

from pharos.exercise.rules.events import EventKind
from pharos.exercise.rules.fold import fold
from pharos.exercise.rules.state import state_hash
from pharos.exercise.runtime.session import ExerciseSession
from pharos.exercise.runtime.store import MemoryEventStore, SqlEventStore

from .drill import play


def _new(store=None) -> ExerciseSession:
    s = ExerciseSession.create(
        store or MemoryEventStore(), seed=7, exercise_id="drill", clock=lambda: 0.0
    )
    s.submit(EventKind.STARTED, "director", {})
    return s


def test_same_commands_give_the_same_state_hash():
    a, b = _new(), _new()
    play(a)
    play(b)
    assert a.state_hash() == b.state_hash()
    assert a.state.requests[-1].answered_at is not None


def test_a_different_seed_changes_the_world_not_the_played_facts():
    a = _new()
    b = ExerciseSession.create(MemoryEventStore(), seed=8, clock=lambda: 0.0)
    b.submit(EventKind.STARTED, "director", {})
    play(a)
    play(b)
    assert a.state.personas["karim"].identified_at == b.state.personas["karim"].identified_at


def test_refolding_the_stored_log_gives_the_live_state(tmp_path):
    store = SqlEventStore(f"sqlite:///{tmp_path / 'ex.db'}")
    s = _new(store)
    play(s)
    live = s.state_hash()
    # a new process opening the same database folds the same log to the same state
    again = ExerciseSession.open(SqlEventStore(f"sqlite:///{tmp_path / 'ex.db'}"), s.exercise_id)
    assert again.state_hash() == live


def test_replay_to_a_moment_shows_the_exercise_as_it_was():
    s = _new()
    play(s)
    before = s.replay(until_minute=100)  # before the inspection at minute 288
    assert before.personas["karim"].contacted == {}
    assert before.minute == 100
    mid = s.replay(until_minute=300)
    assert mid.personas["karim"].identified_at is None
    assert mid.personas["karim"].disclosed
    assert state_hash(s.replay()) == s.state_hash()


def test_replay_by_event_number_equals_fold_of_the_prefix():
    s = _new()
    play(s)
    events = s.store.events(s.exercise_id)
    for n in (1, 5, len(events)):
        st = fold(s.scenario, s.exercise_id, s.seed, events[:n])
        assert state_hash(st) == state_hash(s.replay(upto_seq=n))
