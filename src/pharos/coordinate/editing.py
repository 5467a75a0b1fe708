"""Editing a case's records, with their history: persons, trafficking events, notes and support
plans (the services given to the victim, HTCDS ``spl_``).

Every edit is kept where every change of a case already is, the audit trail (append-only,
hash-chained): one entry ``edit_<record>`` per edit, with who, when and, for each field that
changed, its value before and after (``detail.changes``). The case page shows that history to
each reader as the reader may see the record (:func:`history`): identifying fields of a
victim only to readers who see the victim's identity, who did it only to those who need to
know. Nothing is overwritten unseen: each record carries a version, an edit is sent with the
version its form was loaded with, and an edit of a record that changed since is refused
(:class:`StaleEdit`, HTTP 409) with who changed it and when. The database enforces the same
(SQLAlchemy's ``version_id_col``: an ``UPDATE … WHERE version = ?`` that finds no row fails),
so two edits racing past the check cannot both be written.

Who may edit (``pharos.coordinate.permissions``): a person, those who may change the case
(``case:update``, as adding one); an event, those who contribute to it (``case:contribute``);
a note, its author only (``case_note:update``, scope own); a support plan, its author's agency
(``support_plan:update``). Every edit also needs the full view of the case
(``cases.require_on_case``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from babel.support import LazyProxy
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from pharos.coordinate import audit
from pharos.coordinate.cases import (
    NotFound,
    _flag_duplicates,
    _person_fields,
    event_fields,
    match_key,
    require_on_case,
    touch,
)
from pharos.coordinate.permissions import (
    IdentityView,
    Principal,
    RecordRef,
    allowed,
    require,
    sees_identity,
)
from pharos.coordinate.validation import Fields, StaleEdit
from pharos.coordinate.vocabulary import (
    EVENT_LABELS,
    SUPPORT_PLAN_LABELS,
    EventType,
    PersonRole,
    SupportPlanType,
)
from pharos.domain.vocabulary import Gender, PerpetratorRole
from pharos.domain.vocabulary_labels import label
from pharos.i18n import _, lazy_gettext
from pharos.store.base import ID_MAX
from pharos.store.models import (
    AuditEntry,
    Case,
    CaseNote,
    Person,
    SupportPlan,
    TraffickingEvent,
    User,
)

#: a record of a case that can be edited
Record = Person | TraffickingEvent | CaseNote | SupportPlan
_R = TypeVar("_R", Person, TraffickingEvent, CaseNote, SupportPlan)


@dataclass(frozen=True)
class Editable:
    """One kind of editable record: its table, the fields an edit may change, and which of them
    a reader who does not see the victim's identity never sees."""

    model: type[Record]
    fields: tuple[str, ...]
    #: withheld from readers who do not see the identity (``permissions.sees_identity``)
    identifying: frozenset[str]
    #: the whole record is shown only to readers who see the identity (notes, plans)
    private: bool = False


#: a victim's identifying fields (``cases.person_view`` shows them only in the full view; the
#: citizenship is shown under a pseudonym, not to journalists)
PERSON_IDENTITY = frozenset(
    {"first_name", "second_name", "birthdate", "primary_language", "identity_number", "phone"}
)
EDITABLE: dict[str, Editable] = {
    "person": Editable(
        Person,
        (
            "first_name",
            "second_name",
            "birthdate",
            "gender",
            "citizenship",
            "primary_language",
            "identity_number",
            "phone",
            "perpetrator_roles",
        ),
        PERSON_IDENTITY,
    ),
    "event": Editable(
        TraffickingEvent,
        ("type", "place", "country", "date", "description"),
        frozenset({"place", "description"}),
    ),
    "note": Editable(CaseNote, ("text",), frozenset({"text"}), private=True),
    "support_plan": Editable(
        SupportPlan,
        ("type", "objectives", "action_plan", "planned_end", "actual_end"),
        frozenset({"objectives", "action_plan"}),
        private=True,
    ),
}
#: the audit trail's action for an edit of each kind of record
EDIT_ACTIONS: dict[str, str] = {kind: f"edit_{kind}" for kind in EDITABLE}

