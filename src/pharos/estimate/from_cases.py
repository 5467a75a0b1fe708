"""Lists from Pharos' own cases: each victim registered by an agency is on that agency's list.

One record per victim (``Person`` with role ``victim``) of each case: the list is the case's
owner agency (``list_by="agency"``, named by the agency) or its kind (``list_by="kind"``:
police, NGO, labour inspectorate, ...). Which registrations are one person:

- a duplicate flag **confirmed** by an agency (``resolution == "confirmed"``) joins the two;
- two registrations with the same ``match_key`` (normalised name, birth date and citizenship) are
  one person, unless a flag between them was **dismissed** (different people who share those);
- a victim without a match key and without a confirmed flag is a person of their own.

Being the same person is transitive (A = B and B = C make one person), even if a dismissal
between A and C contradicts it: the confirmations win.

The year is the year the case was registered; the age band is the age at registration
("child" under 18, "adult", or "unknown" without a birth date).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from pharos.estimate.records import ListRecord
from pharos.store.models.accounts import Agency
from pharos.store.models.cases import Case, DuplicateFlag, Person

CONFIRMED = "confirmed"  # pharos.coordinate.duplicates.DuplicateResolution (estimate stays
DISMISSED = "dismissed"  # free of the web-facing coordinate services)

ADULT_AGE = 18


class ListBy(StrEnum):
    AGENCY = "agency"
    KIND = "kind"


def age_band(birthdate: date | None, on: date) -> str:
    """ "child", "adult" or "unknown" at date ``on``."""
    if birthdate is None:
        return "unknown"
    years = on.year - birthdate.year - ((on.month, on.day) < (birthdate.month, birthdate.day))
    return "child" if years < ADULT_AGE else "adult"


def person_keys(session: Session, persons: list[Person]) -> dict[int, str]:
    """A person key for each registration in ``persons`` after duplicate resolution (see the
    module's docstring): ``person:<smallest id of the group>``."""
    ids = {p.id for p in persons}
    rows = session.execute(
        select(
            DuplicateFlag.person_id, DuplicateFlag.other_person_id, DuplicateFlag.resolution
        ).where(DuplicateFlag.resolution.is_not(None))
    ).all()
    flags = [(a, b, r) for a, b, r in rows if a in ids and b in ids]
    confirmed = {frozenset((a, b)) for a, b, r in flags if r == CONFIRMED}
    dismissed = {frozenset((a, b)) for a, b, r in flags if r == DISMISSED}
    parent = {i: i for i in ids}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for edge in confirmed:
        join(*sorted(edge))
    by_match: dict[str, list[int]] = {}
    for p in persons:
        if p.match_key:
            by_match.setdefault(p.match_key, []).append(p.id)
    for group in by_match.values():
        for n, a in enumerate(group):
            for b in group[n + 1 :]:
                if frozenset((a, b)) not in dismissed:
                    join(a, b)
    return {i: f"person:{find(i)}" for i in ids}


def records_from_cases(
    session: Session, *, list_by: ListBy | str = ListBy.AGENCY, states: set[str] | None = None
) -> list[ListRecord]:
    """One :class:`ListRecord` per victim registration, for cases in ``states`` (None: all)."""
    list_by = ListBy(list_by)
    query = (
        select(Person, Case, Agency)
        .join(Case, Person.case_id == Case.id)
        .join(Agency, Case.owner_agency_id == Agency.id)
        .where(Person.role == "victim")
    )
    if states is not None:
        query = query.where(Case.state.in_(sorted(states)))
    rows = session.execute(query).all()
    keys = person_keys(session, [person for person, _case, _agency in rows])
    out: list[ListRecord] = []
    for person, case, agency in rows:
        registered = case.created_at.date()
        out.append(
            ListRecord(
                person=keys[person.id],
                list_name=agency.name if list_by is ListBy.AGENCY else agency.kind,
                state=case.state,
                year=registered.year,
                exploitation=tuple(case.exploitation_types or ()),
                sex=person.gender or None,
                age_band=age_band(person.birthdate, registered),
            )
        )
    return out
