"""Publishing an exercise's lessons (issue 17, item 4): "Publish the lessons" put fictional items
("Salma B. was never contacted") into the director's real improvement plan, 13 of 14 actions
read "Address: <finding>", owned by a "national anti-trafficking coordinator" of no state. Now a
lesson is worded as a lesson (no person of the scenario in the library), the same lesson found
several times is one, and only the actions a real agency of the publisher's state owns go into
the real improvement plan, owned by that agency's name."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from pharos.coordinate.accounts import principal
from pharos.exercise.report import after_action
from pharos.exercise.rules.events import EventKind
from pharos.exercise.runtime.session import ExerciseSession
from pharos.exercise.runtime.store import MemoryEventStore
from pharos.learn import exercise_lessons
from pharos.store.models import Agency, ImprovementItem, Lesson, User
from pharos.web.testing import app_on

from ...unit.exercise.drill import play


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with app_on("sqlite", tmp_path_factory.mktemp("db")) as app:
        yield app


def test_lessons_are_lessons_and_only_real_agencies_get_actions(app) -> None:
    s = ExerciseSession.create(MemoryEventStore(), clock=lambda: 0.0)
    s.submit(EventKind.STARTED, "director", {})
    play(s)
    s.submit(EventKind.ENDED, "director", {})
    r = after_action.build(s.scenario, s.state, date(2024, 10, 11))
    people = [c.name for c in s.scenario.characters]
    networks = [n.name for n in s.scenario.networks]
    # the findings name the scenario's people; the plan's actions do not
    assert any("Salma B." in f.text for f in r.improvements)
    assert not any(a.action.startswith("Address:") for a in r.plan if a.source == "measured")
    assert not any(name in a.action for a in r.plan for name in people + networks)
    # the lead evaluator reviews: actions owned by no team are given to Tunisia's police
    s.submit(EventKind.REVIEW_STARTED, "lead", after_action.review_draft(r))
    for a in [a for a in s.state.review.actions if not a["state"]]:
        after = a | {"state": "TUN", "agency_kind": "law_enforcement"}
        s.submit(
            EventKind.ACTION_REVIEWED,
            "lead",
            {"op": "edit", "id": a["id"], "before": a, "after": after},
        )
    s.submit(EventKind.REVIEW_APPROVED, "lead", {})
    r = after_action.build(s.scenario, s.state, date(2024, 10, 11))
    with app.state.sessions() as db:
        user = db.execute(select(User).where(User.username == "it.coordinator")).scalar_one()
        p = principal(user)
        italian = {
            a.kind: a.name
            for a in db.execute(select(Agency).where(Agency.state == "ITA")).scalars()
        }
        done = exercise_lessons.publish(db, p, s.scenario, r)
        db.commit()
        lessons = db.execute(select(Lesson).where(Lesson.source_ref.contains(s.exercise_id)))
        lessons = list(lessons.scalars())
        items = list(
            db.execute(
                select(ImprovementItem).where(ImprovementItem.agency_id == p.agency_id)
            ).scalars()
        )
    assert done.lessons == len(lessons) > 0
    texts = " ".join(x.title + " " + x.text for x in lessons)
    for name in people + networks:
        assert name not in texts, name
    # "never contacted" was found for three victims: one lesson
    assert sum("never contacted" in x.title for x in lessons) == 1
    # the Italian teams' actions, owned by the directory's Italian agencies; none of another
    # state's, none owned by no team
    expected = [a for a in r.plan if a.state == "ITA" and a.agency_kind in italian]
    assert done.items == len(expected) and done.items + done.kept_in_report == len(r.plan)
    assert done.kept_in_report > 0
    assert {i.owner for i in items} <= set(italian.values())
    assert not any(i.owner == "national anti-trafficking coordinator" for i in items)