FIELD_LABELS: dict[str, LazyProxy] = {
    "first_name": lazy_gettext("First name"),
    "second_name": lazy_gettext("Family name"),
    "birthdate": lazy_gettext("Birth date"),
    "gender": lazy_gettext("Gender"),
    "citizenship": lazy_gettext("Citizenship"),
    "primary_language": lazy_gettext("Primary language"),
    "identity_number": lazy_gettext("Identity document number"),
    "phone": lazy_gettext("Phone"),
    "perpetrator_roles": lazy_gettext("Role in the process (perpetrators)"),
    "type": lazy_gettext("Type"),
    "place": lazy_gettext("Place"),
    "country": lazy_gettext("Country"),
    "date": lazy_gettext("Date"),
    "description": lazy_gettext("Description"),
    "text": lazy_gettext("Note"),
    "objectives": lazy_gettext("Objectives"),
    "action_plan": lazy_gettext("Action plan"),
    "planned_end": lazy_gettext("Planned end"),
    "actual_end": lazy_gettext("Ended on"),
}
RECORD_LABELS: dict[str, LazyProxy] = {
    "person": lazy_gettext("Person"),
    "event": lazy_gettext("Event"),
    "note": lazy_gettext("Case note"),
    "support_plan": lazy_gettext("Support plan"),
}


# --- Reading and checking ------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A field's value as the history keeps it (JSON: dates as ISO text, lists as lists)."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return list(value)
    return value


def current_values(kind: str, record: Record) -> dict[str, Any]:
    """The editable fields of ``record`` as a form shows them (and the version to send back)."""
    out = {f: _plain(getattr(record, f)) for f in EDITABLE[kind].fields}
    for f, v in out.items():
        if v is None:
            out[f] = ""
    out["version"] = record.version
    return out


def _record(session: Session, model: type[_R], case: Case, record_id: int) -> _R:
    """The record ``record_id`` of ``case`` (else :class:`NotFound`: an id of another case
    is no record of this one)."""
    record = session.get(model, record_id)
    if record is None or record.case_id != case.id:
        raise NotFound()
    return record


def record_of(session: Session, case: Case, kind: str, record_id: int) -> Record:
    """The record ``record_id`` of ``kind`` in ``case`` (else :class:`NotFound`)."""
    if kind == "person":
        return _record(session, Person, case, record_id)
    if kind == "event":
        return _record(session, TraffickingEvent, case, record_id)
    if kind == "note":
        return _record(session, CaseNote, case, record_id)
    return _record(session, SupportPlan, case, record_id)


def comparable(value: Any) -> str:
    """A value as a form sends it, to tell whether a sent value differs from a stored one."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ",".join(sorted(str(v) for v in value))
    return str(_plain(value)).strip()


def note_ref(case: Case, note: CaseNote) -> RecordRef:
    """A note as the rules see it: its author's (scope own)."""
    return RecordRef(state=case.state, owner_user_ids=frozenset({note.author_id}))


def plan_refs(session: Session, case: Case, plans: Sequence[SupportPlan]) -> dict[int, RecordRef]:
    """Support plans as the rules see them, by id: their author's and their author's agency's
    (one query whatever their number: the case page asked one per plan)."""
    authors = {plan.created_by_id for plan in plans}
    agencies = (
        dict(session.execute(select(User.id, User.agency_id).where(User.id.in_(authors))).all())
        if authors
        else {}
    )
    return {
        plan.id: RecordRef(
            state=case.state,
            agency_id=agencies.get(plan.created_by_id),
            owner_user_ids=frozenset({plan.created_by_id}),
        )
        for plan in plans
    }


def plan_ref(session: Session, case: Case, plan: SupportPlan) -> RecordRef:
    """A support plan as the rules see it: its author's and its author's agency's."""
    return plan_refs(session, case, [plan])[plan.id]


