"""Each phase begins, logged, at its own minute, however far a controller skips ahead (issue 17,
item 7): a Skip from day 0 to day 6 set the phases on the way without logging them, and the
inject triggered by the "investigation" phase (day 5) fired at day 6."""

from __future__ import annotations

from pharos.exercise.report.after_action import build
from pharos.exercise.rules.events import EventKind
from pharos.exercise.rules.fold import fold
from pharos.exercise.rules.state import state_hash
from pharos.exercise.runtime.session import ExerciseSession
from pharos.exercise.runtime.store import MemoryEventStore
from pharos.exercise.scenario.loader import load_scenario
from pharos.exercise.scenario.schema import day_to_minutes

from .drill import play


def _skipped() -> ExerciseSession:
    s = ExerciseSession.create(MemoryEventStore(), clock=lambda: 0.0)
    s.submit(EventKind.STARTED, "director", {})
    s.advance_days(6)  # one Skip: day 0 → day 6
    return s


def test_a_skip_logs_each_phase_at_its_start() -> None:
    s = _skipped()
    phases = {p.id: day_to_minutes(p.starts_day) for p in s.scenario.clock.phases}
    logged = [(e["minute"], e["phase"]) for e in s.state.timeline if e["what"] == "phase"]
    # the bundled scenario's clock: identification from day 2, investigation from day 5
    assert logged == [(2880, "identification"), (7200, "investigation")]
    assert logged == [(phases[p], p) for p in ("identification", "investigation")]
    assert s.state.phase == "investigation"


def test_an_inject_triggered_by_a_phase_fires_when_the_phase_begins() -> None:
    s = _skipped()
    (ads,) = [i for i in s.scenario.injects if i.id == "greece-ads"]
    assert ads.trigger is not None and ads.trigger.subject == "investigation"
    assert ads.trigger.delay_days == 0
    assert s.state.released_injects["greece-ads"] == 7200  # day 5, not day 6
    assert [m.minute for m in s.state.teams["grc-police"].inbox if m.id.startswith("greece-ads")]


def test_the_report_lists_the_phases_of_a_skip() -> None:
    s = _skipped()
    texts = [e["text"] for e in build(s.scenario, s.state).timeline]
    assert "New phase: Identification and protection" in texts
    assert "New phase: Investigation across borders" in texts


#: The state hash of the log below folded by the code before phases were logged (commit
#: cac0aa4): an exercise created then replays to the same state.
OLD_LOG_HASH = "7e795016ba56b18b3644306ccf0228d4a423d5ec8c92eda331240f51e08c16a4"


def test_a_log_from_before_phases_were_logged_folds_as_before() -> None:
    loaded = load_scenario("mediterranean-regional")
    sc = loaded.scenario
    store = MemoryEventStore()
    store.create_exercise("x", "t", sc.title, sc.world.seed, loaded.source)
    created = {"seed": sc.world.seed, "decisions": "logged", "referrals": "answered"}
    store.append("x", 0, EventKind.CREATED, "system", created)
    s = ExerciseSession(loaded, store, "x", sc.world.seed, lambda: 0.0)
    s.submit(EventKind.STARTED, "director", {})
    play(s)
    s.advance_days(6)
    assert not s.state.phases_logged
    assert s.state.released_injects["greece-ads"] > 7200  # as it was played then
    assert state_hash(s.state) == OLD_LOG_HASH
    assert state_hash(fold(sc, "x", s.seed, store.events("x"))) == OLD_LOG_HASH
