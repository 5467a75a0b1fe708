"""Cross-border requests: typed, routed to the receiving state's contact point, with a clock.

Only the instruments that exist between the two states are offered
(``pharos.domain.cooperation.instruments_between``), to the practitioner kinds that may send
them (the instrument's ``senders``, granted in ``pharos.coordinate.permissions``). Each type has
a time to answer (the instrument's ``due_days``); a reminder goes out when a quarter of that time
is left, and an unanswered request is escalated to the receiving state's national coordinator
once it is overdue. Replies attach to the case as notes.

The answer times are Pharos defaults for planning, not legal deadlines, except the police
information exchange's 7 days between EU states (Directive (EU) 2023/977, Art. 5(1)) and the
European Investigation Order's 30 days to decide on recognition (Directive 2014/41/EU,
Art. 12(3)); ``data/instruments.yaml`` gives the source of each. An operator changes them there.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from pharos.coordinate import audit, notifications
from pharos.coordinate.cases import NotFound, case_ref, view_of
from pharos.coordinate.permissions import (
    COORDINATOR,
    IdentityView,
    PermissionDenied,
    Principal,
    RecordRef,
    Scope,
    allowed,
    require,
    scopes,
)
from pharos.coordinate.validation import Fields, ValidationFailed
from pharos.coordinate.vocabulary import RequestStatus
from pharos.domain.cooperation import (
    InstrumentAvailability,
    instrument,
    instrument_codes,
    instruments_between,
)
from pharos.domain.geography import region_state_codes
from pharos.i18n import _
from pharos.store.base import utcnow
from pharos.store.models import Agency, Case, CaseAccess, CaseNote, CrossBorderRequest, RequestReply

#: share of the time to answer left when the reminder goes out
REMINDER_SHARE = 0.25


def request_ref(r: CrossBorderRequest) -> RecordRef:
    shared = {r.receiver_agency_id}
    if r.escalated_to_agency_id:
        shared.add(r.escalated_to_agency_id)
    return RecordRef(
        state=r.sender_state,
        agency_id=r.sender_agency_id,
        owner_user_ids=frozenset({r.sender_user_id}),
        shared_agency_ids=frozenset(shared),
    )


def offered_instruments(
    p: Principal, sender_state: str, receiver_state: str
) -> list[InstrumentAvailability]:
    """The instruments between the two states that ``p``'s kind may use."""
    return [
        i
        for i in instruments_between(sender_state, receiver_state)
        if scopes(p, f"request:{i.instrument}", "create")
    ]


def contact_point(session: Session, state: str, code: str) -> Agency | None:
    """The agency in ``state`` that receives requests by the instrument ``code`` (directory
    contact point)."""
    for a in session.execute(
        select(Agency).where(Agency.state == state, Agency.is_contact_point).order_by(Agency.id)
    ).scalars():
        if code in a.receives_list():
            return a
    return None


def send(session: Session, p: Principal, case: Case, data: dict[str, Any]) -> CrossBorderRequest:
    """Send a request about ``case`` from the user's state to another state's contact point."""
    f = Fields(data)
    kind = f.one_of("type", instrument_codes())
    if kind:
        require(p, f"request:{kind}", "create", case_ref(session, case))
        if view_of(session, p, case) is not IdentityView.FULL:
            raise PermissionDenied(f"{p.username} sees a restricted view of this case")
    receiver = f.one_of("receiver_state", region_state_codes())
    subject = f.text("subject", required=True, max_length=200)
    body = f.text("body", required=True, max_length=10000)
    f.check()
    available = {i.instrument: i for i in instruments_between(p.state, receiver)}
    if kind not in available:
        raise ValidationFailed(
            {"type": _("This instrument does not exist between these two states.")}
        )
    to = contact_point(session, receiver, kind)
    if to is None:
        raise ValidationFailed(
            {
                "receiver_state": _(
                    "The directory has no contact point for this request type in that state."
                )
            }
        )
    now = utcnow()
    r = CrossBorderRequest(
        case_id=case.id,
        type=kind,
        sender_state=p.state,
        sender_agency_id=p.agency_id,
        sender_user_id=p.user_id,
        receiver_state=receiver,
        receiver_agency_id=to.id,
        channel=available[kind].channel,
        legal_basis=available[kind].legal_basis,
        subject=subject,
        body=body,
        sent_at=now,
        due_at=now + timedelta(days=instrument(kind).due_days),
    )
    session.add(r)
    session.flush()
    session.add(CaseAccess(case_id=case.id, agency_id=to.id, via="request", via_id=r.id))
    audit.record(
        session,
        p,
        "send",
        "request",
        r.id,
        case_id=case.id,
        detail={"type": kind, "to_state": receiver, "to_agency": to.id},
    )
    return r


