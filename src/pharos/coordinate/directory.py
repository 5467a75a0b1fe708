"""The directory of contact points: agencies per state and practitioner kind, the languages
they speak and the request types they receive; searchable."""

from __future__ import annotations

import unicodedata

from sqlalchemy import select
from sqlalchemy.orm import Session

from pharos.coordinate import agency_names
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
    """Agencies matching every given filter. ``text`` is looked for, ignoring case, in the
    name as stored and as the reader reads it (:func:`agency_names.of`: the demo's names in the
    current language), the city and the organisation as stored and in the current language, and
    the e-mail address, ignoring case and accents: a French reader finds « Raguse » and
    « inspecteur du travail », and « athenes » finds « Athènes »."""
    require(p, "directory", "read")
    q = select(Agency).where(Agency.kind.in_(ALL_KINDS))  # practitioners' agencies only
    if state:
        q = q.where(Agency.state == state.upper())
    if kind:
        q = q.where(Agency.kind == kind)
    if contact_points_only:
        q = q.where(Agency.is_contact_point)
    rows = list(session.execute(q.order_by(Agency.state, Agency.kind, Agency.name)).scalars())
    if language:
        rows = [a for a in rows if language.lower() in a.language_list()]
    needle = _folded(text)
    if needle:
        # in Python, not SQL: the names in the reader's language are built, not stored (a
        # directory holds hundreds of agencies, not millions)
        rows = [a for a in rows if any(needle in _folded(t) for t in _searched(a))]
    return rows


def _folded(text: str) -> str:
    """``text`` as a search compares it: case, accents and Arabic vowel marks ignored (Unicode
    decomposition without its combining marks), spaces collapsed: « athenes » finds « Athènes »."""
    decomposed = unicodedata.normalize("NFKD", " ".join(text.split()).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _searched(a: Agency) -> tuple[str, ...]:
    """The texts of an agency a search looks in."""
    return (
        a.name,
        agency_names.of(a),
        a.city or "",
        agency_names.local_name(a.city) if a.city else "",
        a.organisation or "",
        agency_names.local_name(a.organisation) if a.organisation else "",
        a.email or "",
    )
