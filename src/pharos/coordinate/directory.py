"""The directory of contact points: agencies per state and practitioner kind, the languages
they speak and the request types they receive; searchable."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from pharos.coordinate.permissions import ALL_KINDS, Principal, require
from pharos.store.models import Agency


def search(
    session: Session,
    p: Principal,
    *,
    text: str = "",
    state: str = "",
    kind: str = "",
    language: str = "",
    contact_points_only: bool = False,
) -> list[Agency]:
    """Agencies matching every given filter (``text`` in name, city or e-mail)."""
    require(p, "directory", "read")
    q = select(Agency).where(Agency.kind.in_(ALL_KINDS))  # practitioners' agencies only
    if text:
        like = f"%{text.strip().lower()}%"
        q = q.where(
            or_(
                Agency.name.ilike(like),
                Agency.city.ilike(like),
                Agency.email.ilike(like),
                Agency.organisation.ilike(like),
            )
        )
    if state:
        q = q.where(Agency.state == state.upper())
    if kind:
        q = q.where(Agency.kind == kind)
    if contact_points_only:
        q = q.where(Agency.is_contact_point)
    rows = list(session.execute(q.order_by(Agency.state, Agency.kind, Agency.name)).scalars())
    if language:
        rows = [a for a in rows if language.lower() in a.language_list()]
    return rows