def may_edit(
    session: Session,
    p: Principal,
    case: Case,
    kind: str,
    record: Record,
    plans: Mapping[int, RecordRef] | None = None,
) -> bool:
    """Whether ``p`` may edit ``record`` (the case's own rule, checked by the caller, aside);
    ``plans``: the support plans' refs if already read (:func:`plan_refs`)."""
    if isinstance(record, CaseNote):
        return allowed(p, "case_note", "update", note_ref(case, record))
    if isinstance(record, SupportPlan):
        ref = plans[record.id] if plans is not None else plan_ref(session, case, record)
        return allowed(p, "support_plan", "update", ref)
    return True


def _last_edit(session: Session, case: Case, kind: str, record_id: int) -> AuditEntry | None:
    """The newest edit of the record in the audit trail."""
    entries = session.execute(
        select(AuditEntry)
        .where(AuditEntry.case_id == case.id, AuditEntry.action == EDIT_ACTIONS[kind])
        .order_by(AuditEntry.id.desc())
    ).scalars()
    for e in entries:
        if _detail(e).get("id") == record_id:
            return e
    return None


def _stale(session: Session, case: Case, kind: str, record: Record) -> StaleEdit:
    last = _last_edit(session, case, kind, record.id)
    if last is None:
        message = _(
            "This record was changed after you opened the form; your changes were not saved. "
            "Its current values are shown: make your change again."
        )
    else:
        message = _(
            "%(user)s changed this record on %(when)s, after you opened the form; your changes "
            "were not saved. Its current values are shown: make your change again."
        ) % {"user": last.actor, "when": last.at.strftime("%Y-%m-%d %H:%M UTC")}
    return StaleEdit({"version": message})


def _apply(
    session: Session,
    p: Principal,
    case: Case,
    kind: str,
    record: Record,
    version: int,
    values: Mapping[str, Any],
    derived: Mapping[str, Any] | None = None,
) -> dict[str, list[Any]]:
    """Write ``values`` to ``record`` if it still has ``version``; keep the history. Returns
    the changes (field -> [before, after]); an edit that changes nothing writes nothing.
    ``derived``: columns computed from the values, written with them (in the same UPDATE)
    but not part of the history."""
    if version != record.version:
        raise _stale(session, case, kind, record)
    changes = {
        f: [_plain(getattr(record, f)), _plain(v)]
        for f, v in values.items()
        if _plain(getattr(record, f)) != _plain(v)
    }
    if not changes:
        return {}
    for f, v in values.items():
        if f in changes:
            setattr(record, f, v)
    for f, v in (derived or {}).items():
        setattr(record, f, v)
    try:
        session.flush()  # UPDATE … WHERE version = the version read: none if changed since
    except StaleDataError as exc:
        raise StaleEdit(
            {
                "version": _(
                    "Someone changed this record at the same moment; your changes were not "
                    "saved. Reload the page and make your change again."
                )
            }
        ) from exc
    touch(case)
    audit.record(
        session,
        p,
        EDIT_ACTIONS[kind],
        "case",
        case.id,
        case_id=case.id,
        detail={"record": kind, "id": record.id, "version": record.version, "changes": changes},
    )
    return changes


def _version(f: Fields) -> int:
    version = f.integer("version", minimum=1, maximum=ID_MAX)
    return version or 0


def _merged(kind: str, record: Record, data: Mapping[str, Any]) -> dict[str, Any]:
    """The record's current values with those sent (an API edit may send some fields only)."""
    out = current_values(kind, record)
    out.update({k: v for k, v in data.items() if k in EDITABLE[kind].fields or k == "version"})
    return out


# --- The edits -----------------------------------------------------------------------------


