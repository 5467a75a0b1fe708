"""The recovery and reflection period (Council of Europe Convention on Action against THB,
Art. 13): granted under the case state's rules, with warnings before it ends."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from pharos.coordinate import audit
from pharos.coordinate.cases import case_ref, touch
from pharos.coordinate.permissions import (
    PermissionDenied,
    Principal,
    may_grant_reflection_period,
    require,
)
from pharos.coordinate.validation import Fields
from pharos.domain.practitioners import state_powers
from pharos.i18n import ngettext
from pharos.store.models import Case, ReflectionPeriod


@dataclass(frozen=True)
class PeriodRule:
    """The recovery and reflection period of a state (days) and where that number comes from."""

    days: int
    known: bool
    source: str


def reflection_rule(state: str) -> PeriodRule:
    rr = state_powers(state).recovery_and_reflection
    return PeriodRule(rr.days, rr.known, rr.source)


def grant_reflection_period(
    session: Session, p: Principal, case: Case, data: dict[str, Any]
) -> ReflectionPeriod:
    """Grant the recovery and reflection period under the case state's rules (CoE Convention
    Art. 13); the length (days) is the state's, or Pharos's 30-day default where unknown."""
    ref = case_ref(session, case)
    require(p, "reflection_period", "create", ref)
    if not may_grant_reflection_period(p, case.state):
        raise PermissionDenied("only the state's competent authorities grant the period")
    f = Fields(data)
    start = f.date("starts_on") or date.today()
    f.check()
    rule = reflection_rule(case.state)
    # The state's source when its rule is known; empty means Pharos's default, explained in
    # the reader's language when shown (basis_text).
    basis = rule.source if rule.known else ""
    period = ReflectionPeriod(
        case_id=case.id,
        state=case.state,
        starts_on=start,
        ends_on=start + timedelta(days=rule.days),
        days=rule.days,
        basis=basis,
        granted_by_id=p.user_id,
    )
    session.add(period)
    session.flush()
    touch(case)
    audit.record(
        session,
        p,
        "grant_reflection_period",
        "case",
        case.id,
        case_id=case.id,
        detail={"days": rule.days, "ends_on": period.ends_on.isoformat()},
    )
    return period


def basis_text(period: ReflectionPeriod) -> str:
    """Where the length of a granted period comes from, in the current language."""
    if period.basis:
        return period.basis
    return ngettext(
        "Pharos default of %(days)s day (Council of Europe Convention, Art. 13); "
        "the state's own rule was not found in the sources.",
        "Pharos default of %(days)s days (Council of Europe Convention, Art. 13); "
        "the state's own rule was not found in the sources.",
        period.days,
    ) % {"days": period.days}


def period_warning(period: ReflectionPeriod, today: date, warn_days: int) -> str | None:
    """ "ended", "ending" (within ``warn_days`` days) or None."""
    if period.ends_on < today:
        return "ended"
    if (period.ends_on - today).days <= warn_days:
        return "ending"
    return None
