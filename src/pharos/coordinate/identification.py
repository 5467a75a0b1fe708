"""Formal identification: recording a victim's trafficking status on a case.

A case opens with its victim as a *possible* victim. Only the bodies the state's law names for
formal identification (``pharos.domain.practitioners.state_powers``) may record an *actual*
victim, or conclude that the person is not a victim; they may do so on a case of their own or
one shared with them (a referral for identification shares the case). The change is audited.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from pharos.coordinate import audit
from pharos.coordinate.cases import require_on_case, touch
from pharos.coordinate.permissions import PermissionDenied, Principal
from pharos.coordinate.validation import Fields
from pharos.coordinate.vocabulary import PersonRole
from pharos.domain.practitioners import PractitionerKind, state_powers
from pharos.domain.vocabulary import TraffickingStatus
from pharos.i18n import _
from pharos.store.models import Case, Person


def may_identify(p: Principal, state: str) -> bool:
    """Whether ``p`` may formally identify victims in ``state``: a practitioner of that state
    of a kind its law names for formal identification."""
    return p.state == state and state_powers(state).may_identify(PractitionerKind(p.kind))


def set_trafficking_status(
    session: Session, p: Principal, case: Case, person: Person, data: dict[str, Any]
) -> Person:
    """Record the outcome of formal identification for ``person`` (a victim of ``case``):
    ``trafficking_status`` is ``actual_victim`` or ``not_a_victim`` (or back to
    ``possible_victim``)."""
    require_on_case(session, p, case, "contribute")
    if not may_identify(p, case.state):
        raise PermissionDenied(f"{p.username} may not formally identify victims in {case.state}")
    f = Fields(data)
    status = f.choice("trafficking_status", TraffickingStatus)
    if person.case_id != case.id or person.role != PersonRole.VICTIM:
        f.fail("person", _("Only a victim of this case can be identified."))
    f.check()
    assert status is not None
    before = person.trafficking_status
    person.trafficking_status = status.value
    touch(case)
    session.flush()
    audit.record(
        session,
        p,
        "identify",
        "case",
        case.id,
        case_id=case.id,
        detail={"person": person.id, "from": before, "to": status.value},
    )
    return person