def get_request(session: Session, p: Principal, request_id: int) -> CrossBorderRequest:
    """The request if ``p`` may read it: as sender, receiver or escalation point, or as a
    reader of its case with the full view (the case page shows its requests)."""
    r = session.get(CrossBorderRequest, request_id)
    if r is None or not may_read(session, p, r):
        raise NotFound()
    return r


def may_read(session: Session, p: Principal, r: CrossBorderRequest) -> bool:
    """Whether ``p`` may read the request (:func:`get_request`'s rule)."""
    if allowed(p, "request", "read", request_ref(r)):
        return True
    case = session.get(Case, r.case_id)
    return (
        case is not None
        and allowed(p, "case", "read", case_ref(session, case))
        and view_of(session, p, case) is IdentityView.FULL
    )


def reply(
    session: Session, p: Principal, r: CrossBorderRequest, data: dict[str, Any]
) -> RequestReply:
    """Answer a request (the receiving contact point, or the coordinator it was escalated to);
    the reply is attached to the case as a note."""
    require(p, "request", "respond", request_ref(r))
    f = Fields(data)
    text = f.text("text", required=True, max_length=10000)
    f.check()
    if r.status == RequestStatus.WITHDRAWN:
        raise ValidationFailed({"text": _("This request was withdrawn.")})
    answer = RequestReply(request_id=r.id, author_id=p.user_id, agency_id=p.agency_id, text=text)
    session.add(answer)
    agency = session.get(Agency, p.agency_id)
    session.add(
        CaseNote(
            case_id=r.case_id,
            author_id=p.user_id,
            text=_("Reply from %(agency)s to request #%(id)s: %(text)s")
            % {"agency": agency.name if agency else "?", "id": r.id, "text": text},
        )
    )
    r.status = RequestStatus.ANSWERED.value
    r.answered_at = r.answered_at or utcnow()
    session.flush()
    audit.record(
        session, p, "reply", "request", r.id, case_id=r.case_id, detail={"reply": answer.id}
    )
    # the agency that asked, and the one holding the case (the labour inspector whose case the
    # police asked about finds the answer without opening the case); each if it may read it
    case = session.get(Case, r.case_id)
    told = {r.sender_agency_id} | ({case.owner_agency_id} if case is not None else set())
    notifications.notify_agencies(
        session,
        sorted(told),
        "request_answered",
        subject="request",
        subject_id=r.id,
        case_id=r.case_id,
        params={"agency": p.agency_id},
        actor=p,
        may_read=lambda reader: may_read(session, reader, r),
    )
    return answer


def withdraw(session: Session, p: Principal, r: CrossBorderRequest) -> None:
    require(p, "request", "update", request_ref(r))
    if r.status != RequestStatus.SENT:
        raise ValidationFailed({"status": _("Only a request awaiting an answer can be withdrawn.")})
    r.status = RequestStatus.WITHDRAWN.value
    audit.record(session, p, "withdraw", "request", r.id, case_id=r.case_id)


def replies(session: Session, request_id: int) -> list[RequestReply]:
    return replies_of(session, [request_id])[request_id]


