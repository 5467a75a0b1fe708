"""Lists from Pharos' own cases: each victim registered by an agency is on that agency's list.

One record per victim (``Person`` with role ``victim``) of each case: the list is the case's
owner agency (``list_by="agency"``, named by the agency) or its kind (``list_by="kind"``:
police, NGO, labour inspectorate, ...). Two registrations are the same person when the server's
duplicate detection gave them the same ``match_key`` (normalised name, birth date and
citizenship); a victim without a match key counts as a person of their own. Duplicate flags are
not used: a flag marks a *possible* duplicate, and its ``resolved`` field does not say whether it
was confirmed or dismissed.

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
from pharos.store.models.cases import Case, Person

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
    out: list[ListRecord] = []
    for person, case, agency in session.execute(query).all():
        registered = case.created_at.date()
        key = f"match:{person.match_key}" if person.match_key else f"person:{person.id}"
        out.append(
            ListRecord(
                person=key,
                list_name=agency.name if list_by is ListBy.AGENCY else agency.kind,
                state=case.state,
                year=registered.year,
                exploitation=tuple(case.exploitation_types or ()),
                sex=person.gender or None,
                age_band=age_band(person.birthdate, registered),
            )
        )
    return out
