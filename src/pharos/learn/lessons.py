"""The lessons and practices library and the improvement plan: add, search, track.

Full-text search uses the database's own engine: SQLite FTS5 (``lesson_fts``) or PostgreSQL
``to_tsvector``/``websearch_to_tsquery`` (both created by migration ``0002_learn``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from pharos.coordinate import audit
from pharos.coordinate.permissions import Principal, RecordRef, Scope, require, scopes
from pharos.coordinate.validation import Fields, ValidationFailed
from pharos.domain.geography import region_state_codes
from pharos.domain.practitioners import PractitionerKind
from pharos.domain.vocabulary import ExploitationType
from pharos.i18n import _, lazy_gettext, lazy_pgettext
from pharos.store.base import utcnow
from pharos.store.models.learn import ImprovementItem, Lesson


class Pillar(StrEnum):
    """The four Ps of anti-trafficking work."""

    PREVENTION = "prevention"
    PROTECTION = "protection"
    PROSECUTION = "prosecution"
    PARTNERSHIP = "partnership"


class SourceKind(StrEnum):
    AFTER_ACTION_REPORT = "after_action_report"
    NATIONAL_PRACTICE = "national_practice"
    MANUAL = "manual"


class ItemStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"


PILLAR_LABELS = {
    Pillar.PREVENTION: lazy_gettext("Prevention"),
    Pillar.PROTECTION: lazy_gettext("Protection"),
    Pillar.PROSECUTION: lazy_gettext("Prosecution"),
    Pillar.PARTNERSHIP: lazy_gettext("Partnership"),
}
SOURCE_LABELS = {
    SourceKind.AFTER_ACTION_REPORT: lazy_gettext("After-action report"),
    SourceKind.NATIONAL_PRACTICE: lazy_gettext("National practice"),
    SourceKind.MANUAL: lazy_gettext("Manual entry"),
}
STATUS_LABELS = {
    ItemStatus.OPEN: lazy_gettext("Open"),
    ItemStatus.IN_PROGRESS: lazy_gettext("In progress"),
    ItemStatus.DONE: lazy_pgettext("plan item", "Done"),
}


@dataclass(frozen=True)
class ItemView:
    item: ImprovementItem
    overdue: bool


def _csv(values: list[Any]) -> str:
    return ",".join(str(v.value if isinstance(v, StrEnum) else v) for v in values)


def add_lesson(session: Session, p: Principal, data: Mapping[str, Any]) -> Lesson:
    """Validate and add a lesson (audited); the caller commits."""
    require(p, "lesson", "create")
    f = Fields(data)
    title = f.text("title", required=True, max_length=200)
    body = f.text("text", required=True, max_length=20000)
    state = f.one_of("state", ["", *region_state_codes()], required=False)
    pillar = f.choice("pillar", Pillar)
    source = f.choice("source_kind", SourceKind)
    kinds = f.many("practitioner_kinds", PractitionerKind)
    types = f.many("exploitation_types", ExploitationType)
    ref = f.text("source_ref", max_length=300)
    f.check()
    assert pillar is not None and source is not None
    lesson = Lesson(
        title=title,
        text=body,
        state=state or "",
        pillar=pillar.value,
        source_kind=source.value,
        source_ref=ref,
        practitioner_kinds=_csv(kinds),
        exploitation_types=_csv(types),
        agency_id=p.agency_id,
        author_id=p.user_id,
    )
    session.add(lesson)
    session.flush()
    audit.record(session, p, "create", "lesson", lesson.id, detail={"title": title})
    return lesson


def _match_query(session: Session, query: str) -> list[int] | None:
    """Ids of lessons matching ``query`` by full text, best first; None for an empty query."""
    words = re.findall(r"\w+", query, flags=re.UNICODE)[:12]
    if not words:
        return None
    if session.get_bind().dialect.name == "sqlite":
        # every word as a prefix, quoted so that FTS5 operators typed by users mean nothing
        match = " ".join('"' + w.replace('"', "") + '"*' for w in words)
        rows = session.execute(
            text("SELECT rowid FROM lesson_fts WHERE lesson_fts MATCH :q ORDER BY rank"),
            {"q": match},
        )
    else:
        # every word as a prefix (word:*), as on SQLite; \w+ words carry no tsquery operators
        prefix = " & ".join(f"{w.lower()}:*" for w in words)
        rows = session.execute(
            text(
                "SELECT id FROM lesson WHERE to_tsvector('simple', title || ' ' || text) "
                "@@ to_tsquery('simple', :q) ORDER BY ts_rank(to_tsvector('simple', "
                "title || ' ' || text), to_tsquery('simple', :q)) DESC"
            ),
            {"q": prefix},
        )
    return [int(r[0]) for r in rows]


def search_lessons(
    session: Session,
    p: Principal,
    *,
    query: str = "",
    pillar: str = "",
    state: str = "",
    kind: str = "",
    exploitation: str = "",
) -> list[Lesson]:
    """Lessons matching the words and filters; everyone who may read the library sees all."""
    require(p, "lesson", "read")
    ids = _match_query(session, query)
    stmt = select(Lesson)
    if ids is not None:
        if not ids:
            return []
        stmt = stmt.where(Lesson.id.in_(ids))
    if pillar:
        stmt = stmt.where(Lesson.pillar == pillar)
    if state:
        stmt = stmt.where(Lesson.state == state)
    lessons = list(session.execute(stmt.order_by(Lesson.created_at.desc())).scalars())
    if kind:
        lessons = [x for x in lessons if kind in x.practitioner_kinds.split(",")]
    if exploitation:
        lessons = [x for x in lessons if exploitation in x.exploitation_types.split(",")]
    if ids is not None:
        order = {i: n for n, i in enumerate(ids)}
        lessons.sort(key=lambda x: order.get(x.id, 0))
    return lessons


def add_item(session: Session, p: Principal, data: Mapping[str, Any]) -> ImprovementItem:
    """Validate and add an improvement-plan item for the user's agency (audited)."""
    require(p, "improvement", "create", RecordRef(state=p.state, agency_id=p.agency_id))
    f = Fields(data)
    title = f.text("title", required=True, max_length=200)
    owner = f.text("owner", required=True, max_length=120)
    due = f.date("due_date", required=True)
    lesson_id = f.record_id("lesson_id", required=False)
    f.check()
    assert due is not None
    if lesson_id is not None and session.get(Lesson, lesson_id) is None:
        raise ValidationFailed({"lesson_id": _("no such lesson")})
    item = ImprovementItem(
        title=title,
        owner=owner,
        due_date=due,
        lesson_id=lesson_id,
        state=p.state,
        agency_id=p.agency_id,
        status=ItemStatus.OPEN.value,
    )
    session.add(item)
    session.flush()
    audit.record(session, p, "create", "improvement", item.id, detail={"title": title})
    return item


