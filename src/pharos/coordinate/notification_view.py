"""Notifications as their recipient sees them: the message in the reader's language (rendered
now, from its key and the ids it names) and a link to what it is about, only while the reader
may still open it (a revoked referral's case is no longer theirs to read)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from pharos.coordinate import queries
from pharos.coordinate.cases import NotFound, case_ref
from pharos.coordinate.notifications import MESSAGES, owner_ref
from pharos.coordinate.permissions import PermissionDenied, Principal, allowed, require
from pharos.coordinate.referrals import referral_ref
from pharos.coordinate.requests import get_request
from pharos.i18n import _
from pharos.store.models import Case, Notification, Referral


@dataclass(frozen=True)
class Shown:
    """One notification, rendered for its reader."""

    id: int
    key: str
    text: str
    #: where it leads (a path), or None when the reader may no longer open what it is about
    link: str | None
    case_reference: str
    created_at: datetime
    read: bool


def get_notification(session: Session, p: Principal, notification_id: int) -> Notification:
    """``p``'s notification ``notification_id``; anyone else's is :class:`NotFound` (its
    existence is nobody else's business)."""
    n = session.get(Notification, notification_id)
    if n is None:
        raise NotFound()
    try:
        require(p, "notification", "read", owner_ref(n))
    except PermissionDenied as exc:
        raise NotFound() from exc
    return n


def link(session: Session, p: Principal, n: Notification) -> str | None:
    """Where ``n`` leads ``p``, checked now: None if ``p`` may no longer read it."""
    if n.subject == "referral":
        r = session.get(Referral, n.subject_id)
        if r is not None and allowed(p, "referral", "read", referral_ref(r)):
            return f"/referrals#referral-{r.id}"
        return None
    if n.subject == "request":
        try:
            get_request(session, p, n.subject_id)
        except NotFound:
            return None
        return f"/requests/{n.subject_id}"
    if n.case_id is None:
        return None
    case = session.get(Case, n.case_id)
    if case is None or not allowed(p, "case", "read", case_ref(session, case)):
        return None
    anchor = {"consent_changed": "#consent"}.get(n.key, "")
    return f"/cases/{case.id}{anchor}"


def text(
    n: Notification, refs: dict[int, str], agencies: dict[int, str], users: dict[int, str]
) -> str:
    """The message of ``n`` in the current language."""
    values = {
        "case": refs.get(n.case_id or 0, "—"),
        "agency": agencies.get(int(n.params.get("agency", 0)), "—"),
        "user": users.get(int(n.params.get("user", 0)), "—"),
        "id": n.subject_id,
    }
    return _(MESSAGES[n.key]) % values


def shown(session: Session, p: Principal, items: list[Notification]) -> list[Shown]:
    """``items`` (``p``'s) rendered for ``p`` in the current language, with their links."""
    refs = queries.case_references(session, {n.case_id for n in items if n.case_id})
    agencies = queries.agency_names(
        session, {int(n.params["agency"]) for n in items if "agency" in n.params}
    )
    users = queries.usernames(session, {int(n.params["user"]) for n in items if "user" in n.params})
    return [
        Shown(
            id=n.id,
            key=n.key,
            text=text(n, refs, agencies, users),
            link=link(session, p, n),
            case_reference=refs.get(n.case_id or 0, ""),
            created_at=n.created_at,
            read=n.read_at is not None,
        )
        for n in items
    ]
