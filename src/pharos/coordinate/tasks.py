"""Tasks and assignment (issue 18, item 5): a case or a task is given to a colleague of the same
agency, with a due date; "my tasks" on the dashboard, overdue ones said in words; tasks listed on
the case page and marked done.

**Assigning a case** changes the caseworker responsible for it (HTCDS ``cas_CaseOwner``,
``Case.owner_user_id``, as Primero's "assign"): the case stays with its agency; only that
agency's caseworkers may do it (``case:assign``) and only to an active account of that agency.

**A task** (``CaseTask``) is its agency's: made by a caseworker working on the case (``task:
create``) for an active colleague of the same agency, seen and changed only by that agency's
staff (``task:read``, ``task:update``; scopes own and agency on the task's agency). A task is
edited with its version, as the case's other records (``validation.StaleEdit`` for a stale form).

**Events for notifications.** Every assignment is one audit entry, the one home of the fact:
``assign_task`` (:data:`TASK_ASSIGNED`; resource ``task``, ``resource_id`` the task's id,
``detail``: ``task``, ``assignee`` (user id), ``previous`` (user id, or None when the task was
created), ``due_on``) when a task is created for someone or given to someone else, and
``assign_case`` (:data:`CASE_ASSIGNED`; resource ``case``; ``detail``: ``from`` and ``to``, user
ids) when a case is given to a colleague. :func:`assignments_since` reads them back in order.
Nothing in the detail names the victim. The assignee is told at once
(``notifications.notify``: ``task_assigned``, ``case_assigned``), never of their own act.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from pharos.coordinate import audit, notifications
from pharos.coordinate.agency_names import account_name
from pharos.coordinate.cases import NotFound, case_ref, require_on_case, touch
from pharos.coordinate.permissions import (
    PermissionDenied,
    Principal,
    RecordRef,
    allowed,
    require,
)
from pharos.coordinate.validation import Fields, StaleEdit, ValidationFailed
from pharos.i18n import _
from pharos.store.base import ID_MAX, utcnow
from pharos.store.models import AuditEntry, Case, CaseTask, User

#: the audit trail's action when a task is given to someone (created for them, or reassigned)
TASK_ASSIGNED = "assign_task"
#: the audit trail's action when a case is given to a colleague
CASE_ASSIGNED = "assign_case"
TASK_EDITED = "edit_task"
TASK_DONE = "complete_task"


# --- Colleagues ----------------------------------------------------------------------------


def colleagues(session: Session, agency_id: int) -> list[User]:
    """The active accounts of an agency that may be given a case or a task, by name
    (administrators are no practitioners and are given none)."""
    return list(
        session.execute(
            select(User)
            .where(User.agency_id == agency_id, User.active, User.is_admin.is_(False))
            .order_by(User.display_name, User.id)
        ).scalars()
    )


def _colleague(session: Session, f: Fields, name: str, agency_id: int) -> User | None:
    """The account named by the field ``name`` if it is an active colleague of ``agency_id``;
    else the field's error (the same for an unknown, inactive or foreign account: a user learns
    nothing of other agencies' accounts)."""
    uid = f.record_id(name)
    if uid is None:
        return None
    user = session.get(User, uid)
    if user is None or user.agency_id != agency_id or not user.active or user.is_admin:
        f.fail(name, _("Choose an active colleague of your agency."))
        return None
    return user


# --- Assigning a case ----------------------------------------------------------------------


def assign_case(session: Session, p: Principal, case: Case, data: Mapping[str, Any]) -> Case:
    """Give the case to a colleague of its agency (its responsible caseworker changes).

    ``data``: ``assignee_id``; optionally ``from_user_id``, the caseworker the form showed: if
    someone assigned the case since, the assignment is refused (:class:`StaleEdit`)."""
    ref = require_on_case(session, p, case, "update")
    require(p, "case", "assign", ref)
    if p.agency_id != case.owner_agency_id:
        raise PermissionDenied(f"{p.username} is not of the agency that holds the case")
    f = Fields(data)
    assignee = _colleague(session, f, "assignee_id", case.owner_agency_id)
    shown = f.record_id("from_user_id", required=False)
    f.check()
    assert assignee is not None
    before = case.owner_user_id
    if shown is not None and shown != before:
        raise StaleEdit(
            {
                "from_user_id": _(
                    "Someone assigned this case to another colleague after you opened the "
                    "page; it was not changed. Reload the page to see who holds it now."
                )
            }
        )
    if assignee.id == before:
        return case
    case.owner_user_id = assignee.id
    touch(case)
    audit.record(
        session,
        p,
        CASE_ASSIGNED,
        "case",
        case.id,
        case_id=case.id,
        detail={"from": before, "to": assignee.id},
    )
    ref_now = case_ref(session, case)
    notifications.notify(
        session,
        [assignee],
        "case_assigned",
        subject="case",
        subject_id=case.id,
        case_id=case.id,
        params={"user": p.user_id},
        actor=p,
        may_read=lambda reader: allowed(reader, "case", "read", ref_now),
    )
    return case