def set_item_status(session: Session, p: Principal, item_id: int, status: str) -> ImprovementItem:
    """Move an item to ``status`` (audited)."""
    item = session.get(ImprovementItem, item_id)
    if item is None:
        raise ValidationFailed({"item": _("no such item")})
    require(p, "improvement", "update", RecordRef(state=item.state, agency_id=item.agency_id))
    if status not in {s.value for s in ItemStatus}:
        raise ValidationFailed({"status": _("not a status")})
    previous = item.status
    item.status = status
    item.updated_at = utcnow()
    audit.record(session, p, "update", "improvement", item.id,
                 detail={"status": [previous, status]})  # fmt: skip
    return item


def plan(session: Session, p: Principal, today: date | None = None) -> list[ItemView]:
    """The improvement items the user may see, overdue first, then by due date."""
    allowed = scopes(p, "improvement", "read")
    if not allowed:
        return []
    stmt = select(ImprovementItem)
    if Scope.ALL not in allowed:
        if Scope.STATE in allowed:
            stmt = stmt.where(ImprovementItem.state == p.state)
        else:
            stmt = stmt.where(ImprovementItem.agency_id == p.agency_id)
    today = today or date.today()
    views = [
        ItemView(i, i.status != ItemStatus.DONE.value and i.due_date < today)
        for i in session.execute(stmt).scalars()
    ]
    views.sort(
        key=lambda v: (not v.overdue, v.item.status == ItemStatus.DONE.value, v.item.due_date)
    )
    return views


def overdue(session: Session, p: Principal, today: date) -> list[ImprovementItem]:
    """The items of the user's own agency past their due date and not done, oldest due date
    first (the dashboard's highlight). ``plan`` gives only what the user may read (the own
    agency; the whole state for its coordinator); of those, only the own agency's are shown."""
    return [
        v.item for v in plan(session, p, today) if v.overdue and v.item.agency_id == p.agency_id
    ]
