"""Publishing an exercise's lessons to the lessons library (``pharos.learn.lessons``).

Each strength and area for improvement of the after-action report becomes a lesson (source:
after-action report, with the exercise as reference); each corrective action of the improvement
plan becomes an item of the publishing agency's improvement plan, linked to its lesson.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from pharos.coordinate.permissions import Principal
from pharos.exercise.report.after_action import Report
from pharos.exercise.scenario.schema import ExerciseScenario
from pharos.learn.lessons import Pillar, SourceKind, add_item, add_lesson

#: Which of the four Ps each OSCE objective feeds.
PILLAR_OF = {
    "multi_agency_collaboration": Pillar.PARTNERSHIP,
    "identification_and_referral": Pillar.PROTECTION,
    "victim_centred_protection": Pillar.PROTECTION,
    "networks_across_borders": Pillar.PARTNERSHIP,
}


def publish(session: Session, p: Principal, sc: ExerciseScenario, r: Report) -> tuple[int, int]:
    """Add the report's lessons and corrective actions; the caller commits. Returns counts."""
    teams = {t.id: t for t in sc.teams}
    lesson_of: dict[str, int] = {}
    kinds = sorted({t.agency_kind.value for t in sc.teams if t.played})
    types = sorted({s.exploitation.value for s in sc.storylines})
    for f in [*r.strengths, *r.improvements]:
        state = teams[f.owner].state if f.owner in teams else ""
        lesson = add_lesson(
            session,
            p,
            {
                "title": f.text[:200],
                "text": f"{r.objectives.get(f.objective, f.objective)}: {f.text}",
                "state": state,
                "pillar": PILLAR_OF.get(f.objective, Pillar.PARTNERSHIP).value,
                "source_kind": SourceKind.AFTER_ACTION_REPORT.value,
                "source_ref": f"{sc.title} — exercise {r.exercise_id}"[:300],
                "practitioner_kinds": kinds,
                "exploitation_types": types,
            },
        )
        lesson_of[f.text] = lesson.id
    items = 0
    for a in r.plan:
        text = a.action.split(": ", 1)[-1]
        data: dict[str, object] = {
            "title": a.action[:200],
            "owner": a.owner[:120],
            "due_date": a.due.isoformat(),
        }
        if text in lesson_of:
            data["lesson_id"] = lesson_of[text]
        add_item(session, p, data)
        items += 1
    return len(lesson_of), items