# --- Tasks ---------------------------------------------------------------------------------


def task_ref(case: Case, task: CaseTask) -> RecordRef:
    """A task as the rules see it: its agency's, and its assignee's and creator's own."""
    return RecordRef(
        state=case.state,
        agency_id=task.agency_id,
        owner_user_ids=frozenset({task.assignee_id, task.created_by_id}),
    )


def may_add_task(session: Session, p: Principal, case: Case) -> bool:
    """Whether ``p`` may give a task on ``case`` (the server checks it again)."""
    return allowed(p, "task", "create", case_ref(session, case))


def _due(f: Fields) -> date | None:
    due = f.date("due_on")
    if due is not None and due.year < 2000:
        f.fail("due_on", _("Expected a date as YYYY-MM-DD."))
    return due


def add_task(session: Session, p: Principal, case: Case, data: Mapping[str, Any]) -> CaseTask:
    """Give a task on ``case`` to a colleague (``assignee_id``) with a ``title`` and an optional
    due date (``due_on``)."""
    ref = require_on_case(session, p, case, "contribute")
    require(p, "task", "create", ref)
    f = Fields(data)
    title = f.text("title", required=True, max_length=200)
    assignee = _colleague(session, f, "assignee_id", p.agency_id)
    due = _due(f)
    f.check()
    assert assignee is not None
    task = CaseTask(
        case_id=case.id,
        agency_id=p.agency_id,
        title=title,
        due_on=due,
        assignee_id=assignee.id,
        created_by_id=p.user_id,
    )
    session.add(task)
    session.flush()
    touch(case)
    audit.record(
        session,
        p,
        TASK_ASSIGNED,
        "task",
        task.id,
        case_id=case.id,
        detail={"task": task.id, "assignee": assignee.id, "previous": None, "due_on": due},
    )
    _tell(session, p, case, task)
    return task


def _tell(session: Session, p: Principal, case: Case, task: CaseTask) -> None:
    """Tell the assignee (``notifications``: ``task_assigned``), if they may read the task."""
    ref = task_ref(case, task)
    notifications.notify(
        session,
        [task.assignee_id],
        "task_assigned",
        subject="task",
        subject_id=task.id,
        case_id=case.id,
        params={"user": p.user_id},
        actor=p,
        may_read=lambda reader: allowed(reader, "task", "read", ref),
    )


def get_task(session: Session, p: Principal, case: Case, task_id: int) -> CaseTask:
    """The task ``task_id`` of ``case`` if ``p`` may read it (else :class:`NotFound`)."""
    task = session.get(CaseTask, task_id)
    if task is None or task.case_id != case.id:
        raise NotFound()
    if not allowed(p, "task", "read", task_ref(case, task)):
        raise NotFound()
    return task


def _check_version(f: Fields, task: CaseTask) -> None:
    version = f.integer("version", minimum=1, maximum=ID_MAX)
    f.check()
    if version != task.version:
        raise StaleEdit(
            {
                "version": _(
                    "This task was changed after you opened the page; your changes were not "
                    "saved. Its current values are shown: make your change again."
                )
            }
        )


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError as exc:
        raise StaleEdit(
            {
                "version": _(
                    "Someone changed this record at the same moment; your changes were not "
                    "saved. Reload the page and make your change again."
                )
            }
        ) from exc


def update_task(
    session: Session, p: Principal, case: Case, task_id: int, data: Mapping[str, Any]
) -> CaseTask:
    """Change a task's title, due date or assignee (the fields sent), with the version read."""
    task = get_task(session, p, case, task_id)
    require(p, "task", "update", task_ref(case, task))
    current = {
        "title": task.title,
        "assignee_id": task.assignee_id,
        "due_on": task.due_on.isoformat() if task.due_on else "",
    }
    f = Fields({**current, **{k: v for k, v in data.items() if k in (*current, "version")}})
    title = f.text("title", required=True, max_length=200)
    assignee = _colleague(session, f, "assignee_id", task.agency_id)
    due = _due(f)
    f.check()
    _check_version(f, task)
    assert assignee is not None
    changes: dict[str, list[Any]] = {}
    for name, before, after in (
        ("title", task.title, title),
        ("due_on", task.due_on, due),
        ("assignee", task.assignee_id, assignee.id),
    ):
        if before != after:
            changes[name] = [before, after]
    if not changes:
        return task
    previous = task.assignee_id
    task.title, task.due_on, task.assignee_id = title, due, assignee.id
    _flush(session)
    touch(case)
    reassigned = "assignee" in changes
    audit.record(
        session,
        p,
        TASK_ASSIGNED if reassigned else TASK_EDITED,
        "task",
        task.id,
        case_id=case.id,
        detail={
            "task": task.id,
            "assignee": task.assignee_id,
            "previous": previous if reassigned else None,
            "due_on": task.due_on,
            "changes": changes,
        },
    )
    if reassigned:
        _tell(session, p, case, task)
    return task


