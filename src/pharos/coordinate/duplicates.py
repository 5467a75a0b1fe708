"""Resolving possible duplicates: an agency working on a case says whether a flagged person is
the same person as the one registered by another agency (confirmed) or not (dismissed).

A flag is stored twice, once on each case (person → other person); both rows are resolved
together, so that the other agency sees the answer too. A resolution can be changed (a mistake
corrected); every resolution is in the audit trail of both cases.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from pharos.coordinate import audit
from pharos.coordinate.cases import duplicate_disclosed, require_on_case, touch
from pharos.coordinate.permissions import Principal
from pharos.coordinate.validation import Fields
from pharos.i18n import _
from pharos.store.base import utcnow
from pharos.store.models import Case, DuplicateFlag


class DuplicateResolution(StrEnum):
    CONFIRMED = "confirmed"  # the two registrations are the same person
    DISMISSED = "dismissed"  # different people who share name, birth date and citizenship


def pair(session: Session, flag: DuplicateFlag) -> list[DuplicateFlag]:
    """The flag and its mirror on the other case."""
    return list(
        session.execute(
            select(DuplicateFlag).where(
                or_(
                    and_(
                        DuplicateFlag.person_id == flag.person_id,
                        DuplicateFlag.other_person_id == flag.other_person_id,
                    ),
                    and_(
                        DuplicateFlag.person_id == flag.other_person_id,
                        DuplicateFlag.other_person_id == flag.person_id,
                    ),
                )
            )
        ).scalars()
    )


def resolve_duplicate(
    session: Session, p: Principal, case: Case, data: dict[str, Any]
) -> DuplicateFlag:
    """Confirm or dismiss the flag ``data["flag"]`` of ``case`` (fields ``flag``,
    ``resolution``); needs ``case:update`` on the case with its full view (audited)."""
    require_on_case(session, p, case, "update")
    f = Fields(data)
    flag_id = f.record_id("flag")
    resolution = f.choice("resolution", DuplicateResolution)
    flag = session.get(DuplicateFlag, flag_id) if flag_id is not None else None
    if flag_id is not None and (
        flag is None or flag.case_id != case.id or not duplicate_disclosed(session, flag)
    ):
        f.fail("flag", _("This case has no such possible duplicate."))
    f.check()
    assert flag is not None and resolution is not None
    previous = flag.resolution
    now = utcnow()
    for row in pair(session, flag):
        row.resolution = resolution.value
        row.resolved_by_id = p.user_id
        row.resolved_at = now
    touch(case)
    detail = {
        "flag": flag.id,
        "person": flag.person_id,
        "other_person": flag.other_person_id,
        "other_case": flag.other_case_id,
        "resolution": resolution.value,
        "previous": previous,
    }
    audit.record(session, p, "resolve_duplicate", "case", case.id, case_id=case.id, detail=detail)
    if flag.other_case_id != case.id:
        audit.record(
            session,
            p,
            "resolve_duplicate",
            "case",
            flag.other_case_id,
            case_id=flag.other_case_id,
            detail={**detail, "other_case": case.id},
        )
    return flag
