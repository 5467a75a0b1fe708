"""Per-user dashboard of case work: my tasks, my cases, requests due, referrals awaiting me, periods
ending, possible duplicates. (The dashboard page adds the agency's overdue improvement-plan items
from the learn area, ``pharos.learn.lessons.overdue``: nothing below the faces reads from learn.)"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from pharos.coordinate import cases
from pharos.coordinate.cases import duplicate_disclosed, held_by, visible_cases
from pharos.coordinate.permissions import Principal
from pharos.coordinate.requests import visible_requests
from pharos.coordinate.tasks import TaskLine, my_tasks
from pharos.coordinate.vocabulary import ReferralStatus, RequestStatus
from pharos.store.models import (
    Case,
    CrossBorderRequest,
    DuplicateFlag,
    Referral,
    ReflectionPeriod,
)

MY_CASES_SHOWN = 20


@dataclass
class Dashboard:
    my_cases: list[Case] = field(default_factory=list)
    #: how many cases the user holds (the page shows the newest MY_CASES_SHOWN, and says so)
    my_cases_total: int = 0
    requests_to_answer: list[CrossBorderRequest] = field(default_factory=list)
    requests_awaiting: list[CrossBorderRequest] = field(default_factory=list)
    referrals_awaiting_me: list[Referral] = field(default_factory=list)
    periods_ending: list[tuple[ReflectionPeriod, Case]] = field(default_factory=list)
    duplicates: list[DuplicateFlag] = field(default_factory=list)
    #: the open tasks given to the user, the most urgent first (``tasks.my_tasks``)
    my_tasks: list[TaskLine] = field(default_factory=list)


def dashboard(session: Session, p: Principal, today: date, warn_days: int = 7) -> Dashboard:
    d = Dashboard()
    d.my_tasks = my_tasks(session, p, today)
    # Every case the user holds: owned, assigned, or referred to the agency and accepted.
    mine = visible_cases(p).where(held_by(p))
    d.my_cases = list(session.execute(mine.limit(MY_CASES_SHOWN)).scalars())
    # counted as the case list counts "Cases I hold" (exactly)
    d.my_cases_total = cases.count_matching(session, p, cases.CaseFilter(mine=True))
    for r in visible_requests(session, p):
        if r.status != RequestStatus.SENT:
            continue
        if p.agency_id in (r.receiver_agency_id, r.escalated_to_agency_id):
            d.requests_to_answer.append(r)
        elif r.sender_agency_id == p.agency_id:
            d.requests_awaiting.append(r)
    d.referrals_awaiting_me = list(
        session.execute(
            select(Referral)
            .where(
                Referral.to_agency_id == p.agency_id,
                Referral.status == ReferralStatus.IN_PROGRESS.value,
            )
            .order_by(Referral.id)
        ).scalars()
    )
    readable = visible_cases(p).with_only_columns(Case.id)
    d.periods_ending = [
        (period, case)
        for period, case in session.execute(
            select(ReflectionPeriod, Case)
            .join(Case, Case.id == ReflectionPeriod.case_id)
            .where(
                ReflectionPeriod.case_id.in_(readable),
                ReflectionPeriod.ends_on <= today + timedelta(days=warn_days),
                ReflectionPeriod.ends_on >= today - timedelta(days=30),
            )
            .order_by(ReflectionPeriod.ends_on)
        ).all()
    ]
    # The open flags first (few), then which of their cases the reader may read: filtering the
    # flags by every readable case made PostgreSQL list all of them (416 ms at 100,000 cases
    # with no flag at all; benchmarks/casework_scale.py).
    open_flags = list(
        session.execute(
            select(DuplicateFlag)
            .where(DuplicateFlag.resolution.is_(None))
            .order_by(DuplicateFlag.id)
        ).scalars()
    )
    flagged = {flag.case_id for flag in open_flags}
    readable_flagged = (
        set(session.execute(readable.where(Case.id.in_(flagged))).scalars()) if flagged else set()
    )
    d.duplicates = [
        flag
        for flag in open_flags
        if flag.case_id in readable_flagged and duplicate_disclosed(session, flag)
    ]
    return d
