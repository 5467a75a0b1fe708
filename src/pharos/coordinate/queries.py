"""Look-ups by id that the pages listing cases, referrals and requests share: an agency's name,
a case's reference, a user's name, the agencies a case can be sent to, an actor's recent audit
entries of one kind; and those of the command line's account commands (a user by name, the
agencies in order). Each is one query, here once, so that a route or a command asks for records
instead of writing SQL (the ``sql`` contract in pyproject.toml: routes never import SQLAlchemy;
the command line neither)."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from pharos.coordinate.agency_names import agency_name
from pharos.coordinate.permissions import ALL_KINDS
from pharos.store.models import Agency, AuditEntry, Case, User

_NAMED = (Agency.id, Agency.name, Agency.kind, Agency.city, Agency.organisation)


def agency_names(session: Session, ids: Collection[int]) -> dict[int, str]:
    """The names of the agencies ``ids`` in the reader's language (the demo's names built in it,
    pharos.coordinate.agency_names; an id that names no agency is left out)."""
    if not ids:
        return {}
    rows = session.execute(select(*_NAMED).where(Agency.id.in_(ids))).all()
    return {i: agency_name(n, k, c, o) for i, n, k, c, o in rows}


def all_agency_names(session: Session) -> dict[int, str]:
    """The name of every agency, as :func:`agency_names` (an exercise's sandbox holds a few
    dozen)."""
    return {i: agency_name(n, k, c, o) for i, n, k, c, o in session.execute(select(*_NAMED))}


def case_references(session: Session, ids: Collection[int]) -> dict[int, str]:
    """The references of the cases ``ids``."""
    if not ids:
        return {}
    rows = session.execute(select(Case.id, Case.reference).where(Case.id.in_(ids))).all()
    return {i: r for i, r in rows}


def all_case_references(session: Session) -> dict[int, str]:
    """The reference of every case (an exercise's sandbox)."""
    return {i: r for i, r in session.execute(select(Case.id, Case.reference)).all()}


def usernames(session: Session, ids: Collection[int]) -> dict[int, str]:
    """The usernames of the users ``ids``."""
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.username).where(User.id.in_(ids))).all()
    return {i: n for i, n in rows}


def other_agencies(session: Session, agency_id: int) -> list[Agency]:
    """Every practitioners' agency but ``agency_id``, by state and name (where a case can be
    referred)."""
    return list(
        session.execute(
            select(Agency)
            .where(Agency.id != agency_id, Agency.kind.in_(ALL_KINDS))
            .order_by(Agency.state, Agency.name)
        ).scalars()
    )


def recent_audit_entries(
    session: Session, action: str, actor: str, limit: int = 50
) -> list[AuditEntry]:
    """The latest ``limit`` audit entries of ``action`` by ``actor``, newest first."""
    return list(
        session.execute(
            select(AuditEntry)
            .where(AuditEntry.action == action, AuditEntry.actor == actor)
            .order_by(AuditEntry.id.desc())
            .limit(limit)
        ).scalars()
    )


#: Longest username an account can have (the column's width).
USERNAME_MAX = 80


def normal_username(username: str) -> str:
    """How a username is stored and compared: without surrounding spaces, in lower case.

    One home for the rule: creating ``Alice`` when ``alice`` exists must find ``alice``, and
    signing in as `` ALICE`` must be signing in as ``alice``.
    """
    return username.strip().lower()


def user_named(session: Session, username: str) -> User | None:
    """The account whose username is ``username`` once normalised (``normal_username``), or None."""
    name = normal_username(username)
    return session.execute(select(User).where(User.username == name)).scalar_one_or_none()


def agencies_by_state(session: Session) -> list[Agency]:
    """Every agency, by state and id (``pharos user agencies``)."""
    return list(session.execute(select(Agency).order_by(Agency.state, Agency.id)).scalars())
