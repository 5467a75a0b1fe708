"""Evaluation as HSEEP does it (issue 17, item 4): each objective's capabilities and critical
tasks in the scenario, checked by the validator; observers rate each critical task P, S, M or U
(HSEEP 2020's ratings) with a note and evidence; the ratings reach the report and its findings.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pharos.exercise.report import after_action, html
from pharos.exercise.rules.events import EventKind
from pharos.exercise.rules.fold import fold
from pharos.exercise.rules.state import state_hash
from pharos.exercise.runtime.session import CommandRefused, ExerciseSession
from pharos.exercise.scenario.loader import ScenarioError, bundled_path, load_scenario
from pharos.i18n import use_locale

from .drill import play


def _edited(tmp_path: Path, old: str, new: str) -> Path:
    src = bundled_path("mediterranean-regional")
    text = src.read_text(encoding="utf-8")
    assert old in text, old
    out = tmp_path / "eeg.yaml"
    out.write_text(text.replace(old, new, 1), encoding="utf-8")
    (tmp_path / "evidence").symlink_to(src.parent / "evidence")
    return out


def test_the_bundled_objectives_have_capabilities_and_critical_tasks() -> None:
    sc = load_scenario("mediterranean-regional").scenario
    caps = {c.id for o in sc.objectives for c in o.capabilities}
    assert {"screening", "referral", "interviewing", "cross-border-cooperation"} <= caps
    tasks = sc.critical_tasks()
    assert len(tasks) == 9 and all(t.task and t.capability_title for t in tasks)
    t = sc.critical_task("identification_and_referral", "screen-everyone")
    assert t is not None and t.capability == "screening"
    assert t.task == "Screen every person contacted against the indicators"


def test_the_capabilities_are_translated() -> None:
    loaded = load_scenario("mediterranean-regional")
    with use_locale("fr"):
        sc = loaded.localized()
    t = sc.critical_task("identification_and_referral", "screen-everyone")
    assert t is not None and t.capability_title == "Repérage et identification"
    assert t.task.startswith("Soumettre chaque personne")


def test_a_scenario_written_before_capabilities_still_loads(tmp_path: Path) -> None:
    """An exercise keeps the scenario text it was created with: critical tasks as plain texts
    are read as one capability named after the objective, tasks numbered from 1."""
    path = _edited(
        tmp_path,
        """    capabilities:
      - id: information-sharing
        title: Information sharing between agencies
        critical_tasks:
          - id: share-same-day
            task: Agencies of one state share what they find within the same exercise day
      - id: joint-operations
        title: Joint operations
        critical_tasks:
          - id: joint-inspection
            task: Labour inspectors and police plan a joint inspection
""",
        """    critical_tasks:
      - Agencies of one state share what they find within the same exercise day
      - Labour inspectors and police plan a joint inspection
""",
    )
    sc = load_scenario(path).scenario
    t = sc.critical_task("multi_agency_collaboration", "2")
    assert t is not None and t.task == "Labour inspectors and police plan a joint inspection"
    assert t.capability_title == "Foster multi-agency collaboration"


def test_a_duplicate_critical_task_is_reported_with_its_line(tmp_path: Path) -> None:
    path = _edited(tmp_path, "- id: answer-in-time", "- id: right-instrument")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    (p,) = err.value.problems
    assert "duplicate critical task id 'right-instrument'" in p.message
    assert p.field.startswith("objectives[3].capabilities[0].critical_tasks[1]")
    assert "right-instrument" in path.read_text().splitlines()[p.line - 1]


def test_an_objective_without_critical_tasks_is_refused(tmp_path: Path) -> None:
    path = _edited(
        tmp_path,
        """        critical_tasks:
          - id: screen-everyone
            task: Screen every person contacted against the indicators
""",
        "        critical_tasks: []\n",
    )
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert any("critical_tasks" in p.field for p in err.value.problems)


def _rate(s: ExerciseSession, **kw: object) -> None:
    body = {
        "team": "ita-labour",
        "objective": "victim_centred_protection",
        "task": "interview-safely",
        "rating": "S",
        "note": "Arabic interpreter, but in the greenhouse office with the foreman outside",
        "evidence": "day 1 04:48, interview of Karim A.",
    }
    s.submit(EventKind.OBSERVATION, "observer-1", {**body, **kw})


def test_an_observer_rates_a_critical_task_p_s_m_or_u(session: ExerciseSession) -> None:
    play(session)
    _rate(session)
    _rate(session, team="ita-police", task="grant-recovery-period", rating="U",
          note="Karim was identified; no recovery and reflection period was granted")  # fmt: skip
    (s_rating, u_rating) = session.state.task_ratings
    assert u_rating.rating == "U" and u_rating.team == "ita-police"
    assert (s_rating.team, s_rating.task, s_rating.rating) == (
        "ita-labour",
        "interview-safely",
        "S",
    )
    assert s_rating.evidence == "day 1 04:48, interview of Karim A."
    # the fold gives the same state as the live session
    again = fold(session.scenario, session.exercise_id, session.seed, session.store.events(
        session.exercise_id))  # fmt: skip
    assert state_hash(again) == session.state_hash()
    r = after_action.build(session.scenario, session.state, date(2024, 10, 11))
    assert [x["rating"] for x in r.task_ratings] == ["S", "U"]  # in the scenario's task order
    assert dict(r.summary)["Critical tasks rated"] == "P: 0; S: 1; M: 0; U: 1"
    assert any("Unable to be performed" in f.text for f in r.improvements)
    page = html.render_html(r)
    assert "U · Unable to be performed" in page and "Protection and assistance" in page


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"rating": "4"}, "rate the task P, S, M or U"),
        ({"task": "no-such-task"}, "choose a critical task"),
        ({"objective": "networks_across_borders"}, "choose a critical task"),  # not its task
        ({"team": "egy-police"}, "unknown team"),  # nobody plays it
        ({"rating": "M", "note": " "}, "a rating other than P needs a note"),
        ({"evidence": "x" * 4001}, "maximum length: 4000"),
    ],
)
def test_a_rating_that_does_not_fit_the_guide_is_refused(
    session: ExerciseSession, change: dict[str, object], why: str
) -> None:
    before = session.state.last_seq
    with pytest.raises(CommandRefused, match=why):
        _rate(session, **change)
    assert session.state.last_seq == before and not session.state.task_ratings


def test_a_p_needs_no_note(session: ExerciseSession) -> None:
    _rate(session, rating="P", note="", evidence="")
    assert session.state.task_ratings[0].rating == "P"


def test_participants_give_feedback_that_reaches_the_report(session: ExerciseSession) -> None:
    """HSEEP's participant feedback form: what went well, what to improve."""
    with pytest.raises(CommandRefused, match="say what went well or what to improve"):
        session.submit(EventKind.FEEDBACK, "lucia", {"team": "ita-labour", "went_well": " "})
    session.submit(EventKind.ENDED, "director", {})
    # after the end too: feedback comes after play
    session.submit(
        EventKind.FEEDBACK,
        "lucia",
        {"team": "ita-labour", "went_well": "The interpreter came fast", "to_improve": ""},
    )
    (fb,) = session.state.feedback
    assert (fb["by"], fb["team"]) == ("lucia", "ita-labour")
    r = after_action.build(session.scenario, session.state, date(2024, 10, 11))
    page = html.render_html(r)
    assert "Participant feedback" in page and "The interpreter came fast" in page
