"""Publishing an exercise's lessons to the lessons library (``pharos.learn.lessons``).

An exercise is fiction: its people, teams and networks are the scenario's. What goes into the
library is what it teaches, worded for practitioners outside it. Each strength and area for
improvement of the after-action report becomes a lesson by its ``lesson`` (the same lesson found
several times is one lesson), never by what happened to a fictional person; an observer's or
the hot-wash's own words are published as written. A corrective action goes into the
publisher's real improvement plan only when a real agency owns it: its owner is of the
publisher's state and an agency of that state and kind is in the directory (its name is the
item's owner); any other action (another state's agency, no owner, an agency kind the
directory does not have there) stays in the report.

Nothing is published before the lead evaluator has approved the report's findings and actions
(``pharos.exercise.rules.review``): ``publish`` refuses a report whose review is not approved.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from pharos.coordinate.permissions import Principal
from pharos.exercise.report.after_action import Report
from pharos.exercise.scenario.schema import ExerciseScenario
from pharos.learn.lessons import Pillar, SourceKind, add_item, add_lesson
from pharos.store.models import Agency

#: Which of the four Ps each OSCE objective feeds.
PILLAR_OF = {
    "multi_agency_collaboration": Pillar.PARTNERSHIP,
    "identification_and_referral": Pillar.PROTECTION,
    "victim_centred_protection": Pillar.PROTECTION,
    "networks_across_borders": Pillar.PARTNERSHIP,
}


class NotApproved(ValueError):
    """The report's findings and actions have not been approved by the lead evaluator."""


@dataclass(frozen=True)
class Published:
    lessons: int
    items: int
    #: corrective actions left in the report: no real agency of the publisher's state owns them
    kept_in_report: int


def publish(session: Session, p: Principal, sc: ExerciseScenario, r: Report) -> Published:
    """Add the report's lessons and the corrective actions real agencies own; the caller
    commits."""
    if r.review != "approved":
        raise NotApproved(r.exercise_id)
    teams = {t.id: t for t in sc.teams}
    kinds = sorted({t.agency_kind.value for t in sc.teams if t.played})
    types = sorted({s.exploitation.value for s in sc.storylines})
    source = f"{sc.title} — exercise {r.exercise_id}"[:300]
    lesson_of: dict[str, int] = {}
    for f in [*r.strengths, *r.improvements]:
        said = f.lesson or f.text
        if said in lesson_of:
            continue
        state = teams[f.owner].state if f.owner in teams and f.lesson is None else ""
        lesson = add_lesson(
            session,
            p,
            {
                "title": said[:200],
                "text": f"{r.objectives.get(f.objective, f.objective)}: {said}",
                "state": state,
                "pillar": PILLAR_OF.get(f.objective, Pillar.PARTNERSHIP).value,
                "source_kind": SourceKind.AFTER_ACTION_REPORT.value,
                "source_ref": source,
                "practitioner_kinds": kinds,
                "exploitation_types": types,
            },
        )
        lesson_of[said] = lesson.id
    items = kept = 0
    for a in r.plan:
        agency = _real_agency(session, p, a.state, a.agency_kind)
        if agency is None:
            kept += 1
            continue
        data: dict[str, object] = {
            "title": a.action[:200],
            "owner": agency.name[:120],
            "due_date": a.due.isoformat(),
        }
        if a.action in lesson_of:
            data["lesson_id"] = lesson_of[a.action]
        add_item(session, p, data)
        items += 1
    return Published(len(lesson_of), items, kept)


def _real_agency(
    session: Session, p: Principal, state: str | None, kind: str | None
) -> Agency | None:
    """The directory's agency of the publisher's state and the owner's kind (None: no owner,
    the owner is another state's, or no such agency is in the directory)."""
    if state is None or kind is None or state != p.state:
        return None
    return (
        session.execute(
            select(Agency).where(Agency.state == state, Agency.kind == kind).order_by(Agency.id)
        )
        .scalars()
        .first()
    )
