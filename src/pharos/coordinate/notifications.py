"""Notifications (issue 18, item 6): who is told what, and what they have read.

A notification is stored once per recipient as a message key and the ids it names (an agency,
a user), never as text: it is rendered in the reader's language when shown
(``pharos.coordinate.notification_view``) and, if the recipient gave an address and the server
has an SMTP server, e-mailed with a reference and a link only
(``pharos.coordinate.notification_mail``).

Who is told is derived from what is already stored: the users of the agency that receives a
referral or a request, of the agency that sent it, of the agencies that hold a case (its owner
and the agencies it is shared with), the colleague a task is assigned to. Each recipient must
be allowed to read what the notification is about (the caller says how to check,
``may_read``); a user is never told of their own act.

Other areas tell users with :func:`notify` (named users) or :func:`notify_agencies` (every
active user of some agencies), with one of the :data:`MESSAGES` keys.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from pharos.coordinate.accounts import principal
from pharos.coordinate.permissions import Principal, RecordRef, require
from pharos.coordinate.validation import Fields
from pharos.i18n import N_, _
from pharos.store.base import utcnow
from pharos.store.models import Notification, User

#: ``Session.info`` key: when true, notifications to users with an e-mail address are queued
#: for e-mail (the server sets it when an SMTP server is configured; an exercise's sandbox never)
MAIL_KEY = "pharos_notification_mail"

#: Every message a user can be told, by key. Placeholders: ``case`` (the case's reference),
#: ``agency`` (an agency's name), ``user`` (a username), ``id`` (the record's number); each is
#: resolved when the notification is shown. None names a victim.
MESSAGES: dict[str, str] = {
    "referral_received": N_("New referral of case %(case)s from %(agency)s."),
    "transfer_received": N_(
        "New transfer of case %(case)s from %(agency)s: the case becomes your agency's once "
        "accepted."
    ),
    "referral_accepted": N_("%(agency)s accepted the referral of case %(case)s."),
    "referral_rejected": N_("%(agency)s declined the referral of case %(case)s."),
    "transfer_accepted": N_("%(agency)s accepted the transfer of case %(case)s."),
    "transfer_rejected": N_("%(agency)s declined the transfer of case %(case)s."),
    "request_answered": N_("%(agency)s answered request #%(id)s about case %(case)s."),
    "request_overdue": N_(
        "Request #%(id)s about case %(case)s is overdue: it was not answered in time."
    ),
    "request_escalated": N_(
        "Request #%(id)s about case %(case)s is overdue and was escalated to your agency."
    ),
    "task_assigned": N_("%(user)s assigned you a task in case %(case)s."),
    "case_assigned": N_("%(user)s assigned case %(case)s to you."),
    "consent_changed": N_("The victim's consent in case %(case)s was changed by %(agency)s."),
}
#: what a notification can be about (``Notification.subject``)
SUBJECTS = ("referral", "request", "case", "task")
PAGE_SIZE = 50


def owner_ref(n: Notification) -> RecordRef:
    """A notification as the permission rules see it: its recipient owns it."""
    return RecordRef(state="", owner_user_ids=frozenset({n.user_id}))


def notify(
    session: Session,
    users: Iterable[int | User],
    key: str,
    *,
    subject: str,
    subject_id: int,
    case_id: int | None = None,
    params: dict[str, int] | None = None,
    actor: Principal | None = None,
    may_read: Callable[[Principal], bool] | None = None,
) -> list[Notification]:
    """Tell ``users`` (ids or accounts) ``key`` about ``subject`` ``subject_id``.

    ``params`` are the ids the message names (``agency``, ``user``); ``actor`` is never told of
    their own act; inactive accounts are not told; with ``may_read``, only the users it allows
    (as principals) are told. Returns the notifications made (flushed, in the caller's
    transaction: a rejected change tells nobody)."""
    if key not in MESSAGES:
        raise KeyError(f"unknown notification {key!r}")
    if subject not in SUBJECTS:
        raise KeyError(f"unknown notification subject {subject!r}")
    wanted = [u if isinstance(u, User) else session.get(User, u) for u in users]
    mail = bool(session.info.get(MAIL_KEY))
    made: list[Notification] = []
    seen: set[int] = set()
    for user in wanted:
        if user is None or not user.active or user.id in seen:
            continue
        seen.add(user.id)
        if actor is not None and user.id == actor.user_id:
            continue
        if may_read is not None and not may_read(principal(user)):
            continue
        n = Notification(
            user_id=user.id,
            key=key,
            params=dict(params or {}),
            case_id=case_id,
            subject=subject,
            subject_id=subject_id,
            created_at=utcnow(),
            email_status="pending" if mail and user.email else None,
            email_attempts=0,
        )
        session.add(n)
        made.append(n)
    if made:
        session.flush()
    return made


def agency_users(session: Session, agency_ids: Collection[int]) -> list[User]:
    """The active accounts of the agencies ``agency_ids`` (administrators work on no case and
    are left out by the callers' ``may_read``)."""
    if not agency_ids:
        return []
    return list(
        session.execute(
            select(User).where(User.agency_id.in_(list(agency_ids)), User.active).order_by(User.id)
        ).scalars()
    )


def notify_agencies(
    session: Session, agency_ids: Collection[int], key: str, **kwargs: Any
) -> list[Notification]:
    """:func:`notify` every active user of the agencies ``agency_ids``."""
    return notify(session, agency_users(session, agency_ids), key, **kwargs)


# --- The recipient's side --------------------------------------------------------------------


@dataclass(frozen=True)
class NotificationPage:
    items: list[Notification]
    total: int
    unread: int
    page: int
    pages: int


def _mine(p: Principal) -> Any:
    """The condition for ``p``'s own notifications (``notification:read`` in scope ``own``)."""
    require(p, "notification", "read")
    return Notification.user_id == p.user_id


def unread_count(session: Session, p: Principal) -> int:
    """How many of ``p``'s notifications are unread."""
    return int(
        session.execute(
            select(func.count()).where(_mine(p), Notification.read_at.is_(None))
        ).scalar_one()
    )


def list_for(
    session: Session, p: Principal, *, unread_only: bool = False, page: int = 1
) -> NotificationPage:
    """``p``'s notifications, newest first, by pages of :data:`PAGE_SIZE`."""
    where = [_mine(p)]
    if unread_only:
        where.append(Notification.read_at.is_(None))
    total = int(session.execute(select(func.count()).where(*where)).scalar_one())
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    items = list(
        session.execute(
            select(Notification)
            .where(*where)
            .order_by(Notification.id.desc())
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
        ).scalars()
    )
    return NotificationPage(items, total, unread_count(session, p), page, pages)


def mark_read(session: Session, p: Principal, n: Notification) -> None:
    """Mark ``p``'s notification ``n`` read (once: the first reading is kept)."""
    require(p, "notification", "update", owner_ref(n))
    if n.read_at is None:
        n.read_at = utcnow()


def mark_all_read(session: Session, p: Principal) -> int:
    """Mark every unread notification of ``p`` read; returns how many were unread."""
    require(p, "notification", "update")
    result = session.execute(
        update(Notification)
        .where(Notification.user_id == p.user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)


#: an e-mail address, roughly (the SMTP server has the last word): one @, no spaces
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def set_email(session: Session, p: Principal, data: dict[str, Any]) -> str:
    """Set (or, empty, remove) the address ``p``'s notifications are e-mailed to; returns it.
    Notifications queued for the old address are sent to the new one (none if removed)."""
    require(p, "notification", "update")
    f = Fields(data)
    address = f.text("email", max_length=200)
    if address and not _EMAIL.match(address):
        f.fail("email", _("Enter an e-mail address such as name@example.org, or nothing."))
    f.check()
    user = session.get(User, p.user_id)
    assert user is not None
    user.email = address
    return address


def email_of(session: Session, p: Principal) -> str:
    """The address ``p``'s notifications are e-mailed to ("" if none)."""
    require(p, "notification", "read")
    user = session.get(User, p.user_id)
    return user.email if user is not None else ""
