"""The JSON API (``/api/v1``): the same services as the pages, the same permissions."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.encoders import jsonable_encoder

from pharos.coordinate import (
    audit,
    cases,
    directory,
    duplicates,
    editing,
    referrals,
    reflection,
    requests,
    screening,
    tasks,
)
from pharos.coordinate import dashboard as dash
from pharos.coordinate.case_view import case_detail
from pharos.coordinate.permissions import Principal, require, sees_identity
from pharos.domain.explain import explained
from pharos.domain.practitioners import PractitionerKind
from pharos.learn import lessons
from pharos.store.uow import UnitOfWork
from pharos.web import schemas as s
from pharos.web.deps import RecordId, case_filter_query, signed_in, uow

# Every route needs a signed-in caller (401), checks permissions and, on unsafe methods, CSRF
# for session cookies (403), and validates what it is sent (422); a route that reads a record by
# number also answers 404.
router = APIRouter(prefix="/api/v1", responses=s.errors(401, 403, 422))
NOT_FOUND = s.errors(404)
#: a route with a JSON body also answers 400 to a body that cannot be read as JSON at all
BODY = s.errors(400)
BODY_NOT_FOUND = s.errors(400, 404)


def _detail(request: Request, work: UnitOfWork, p: Principal, case_id: int) -> dict[str, Any]:
    case = cases.get_case(work.session, p, case_id, audit_read=False)
    warn = request.app.state.settings.reflection_warning_days
    out: dict[str, Any] = jsonable_encoder(case_detail(work.session, p, case, date.today(), warn))
    return out


@router.get("/cases", tags=["cases"])
def list_cases(
    params: dict[str, str] = Depends(case_filter_query),
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> dict[str, Any]:
    """The cases you may read that match the filter (the case list's: search, status, state,
    exploitation, opening dates, owning agency, the cases you hold, sort), one page of 50 with
    the total (exactly how many match: ``pages`` pages of ``page_size``); titles only where you
    see the victim's identity."""
    require(p, "case", "read")
    found = cases.find_cases(work.session, p, cases.case_filter(params))
    out = []
    views = cases.views_of(work.session, p, found.cases)
    for c in found.cases:
        full = sees_identity(views[c.id])
        out.append(
            {
                "id": c.id,
                "reference": c.reference,
                "state": c.state,
                "status": c.status,
                "title": c.title if full else "",
                "updated_at": c.updated_at.isoformat(),
            }
        )
    return {
        "cases": out,
        "total": found.total,
        "page": found.page,
        "pages": found.pages,
        "page_size": cases.PAGE_SIZE,
    }