def edit_person(
    session: Session, p: Principal, case: Case, person_id: int, data: Mapping[str, Any]
) -> Person:
    """Edit a person's fields (not the role, nor the trafficking status: formal
    identification); the duplicate check runs again when the name, birth date or citizenship
    changed."""
    person = _record(session, Person, case, person_id)
    require_on_case(session, p, case, "update")
    f = Fields(_merged("person", person, data))
    version = _version(f)
    values = _person_fields(f, PersonRole(person.role))
    # the role stays; the trafficking status is formal identification's, with its own rules
    # (``identification.set_trafficking_status``)
    del values["role"], values["trafficking_status"]
    f.check()
    before_key = person.match_key
    key = match_key(
        values["first_name"], values["second_name"], values["birthdate"], values["citizenship"]
    )
    changes = _apply(
        session, p, case, "person", person, version, values, derived={"match_key": key}
    )
    if changes and key != before_key:
        _flag_duplicates(session, p, case, person)
    return person


def edit_event(
    session: Session, p: Principal, case: Case, event_id: int, data: Mapping[str, Any]
) -> TraffickingEvent:
    """Edit a recruitment, transit or exploitation event of the timeline."""
    event = _record(session, TraffickingEvent, case, event_id)
    require_on_case(session, p, case, "contribute")
    f = Fields(_merged("event", event, data))
    version = _version(f)
    values = event_fields(f)
    f.check()
    _apply(session, p, case, "event", event, version, values)
    return event


def edit_note(
    session: Session, p: Principal, case: Case, note_id: int, data: Mapping[str, Any]
) -> CaseNote:
    """Edit a case note: its author only."""
    note = _record(session, CaseNote, case, note_id)
    require_on_case(session, p, case, "contribute")
    require(p, "case_note", "update", note_ref(case, note))
    f = Fields(_merged("note", note, data))
    version = _version(f)
    text = f.text("text", required=True, max_length=10000)
    f.check()
    _apply(session, p, case, "note", note, version, {"text": text})
    return note


def edit_support_plan(
    session: Session, p: Principal, case: Case, plan_id: int, data: Mapping[str, Any]
) -> SupportPlan:
    """Edit a support plan (the service given): its author's agency; ``actual_end`` records
    when the service ended."""
    plan = _record(session, SupportPlan, case, plan_id)
    require_on_case(session, p, case, "contribute")
    require(p, "support_plan", "update", plan_ref(session, case, plan))
    f = Fields(_merged("support_plan", plan, data))
    version = _version(f)
    kind = f.choice("type", SupportPlanType)
    objectives = f.text("objectives", required=True, max_length=5000)
    action_plan = f.text("action_plan", max_length=5000)
    planned = f.date("planned_end")
    ended = f.date("actual_end")
    if ended and ended > date.today():
        f.fail("actual_end", _("This date is in the future."))
    f.check()
    assert kind is not None
    values = {
        "type": kind.value,
        "objectives": objectives,
        "action_plan": action_plan,
        "planned_end": planned,
        "actual_end": ended,
    }
    _apply(session, p, case, "support_plan", plan, version, values)
    return plan


#: the edit of each kind of record, by the name its route uses
EDITS = {
    "person": edit_person,
    "event": edit_event,
    "note": edit_note,
    "support_plan": edit_support_plan,
}


# --- The history as one reader may see it ----------------------------------------------------


def _detail(e: AuditEntry) -> dict[str, Any]:
    try:
        out = json.loads(e.detail)
    except ValueError:
        return {}
    return out if isinstance(out, dict) else {}


def edits(
    session: Session, case_id: int, limit: int = 200
) -> list[tuple[AuditEntry, dict[str, Any]]]:
    """The edits of a case's records, newest first, each with its detail."""
    rows = session.execute(
        select(AuditEntry)
        .where(AuditEntry.case_id == case_id, AuditEntry.action.in_(EDIT_ACTIONS.values()))
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    ).scalars()
    return [(e, _detail(e)) for e in rows]


def _shown(value: Any, kind: str, name: str) -> str:
    """A kept value in the reader's words."""
    if value in (None, "", []):
        return "—"
    try:
        if name == "gender":
            return label(Gender(value))
        if name == "perpetrator_roles":
            return ", ".join(label(PerpetratorRole(v)) for v in value)
        if name == "type" and kind == "event":
            return str(EVENT_LABELS[EventType(value)])
        if name == "type" and kind == "support_plan":
            return str(SUPPORT_PLAN_LABELS[SupportPlanType(value)])
    except (ValueError, KeyError, TypeError):
        pass
    return str(value)


