"""Cross-border requests: composed from a case (only the instruments that exist between the
two states), listed with their clocks, answered by the receiving contact point."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from pharos.coordinate import attachments, queries
from pharos.coordinate import cases as case_svc
from pharos.coordinate import requests as svc
from pharos.coordinate.cases import view_of
from pharos.coordinate.permissions import IdentityView, Principal, allowed, require
from pharos.coordinate.pseudonyms import secret_key
from pharos.coordinate.validation import ValidationFailed
from pharos.domain.cooperation import instruments
from pharos.domain.geography import region_state_codes
from pharos.i18n import _, lazy_gettext
from pharos.store.models import Case, CrossBorderRequest
from pharos.store.uow import UnitOfWork
from pharos.web import nav
from pharos.web.deps import RecordId, signed_in, uow
from pharos.web.forms import body
from pharos.web.labels import template_labels
from pharos.web.templating import render

router = APIRouter()
nav.add(nav.NavEntry(lazy_gettext("Requests"), "/requests", "request", "read", order=30))


def _compose(
    request: Request,
    work: UnitOfWork,
    p: Principal,
    case: Case,
    receiver: str,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    if receiver not in region_state_codes() or receiver == p.state:
        raise HTTPException(404)
    offered = svc.offered_instruments(p, p.state, receiver)
    routes = {
        i.instrument: svc.contact_point(work.session, receiver, i.instrument) for i in offered
    }
    return render(
        request,
        "requests/new.html",
        {
            "case": case,
            "receiver": receiver,
            "offered": offered,
            "routes": routes,
            "due_days": {code: spec.due_days for code, spec in instruments().items()},
            "errors": errors or {},
            "values": values or {},
            "L": template_labels(),
        },
        status=status,
    )


@router.get("/cases/{case_id}/requests/new", include_in_schema=False)
def compose(
    request: Request,
    case_id: RecordId,
    receiver: str = "",
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    case = case_svc.get_case(work.session, p, case_id, audit_read=False)
    return _compose(request, work, p, case, receiver.upper())


@router.post("/cases/{case_id}/requests", include_in_schema=False)
async def send(
    request: Request,
    case_id: RecordId,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    data = await body(request)
    case = case_svc.get_case(work.session, p, case_id, audit_read=False)
    try:
        r = svc.send(work.session, p, case, data)
    except ValidationFailed as exc:
        work.rollback()
        case = case_svc.get_case(work.session, p, case_id, audit_read=False)
        return _compose(
            request,
            work,
            p,
            case,
            str(data.get("receiver_state", "")).upper(),
            exc.errors,
            data,
            status=422,
        )
    work.commit()
    return RedirectResponse(f"/requests/{r.id}", status_code=303)


@router.get("/requests", include_in_schema=False)
def request_list(
    request: Request, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> Response:
    require(p, "request", "read")
    svc.tick(work.session)
    work.commit()
    rows = svc.visible_requests(work.session, p)
    ids = {r.receiver_agency_id for r in rows} | {r.sender_agency_id for r in rows}
    names = queries.agency_names(work.session, ids)
    refs = queries.case_references(work.session, {r.case_id for r in rows})
    return render(
        request,
        "requests/list.html",
        {
            "to_answer": [
                r for r in rows if p.agency_id in (r.receiver_agency_id, r.escalated_to_agency_id)
            ],
            "sent": [
                r
                for r in rows
                if p.agency_id not in (r.receiver_agency_id, r.escalated_to_agency_id)
            ],
            "names": names,
            "refs": refs,
            "now": date.today(),
            "L": template_labels(),
        },
    )


def _detail(
    request: Request,
    work: UnitOfWork,
    p: Principal,
    r: CrossBorderRequest,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    case = work.session.get(Case, r.case_id)
    assert case is not None
    ref = svc.request_ref(r)
    view = view_of(work.session, p, case)
    ids = {r.receiver_agency_id, r.sender_agency_id} | (
        {r.escalated_to_agency_id} if r.escalated_to_agency_id else set()
    )
    names = queries.agency_names(work.session, ids)
    victim = next((pp for pp in case.persons if pp.role == "victim"), None)
    key = secret_key(work.session)
    victim_view = case_svc.person_view(case, victim, view, key) if victim else None
    return render(
        request,
        "requests/detail.html",
        {
            "r": r,
            "case": case,
            "names": names,
            "replies": svc.replies(work.session, r.id),
            "files": attachments.by_reply(work.session, p, case),
            "me_agency": p.agency_id,
            "may_reply": allowed(p, "request", "respond", ref) and r.status != "withdrawn",
            "may_withdraw": allowed(p, "request", "update", ref) and r.status == "sent",
            "may_read_case": allowed(p, "case", "read", case_svc.case_ref(work.session, case)),
            "victim": victim_view,
            "full": view is IdentityView.FULL,
            "errors": errors or {},
            "L": template_labels(),
        },
        status=status,
    )


@router.get("/requests/{request_id}", include_in_schema=False)
def show(
    request: Request,
    request_id: RecordId,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    r = svc.get_request(work.session, p, request_id)
    from pharos.coordinate import audit

    audit.record(work.session, p, "read", "request", r.id, case_id=r.case_id)
    work.commit()
    return _detail(request, work, p, r)


@router.post("/requests/{request_id}/replies", include_in_schema=False)
async def answer(
    request: Request,
    request_id: RecordId,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    data = await body(request)
    r = svc.get_request(work.session, p, request_id)
    try:
        svc.reply(work.session, p, r, data)
    except ValidationFailed as exc:
        work.rollback()
        r = svc.get_request(work.session, p, request_id)
        return _detail(request, work, p, r, exc.errors, status=422)
    work.commit()
    return RedirectResponse(f"/requests/{request_id}", status_code=303)


@router.post("/requests/{request_id}/withdraw", include_in_schema=False)
def withdraw(
    request: Request,
    request_id: RecordId,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    r = svc.get_request(work.session, p, request_id)
    try:
        svc.withdraw(work.session, p, r)
    except ValidationFailed as exc:
        work.rollback()
        r = svc.get_request(work.session, p, request_id)
        return _detail(request, work, p, r, exc.errors, status=422)
    work.commit()
    return RedirectResponse(f"/requests/{request_id}", status_code=303)


__all__ = ["_"]
