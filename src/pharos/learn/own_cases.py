"""Pharos' own cases as rows of the case_outcomes table (for the equal-protection monitor).

Only what the monitor needs leaves the case database: gender, age band, citizenship, first
exploitation type, whether and when the person was identified, referred and protected. No
names, no references, no free text. Identification is the person's trafficking status
``actual_victim`` (HTCDS ActualVictimOfTrafficking); its date is not recorded by the case tools,
so the days to identification stay unknown. Referred: a referral or transfer of the case exists;
protected: a support plan exists; days are counted from the case's creation to the first of each.
"""

from __future__ import annotations

from datetime import datetime

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pharos.learn import codes
from pharos.learn.schema import conform
from pharos.store.models import Case, Person, Referral, SupportPlan


def _days(start: datetime, end: datetime | None) -> float | None:
    if end is None:
        return None
    naive = end.replace(tzinfo=None) - start.replace(tzinfo=None)  # both are UTC
    return max(0.0, naive.total_seconds() / 86400.0)


def case_outcomes(session: Session) -> pl.DataFrame:
    """One row per victim in Pharos' case database, in the case_outcomes columns."""
    first_referral = dict(
        session.execute(
            select(Referral.case_id, func.min(Referral.created_at)).group_by(Referral.case_id)
        ).all()
    )
    first_plan = dict(
        session.execute(
            select(SupportPlan.case_id, func.min(SupportPlan.created_at)).group_by(
                SupportPlan.case_id
            )
        ).all()
    )
    rows: list[dict[str, object]] = []
    victims = session.execute(
        select(Person, Case).join(Case, Case.id == Person.case_id).where(Person.role == "victim")
    ).all()
    for person, case in victims:
        created = case.created_at
        age_band = None
        if person.birthdate is not None:
            born = person.birthdate
            day = created.date()
            years = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
            age_band = codes.age_band_of(years) if years >= 0 else None
        referral = first_referral.get(case.id)
        plan = first_plan.get(case.id)
        gender = person.gender if person.gender in codes.GENDERS else None
        rows.append(
            {
                "source": "pharos",
                "year": created.year,
                "gender": gender,
                "age_band": age_band,
                "minor": None if age_band is None else age_band in codes.MINOR_AGE_BANDS,
                "unaccompanied": None,
                "citizenship": person.citizenship or None,
                "exploitation_type": case.exploitation_types[0]
                if case.exploitation_types
                else None,
                "identified": person.trafficking_status == "actual_victim",
                "referred": referral is not None,
                "protected": plan is not None,
                "days_to_identification": None,
                "days_to_referral": _days(created, referral),
                "days_to_protection": _days(created, plan),
            }
        )
    if not rows:
        return conform(pl.DataFrame({"source": []}, schema={"source": pl.String}), "case_outcomes")
    return conform(pl.DataFrame(rows, infer_schema_length=None), "case_outcomes")