def visible_fields(kind: str, role: str | None, view: IdentityView) -> frozenset[str] | None:
    """The fields of an edit of ``kind`` whose values a reader with ``view`` sees; None: the
    reader does not see the record (nor its history) at all. Mirrors what the case page shows
    of the record itself (``cases.person_view``, ``case_view``)."""
    spec = EDITABLE[kind]
    every = frozenset(spec.fields)
    if sees_identity(view):
        return every
    if spec.private:
        return None
    if kind == "person":
        if role != PersonRole.VICTIM.value:
            # perpetrators: shown as recorded to readers across borders, never to journalists
            return every if view is IdentityView.PSEUDONYMISED else None
        hidden = spec.identifying | ({"citizenship"} if view is IdentityView.NONE else set())
        return every - hidden
    return every - spec.identifying


def history(
    session: Session,
    case: Case,
    view: IdentityView,
    until: datetime | None = None,
    roles: Mapping[int, str] | None = None,
) -> list[dict[str, Any]]:
    """The edits of the case's records as a reader with ``view`` may see them, newest first:
    when; who (only for readers who see the identity: need to know); which record; each field
    changed with its value before and after, or ``withheld``. ``until``: a reader who held a
    case that moved abroad sees the edits made until it moved."""
    roles = roles if roles is not None else {x.id: x.role for x in case.persons}
    out: list[dict[str, Any]] = []
    for e, d in edits(session, case.id):
        if until is not None and e.at > until:
            continue
        kind = str(d.get("record", ""))
        if kind not in EDITABLE:
            continue
        rid = d.get("id")
        shown = visible_fields(kind, roles.get(rid) if isinstance(rid, int) else None, view)
        if shown is None:
            continue
        changes = []
        for name, pair in (d.get("changes") or {}).items():
            before, after = pair if isinstance(pair, list) and len(pair) == 2 else (None, None)
            visible = name in shown
            changes.append(
                {
                    "field": name,
                    "label": str(FIELD_LABELS.get(name, name)),
                    "withheld": not visible,
                    "before": _shown(before, kind, name) if visible else None,
                    "after": _shown(after, kind, name) if visible else None,
                }
            )
        out.append(
            {
                "at": e.at,
                "by": e.actor if sees_identity(view) else None,
                "record": kind,
                "record_label": str(RECORD_LABELS[kind]),
                "record_id": rid,
                "changes": changes,
            }
        )
    return out


def as_of(session: Session, case: Case, until: datetime, records: Iterable[_R]) -> list[_R]:
    """``records`` as they were at ``until``: each edit made after it undone on a copy (the
    stored records are not touched). A reader who held a case that moved abroad sees what was
    recorded until it moved, not what its new holders changed since."""
    later: dict[tuple[str, int], dict[str, Any]] = {}
    for e, d in edits(session, case.id, limit=100_000):  # newest first
        if e.at <= until:
            break
        rid = d.get("id")
        if not isinstance(rid, int):
            continue
        key = (str(d.get("record", "")), rid)
        for name, pair in (d.get("changes") or {}).items():
            if isinstance(pair, list) and len(pair) == 2:
                later.setdefault(key, {})[name] = pair[0]  # the oldest later edit wins
    kinds = {spec.model: kind for kind, spec in EDITABLE.items()}
    out: list[_R] = []
    for r in records:
        undo = later.get((kinds[type(r)], r.id))
        if not undo:
            out.append(r)
            continue
        columns = {c.key: getattr(r, c.key) for c in type(r).__mapper__.column_attrs}
        for name, value in undo.items():
            if name in ("birthdate", "date", "planned_end", "actual_end") and value:
                value = date.fromisoformat(str(value))
            columns[name] = value
        out.append(type(r)(**columns))
    return out