@router.post("/cases", tags=["cases"], status_code=201, responses=BODY)
def open_case(
    request: Request,
    data: s.CaseIn,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> dict[str, Any]:
    """Open a case with its possible victim."""
    case = cases.open_case(work.session, p, data.model_dump(mode="json", exclude_none=True))
    work.commit()
    return _detail(request, work, p, case.id)


@router.get("/cases/{case_id}", tags=["cases"], responses=NOT_FOUND)
def read_case(
    request: Request,
    case_id: RecordId,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> dict[str, Any]:
    """One case as you may see it (identity per your view); the read is audited."""
    cases.get_case(work.session, p, case_id)
    work.commit()
    return _detail(request, work, p, case_id)


def _case_change(
    request: Request, work: UnitOfWork, p: Principal, case_id: int, action: Any, data: s.Body
) -> dict[str, Any]:
    case = cases.get_case(work.session, p, case_id, audit_read=False)
    action(work.session, p, case, data.model_dump(mode="json", exclude_none=True))
    work.commit()
    return _detail(request, work, p, case_id)


@router.post("/cases/{case_id}/persons", tags=["cases"], responses=BODY_NOT_FOUND)
def add_person(
    request: Request,
    case_id: RecordId,
    data: s.PersonIn,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> dict[str, Any]:
    return _case_change(request, work, p, case_id, cases.add_person, data)


@router.post("/cases/{case_id}/events", tags=["cases"], responses=BODY_NOT_FOUND)
def add_event(
    request: Request,
    case_id: RecordId,
    data: s.EventIn,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> dict[str, Any]:
    return _case_change(request, work, p, case_id, cases.add_event, data)


@router.post("/cases/{case_id}/consent", tags=["cases"], responses=BODY_NOT_FOUND)
def record_consent(
    request: Request,
    case_id: RecordId,
    data: s.ConsentIn,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> dict[str, Any]:
    return _case_change(request, work, p, case_id, cases.record_consent, data)


@router.post("/cases/{case_id}/support-plans", tags=["cases"], responses=BODY_NOT_FOUND)
def add_support_plan(
    request: Request,
    case_id: RecordId,
    data: s.SupportPlanIn,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> dict[str, Any]:
    return _case_change(request, work, p, case_id, cases.add_support_plan, data)


@router.post("/cases/{case_id}/notes", tags=["cases"], responses=BODY_NOT_FOUND)
def add_note(
    request: Request,
    case_id: RecordId,
    data: s.NoteIn,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> dict[str, Any]:
    return _case_change(request, work, p, case_id, cases.add_note, data)


#: an edit also answers 409 when the record changed since the version sent
EDIT = s.errors(400, 404, 409)


@router.post("/cases/{case_id}/status", tags=["cases"], responses=EDIT)
def set_status(
    request: Request,
    case_id: RecordId,
    data: s.StatusIn,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> dict[str, Any]:
    """Change the status, stage or closure reason, sent with the ``status_version`` the case
    was read with; 409 (nothing written) if the status changed since."""
    return _case_change(request, work, p, case_id, cases.set_status, data)


def _edit(
    request: Request,
    work: UnitOfWork,
    p: Principal,
    case_id: int,
    kind: str,
    record_id: int,
    data: s.Body,
) -> dict[str, Any]:
    case = cases.get_case(work.session, p, case_id, audit_read=False)
    sent = data.model_dump(mode="json", exclude_unset=True)
    editing.EDITS[kind](work.session, p, case, record_id, sent)
    work.commit()
    return _detail(request, work, p, case_id)


@router.patch("/cases/{case_id}/persons/{person_id}", tags=["cases"], responses=EDIT)
def edit_person(
    request: Request,
    case_id: RecordId,
    person_id: RecordId,
    data: s.PersonEdit,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> dict[str, Any]:
    """Edit a person of the case (the fields sent; with the version read). The values before
    and after are kept in the case's history."""
    return _edit(request, work, p, case_id, "person", person_id, data)


@router.patch("/cases/{case_id}/events/{event_id}", tags=["cases"], responses=EDIT)
def edit_event(
    request: Request,
    case_id: RecordId,
    event_id: RecordId,
    data: s.EventEdit,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> dict[str, Any]:
    """Edit an event of the case's timeline (the fields sent; with the version read)."""
    return _edit(request, work, p, case_id, "event", event_id, data)


@router.patch("/cases/{case_id}/notes/{note_id}", tags=["cases"], responses=EDIT)
def edit_note(
    request: Request,
    case_id: RecordId,
    note_id: RecordId,
    data: s.NoteEdit,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> dict[str, Any]:
    """Edit a note of the case: its author only (with the version read)."""
    return _edit(request, work, p, case_id, "note", note_id, data)


@router.patch("/cases/{case_id}/support-plans/{plan_id}", tags=["cases"], responses=EDIT)
def edit_support_plan(
    request: Request,
    case_id: RecordId,
    plan_id: RecordId,
    data: s.SupportPlanEdit,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> dict[str, Any]:
    """Edit a support plan of the case: its author's agency (the fields sent; with the version
    read); ``actual_end`` records when the service ended."""
    return _edit(request, work, p, case_id, "support_plan", plan_id, data)


@router.post("/cases/{case_id}/assign", tags=["tasks"], responses=EDIT)
def assign_case(
    request: Request,
    case_id: RecordId,
    data: s.AssignIn,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> dict[str, Any]:
    """Give the case to a colleague of its agency (the caseworker responsible for it); with
    ``from_user_id``, refused (409) if someone assigned it since."""
    return _case_change(request, work, p, case_id, tasks.assign_case, data)


@router.post("/cases/{case_id}/tasks", tags=["tasks"], responses=BODY_NOT_FOUND)
def add_task(
    request: Request,
    case_id: RecordId,
    data: s.TaskIn,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> dict[str, Any]:
    """Give a task on the case to an active colleague of your agency, with a due date."""
    return _case_change(request, work, p, case_id, tasks.add_task, data)


@router.patch("/cases/{case_id}/tasks/{task_id}", tags=["tasks"], responses=EDIT)
def update_task(
    request: Request,
    case_id: RecordId,
    task_id: RecordId,
    data: s.TaskEdit,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> dict[str, Any]:
    """Change a task's title, due date or assignee (the fields sent; with the version read)."""
    case = cases.get_case(work.session, p, case_id, audit_read=False)
    sent = data.model_dump(mode="json", exclude_unset=True)
    tasks.update_task(work.session, p, case, task_id, sent)
    work.commit()
    return _detail(request, work, p, case_id)


@router.post("/cases/{case_id}/tasks/{task_id}/done", tags=["tasks"], responses=EDIT)
def complete_task(
    request: Request,
    case_id: RecordId,
    task_id: RecordId,
    data: s.TaskDoneIn,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> dict[str, Any]:
    """Mark a task done (with the version read)."""
    case = cases.get_case(work.session, p, case_id, audit_read=False)
    tasks.complete_task(work.session, p, case, task_id, data.model_dump(mode="json"))
    work.commit()
    return _detail(request, work, p, case_id)


@router.get("/tasks", tags=["tasks"])
def my_tasks(
    p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> list[dict[str, Any]]:
    """Your open tasks, the most urgent first (``overdue``: past its due date)."""
    require(p, "dashboard", "read")
    out: list[dict[str, Any]] = jsonable_encoder(
        [tasks.task_view(t) for t in tasks.my_tasks(work.session, p, date.today())]
    )
    return out


@router.get("/colleagues", tags=["tasks"])
def colleagues(
    p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> list[dict[str, Any]]:
    """The active accounts of your agency: who may be given a case or a task."""
    require(p, "task", "create")
    return [
        {"id": u.id, "username": u.username, "display_name": u.display_name}
        for u in tasks.colleagues(work.session, p.agency_id)
    ]


@router.post("/cases/{case_id}/duplicates", tags=["cases"], responses=BODY_NOT_FOUND)
def resolve_duplicate(
    request: Request,
    case_id: RecordId,
    data: s.DuplicateResolutionIn,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> dict[str, Any]:
    """Confirm (the same person) or dismiss (different people) a possible duplicate flagged on
    the case; the answer shows on both cases and counts in the hidden-figure estimate."""
    return _case_change(request, work, p, case_id, duplicates.resolve_duplicate, data)


@router.post("/cases/{case_id}/reflection-period", tags=["cases"], responses=BODY_NOT_FOUND)
def grant_reflection(
    request: Request,
    case_id: RecordId,
    data: s.ReflectionIn,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> dict[str, Any]:
    """Grant the recovery and reflection period under the case state's rules."""
    return _case_change(request, work, p, case_id, reflection.grant_reflection_period, data)


@router.get("/cases/{case_id}/audit", tags=["cases"], responses=NOT_FOUND)
def case_audit(
    case_id: RecordId, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> list[dict[str, Any]]:
    """Who read or changed the case, newest first."""
    case = cases.get_case(work.session, p, case_id, audit_read=False)
    cases.require_on_case(work.session, p, case, "audit")
    return [
        {
            "at": e.at.isoformat(),
            "actor": e.actor,
            "action": e.action,
            "resource": e.resource,
            "resource_id": e.resource_id,
        }
        for e in audit.case_trail(work.session, case_id)
    ]


@router.post(
    "/cases/{case_id}/referrals", tags=["referrals"], status_code=201, responses=BODY_NOT_FOUND
)
def refer(
    case_id: RecordId,
    data: s.ReferralIn,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> dict[str, Any]:
    """Refer or transfer a case; consent is checked (an authorised override is recorded)."""
    case = cases.get_case(work.session, p, case_id, audit_read=False)
    r = referrals.refer(work.session, p, case, data.model_dump(mode="json"))
    work.commit()
    return _referral(r)


def _referral(r: Any) -> dict[str, Any]:
    return {
        "id": r.id,
        "case_id": r.case_id,
        "kind": r.kind,
        "mechanism": r.mechanism,
        "stage": r.stage,
        "from_agency_id": r.from_agency_id,
        "to_agency_id": r.to_agency_id,
        "status": r.status,
        "reason": r.reason,
        "rejection_reason": r.rejection_reason,
        "consent_override": r.consent_override,
    }


@router.get("/referrals", tags=["referrals"])
def list_referrals(
    p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> dict[str, Any]:
    """Referrals to and from your agency."""
    require(p, "referral", "read")
    return {
        "incoming": [_referral(r) for r in referrals.incoming(work.session, p)],
        "outgoing": [_referral(r) for r in referrals.outgoing(work.session, p)],
    }


@router.post("/referrals/{referral_id}/respond", tags=["referrals"], responses=BODY_NOT_FOUND)
def respond(
    referral_id: RecordId,
    data: s.RespondIn,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> dict[str, Any]:
    """Accept or reject (receiver, with a reason to reject); revoke or mark done (sender)."""
    r = referrals.get_referral(work.session, p, referral_id)
    referrals.respond(work.session, p, r, data.model_dump())
    work.commit()
    return _referral(r)


@router.post("/referrals/{referral_id}/withdraw", tags=["referrals"], responses=BODY_NOT_FOUND)
def withdraw_referral(
    referral_id: RecordId,
    data: s.WithdrawIn | None = None,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> dict[str, Any]:
    """Withdraw a referral or transfer your agency sent, while it is still in progress (its
    status becomes revoked; the receiver's access to the case ends)."""
    r = referrals.get_referral(work.session, p, referral_id)
    reason = data.reason if data is not None else ""
    referrals.respond(work.session, p, r, {"action": "revoke", "reason": reason})
    work.commit()
    return _referral(r)


@router.get("/cases/{case_id}/instruments", tags=["requests"], responses=NOT_FOUND)
def instruments(
    case_id: RecordId,
    receiver: s.StateCode,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> list[dict[str, Any]]:
    """The instruments you may use from your state to ``receiver`` (a state of the region,
    ISO3) on this case; none towards your own state."""
    cases.get_case(work.session, p, case_id, audit_read=False)
    return [
        {
            "type": i.instrument,
            "channel": i.channel,
            "legal_basis": i.legal_basis,
            "due_days": i.spec.due_days,
        }
        for i in requests.offered_instruments(p, p.state, receiver)
    ]


def _request(r: Any) -> dict[str, Any]:
    return {
        "id": r.id,
        "case_id": r.case_id,
        "type": r.type,
        "sender_state": r.sender_state,
        "receiver_state": r.receiver_state,
        "receiver_agency_id": r.receiver_agency_id,
        "subject": r.subject,
        "body": r.body,
        "status": r.status,
        "sent_at": r.sent_at.isoformat(),
        "due_at": r.due_at.isoformat(),
        "reminders_sent": r.reminders_sent,
        "escalated_at": r.escalated_at.isoformat() if r.escalated_at else None,
        "answered_at": r.answered_at.isoformat() if r.answered_at else None,
    }


@router.post(
    "/cases/{case_id}/requests", tags=["requests"], status_code=201, responses=BODY_NOT_FOUND
)
def send_request(
    case_id: RecordId,
    data: s.RequestIn,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> dict[str, Any]:
    """Send a cross-border request to the receiving state's contact point."""
    case = cases.get_case(work.session, p, case_id, audit_read=False)
    r = requests.send(work.session, p, case, data.model_dump())
    work.commit()
    return _request(r)


@router.get("/requests", tags=["requests"])
def list_requests(
    p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> list[dict[str, Any]]:
    require(p, "request", "read")
    return [_request(r) for r in requests.visible_requests(work.session, p)]


@router.get("/requests/{request_id}", tags=["requests"], responses=NOT_FOUND)
def read_request(
    request_id: RecordId, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> dict[str, Any]:
    r = requests.get_request(work.session, p, request_id)
    out = _request(r)
    out["replies"] = [
        {
            "id": x.id,
            "text": x.text,
            "agency_id": x.agency_id,
            "created_at": x.created_at.isoformat(),
        }
        for x in requests.replies(work.session, r.id)
    ]
    return out


@router.post(
    "/requests/{request_id}/replies", tags=["requests"], status_code=201, responses=BODY_NOT_FOUND
)
def reply(
    request_id: RecordId,
    data: s.ReplyIn,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> dict[str, Any]:
    """Answer a request addressed (or escalated) to your agency; attached to the case."""
    r = requests.get_request(work.session, p, request_id)
    requests.reply(work.session, p, r, data.model_dump())
    work.commit()
    return _request(r)


@router.post("/requests/{request_id}/withdraw", tags=["requests"], responses=NOT_FOUND)
def withdraw_request(
    request_id: RecordId, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> dict[str, Any]:
    """Withdraw a cross-border request your agency sent, while it awaits an answer."""
    r = requests.get_request(work.session, p, request_id)
    requests.withdraw(work.session, p, r)
    work.commit()
    return _request(r)


#: an idempotency key a device chooses for a screening it kept offline (docs/security.md)
IDEMPOTENCY_KEY = Header(
    alias="Idempotency-Key",
    description="a key the client chooses for this screening (8 to 64 letters, digits, - or _; "
    "a UUID fits): sent again with the same screening, the stored one is answered (200) and "
    "nothing is stored twice; with a different screening, 409",
)
SCREEN = {
    **BODY,
    200: {"description": "A screening sent before with this Idempotency-Key: the stored one."},
    409: {
        "model": s.ErrorOut,
        "description": "The Idempotency-Key was used before for a different screening: "
        "nothing was stored.",
    },
}


@router.post("/screenings", tags=["screening"], status_code=201, responses=SCREEN)
def screen(
    data: s.ScreeningIn,
    response: Response,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
    idempotency_key: Annotated[str | None, IDEMPOTENCY_KEY] = None,
) -> dict[str, Any]:
    """Screen a person against the ILO/EC indicators; the result is stored. A device that kept
    the screening offline sends it with an ``Idempotency-Key``: a retried sync answers the
    screening already stored (200, ``replayed``) instead of storing it twice."""
    record, replayed = screening.store_screening(
        work.session, p, data.as_form(), client_key=idempotency_key
    )
    work.commit()
    if replayed:
        response.status_code = 200
    return {"id": record.id, "replayed": replayed, "result": explained(screening.rescreen(record))}


@router.get("/screenings/{screening_id}", tags=["screening"], responses=NOT_FOUND)
def read_screening(
    screening_id: RecordId, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> dict[str, Any]:
    record = screening.get_screening(work.session, p, screening_id)
    return {
        "id": record.id,
        "case_id": record.case_id,
        "person_label": record.person_label,
        "observations": record.observations,
        "screened_at": record.screened_at.isoformat(),
        "result": explained(screening.rescreen(record)),
    }


@router.get("/directory", tags=["directory"])
def search_directory(
    q: Annotated[str, Query(max_length=200)] = "",
    state: Annotated[s.StateCode | None, Query()] = None,
    kind: PractitionerKind | None = None,
    language: Annotated[str, Query(max_length=10, description="e.g. ar, fr")] = "",
    contact_points: bool = False,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> list[dict[str, Any]]:
    """Agencies and contact points by text, state, practitioner kind and language."""
    return [
        {
            "id": a.id,
            "name": a.name,
            "state": a.state,
            "kind": a.kind,
            "city": a.city,
            "email": a.email,
            "languages": a.language_list(),
            "receives": a.receives_list(),
            "organisation": a.organisation,
        }
        for a in directory.search(
            work.session,
            p,
            text=q,
            state=state or "",
            kind=kind.value if kind is not None else "",
            language=language,
            contact_points_only=contact_points,
        )
    ]


@router.get("/dashboard", tags=["dashboard"])
def dashboard(
    request: Request, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> dict[str, Any]:
    """Your cases, requests to answer and awaiting, referrals awaiting you, periods ending,
    possible duplicates, and your agency's overdue improvement-plan items."""
    require(p, "dashboard", "read")
    requests.tick(work.session)
    work.commit()
    d = dash.dashboard(
        work.session, p, date.today(), request.app.state.settings.reflection_warning_days
    )
    return {
        "my_cases": [
            {"id": c.id, "reference": c.reference, "status": c.status} for c in d.my_cases
        ],
        "requests_to_answer": [_request(r) for r in d.requests_to_answer],
        "requests_awaiting": [_request(r) for r in d.requests_awaiting],
        "referrals_awaiting_me": [_referral(r) for r in d.referrals_awaiting_me],
        "periods_ending": [
            {"case_id": c.id, "ends_on": per.ends_on.isoformat()} for per, c in d.periods_ending
        ],
        "duplicates": [
            {"case_id": f.case_id, "other_case_id": f.other_case_id} for f in d.duplicates
        ],
        "my_tasks": [jsonable_encoder(tasks.task_view(t)) for t in d.my_tasks],
        "overdue_improvement_items": [
            {
                "id": i.id,
                "title": i.title,
                "owner": i.owner,
                "due_date": i.due_date.isoformat(),
                "status": i.status,
            }
            for i in lessons.overdue(work.session, p, date.today())
        ],
    }


@router.get("/audit/verify", tags=["audit"])
def verify(p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)) -> dict[str, Any]:
    """Check the hash chain of the audit trail against its head (administrators); the head is
    the newest entry's id and hash, to keep outside the database."""
    require(p, "audit", "verify")
    result = audit.check(work.session)
    return {
        "entries": result.count,
        "intact": result.intact,
        "head": {"id": result.last_id, "hash": result.last_hash},
        "problems": [{"entry": x.entry_id, "reason": x.reason} for x in result.problems],
    }