def replies_of(session: Session, request_ids: Sequence[int]) -> dict[int, list[RequestReply]]:
    """The replies to each of the requests, oldest first (one query whatever their number)."""
    out: dict[int, list[RequestReply]] = {i: [] for i in request_ids}
    if request_ids:
        for reply in session.execute(
            select(RequestReply)
            .where(RequestReply.request_id.in_(request_ids))
            .order_by(RequestReply.id)
        ).scalars():
            out[reply.request_id].append(reply)
    return out


def tick(session: Session, now: datetime | None = None) -> dict[str, int]:
    """Run the clock: send due reminders and escalate overdue requests; returns the counts."""
    now = now or utcnow()
    reminded = escalated = 0
    for r in session.execute(
        select(CrossBorderRequest).where(CrossBorderRequest.status == RequestStatus.SENT.value)
    ).scalars():
        total = r.due_at - r.sent_at
        if r.reminders_sent == 0 and now >= r.due_at - total * REMINDER_SHARE:
            r.reminders_sent = 1
            r.last_reminder_at = now
            reminded += 1
            audit.record(
                session,
                None,
                "remind",
                "request",
                r.id,
                case_id=r.case_id,
                detail={"due_at": r.due_at.isoformat()},
            )
        if now > r.due_at and r.escalated_at is None:
            coordinator = (
                session.execute(
                    select(Agency)
                    .where(
                        Agency.state == r.receiver_state,
                        Agency.kind == COORDINATOR.value,
                    )
                    .order_by(Agency.id)
                )
                .scalars()
                .first()
            )
            r.escalated_at = now
            if coordinator is not None:
                r.escalated_to_agency_id = coordinator.id
                session.add(
                    CaseAccess(
                        case_id=r.case_id, agency_id=coordinator.id, via="request", via_id=r.id
                    )
                )
            escalated += 1
            audit.record(
                session,
                None,
                "escalate",
                "request",
                r.id,
                case_id=r.case_id,
                detail={"to_agency": coordinator.id if coordinator else None},
            )
            _tell_overdue(session, r)
    return {"reminded": reminded, "escalated": escalated}


def _tell_overdue(session: Session, r: CrossBorderRequest) -> None:
    """Tell the sending and receiving agencies that ``r`` is overdue, and the coordinator it
    was escalated to that it is now theirs to answer (each once: a request is escalated once)."""
    ref = request_ref(r)
    common: dict[str, Any] = {
        "subject": "request",
        "subject_id": r.id,
        "case_id": r.case_id,
        "may_read": lambda reader: allowed(reader, "request", "read", ref),
    }
    escalated_to = r.escalated_to_agency_id
    parties = {r.sender_agency_id, r.receiver_agency_id} - {escalated_to}
    notifications.notify_agencies(session, sorted(parties), "request_overdue", **common)
    if escalated_to is not None:
        notifications.notify_agencies(session, [escalated_to], "request_escalated", **common)


def visible_requests(session: Session, p: Principal) -> list[CrossBorderRequest]:
    granted = scopes(p, "request", "read")
    conds: list[Any] = []
    if Scope.OWN in granted:
        conds.append(CrossBorderRequest.sender_user_id == p.user_id)
    if Scope.AGENCY in granted:
        conds.append(CrossBorderRequest.sender_agency_id == p.agency_id)
    if Scope.SHARED in granted:
        conds += [
            CrossBorderRequest.receiver_agency_id == p.agency_id,
            CrossBorderRequest.escalated_to_agency_id == p.agency_id,
        ]
    if Scope.STATE in granted:
        conds.append(CrossBorderRequest.sender_state == p.state)
    if not conds:
        return []
    return list(
        session.execute(
            select(CrossBorderRequest).where(or_(*conds)).order_by(CrossBorderRequest.due_at)
        ).scalars()
    )


def case_requests(session: Session, case_id: int) -> list[CrossBorderRequest]:
    return list(
        session.execute(
            select(CrossBorderRequest)
            .where(CrossBorderRequest.case_id == case_id)
            .order_by(CrossBorderRequest.id)
        ).scalars()
    )