def complete_task(
    session: Session, p: Principal, case: Case, task_id: int, data: Mapping[str, Any]
) -> CaseTask:
    """Mark a task done (with the version read: a task changed since is not marked)."""
    task = get_task(session, p, case, task_id)
    require(p, "task", "update", task_ref(case, task))
    f = Fields(data)
    _check_version(f, task)
    if task.done_at is not None:
        raise ValidationFailed({"task": _("This task is already done.")})
    task.done_at = utcnow()
    task.done_by_id = p.user_id
    _flush(session)
    touch(case)
    audit.record(session, p, TASK_DONE, "task", task.id, case_id=case.id, detail={"task": task.id})
    return task


# --- Reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskLine:
    """A task as a list shows it."""

    task: CaseTask
    reference: str
    assignee: str
    done_by: str | None
    overdue: bool
    due_today: bool


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    users = session.execute(select(User).where(User.id.in_(ids))).scalars()
    return {u.id: account_name(u) for u in users}  # the demo's names in the reader's language


def _lines(session: Session, rows: list[tuple[CaseTask, str]], today: date) -> list[TaskLine]:
    users = _names(
        session,
        {t.assignee_id for t, _r in rows} | {t.done_by_id for t, _r in rows if t.done_by_id},
    )
    return [
        TaskLine(
            task=t,
            reference=ref,
            assignee=users.get(t.assignee_id, ""),
            done_by=users.get(t.done_by_id) if t.done_by_id else None,
            overdue=t.done_at is None and t.due_on is not None and t.due_on < today,
            due_today=t.done_at is None and t.due_on == today,
        )
        for t, ref in rows
    ]


def _open_first(line: TaskLine) -> tuple[bool, date, int]:
    return (line.task.done_at is not None, line.task.due_on or date.max, line.task.id)


def case_tasks(session: Session, p: Principal, case: Case, today: date) -> list[TaskLine]:
    """The tasks of ``case`` that ``p`` may read (their agency's): open ones first, by due
    date, then those done."""
    rows = [
        (t, case.reference)
        for t in session.execute(select(CaseTask).where(CaseTask.case_id == case.id)).scalars()
        if allowed(p, "task", "read", task_ref(case, t))
    ]
    return sorted(_lines(session, rows, today), key=_open_first)


def my_tasks(session: Session, p: Principal, today: date, limit: int = 50) -> list[TaskLine]:
    """The open tasks given to ``p``, the most urgent first (overdue, then by due date; those
    without a due date last)."""
    rows = session.execute(
        select(CaseTask, Case.reference)
        .join(Case, Case.id == CaseTask.case_id)
        .where(CaseTask.assignee_id == p.user_id, CaseTask.done_at.is_(None))
        .order_by(CaseTask.due_on.is_(None), CaseTask.due_on, CaseTask.id)
        .limit(limit)
    ).all()
    return _lines(session, [(t, r) for t, r in rows], today)


def task_view(line: TaskLine) -> dict[str, Any]:
    """A task for the pages and the API."""
    t = line.task
    return {
        "id": t.id,
        "case_id": t.case_id,
        "case_reference": line.reference,
        "title": t.title,
        "due_on": t.due_on,
        "assignee_id": t.assignee_id,
        "assignee": line.assignee,
        "overdue": line.overdue,
        "due_today": line.due_today,
        "done_at": t.done_at,
        "done_by": line.done_by,
        "version": t.version,
    }


def assignments_since(session: Session, after_id: int = 0) -> list[tuple[AuditEntry, Any]]:
    """Every assignment (of a task or a case) recorded after the audit entry ``after_id``, in
    order, each with its detail: what a notifier reads to tell the assignees."""
    rows = session.execute(
        select(AuditEntry)
        .where(AuditEntry.id > after_id, AuditEntry.action.in_((TASK_ASSIGNED, CASE_ASSIGNED)))
        .order_by(AuditEntry.id)
    ).scalars()
    return [(e, json.loads(e.detail)) for e in rows]
