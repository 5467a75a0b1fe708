"""Referrals and transfers: made from a case page, answered from the referrals page."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from pharos.coordinate import cases as case_svc
from pharos.coordinate import queries
from pharos.coordinate import referrals as svc
from pharos.coordinate.permissions import Principal, require
from pharos.coordinate.validation import ValidationFailed
from pharos.i18n import lazy_gettext
from pharos.store.uow import UnitOfWork
from pharos.web import nav
from pharos.web.deps import RecordId, signed_in, uow
from pharos.web.forms import body
from pharos.web.labels import template_labels
from pharos.web.routes.cases import case_page
from pharos.web.templating import render

router = APIRouter()
nav.add(nav.NavEntry(lazy_gettext("Referrals"), "/referrals", "referral", "read", order=20))


@router.post("/cases/{case_id}/referrals", include_in_schema=False)
async def refer(
    request: Request,
    case_id: RecordId,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    data = await body(request)
    case = case_svc.get_case(work.session, p, case_id, audit_read=False)
    try:
        svc.refer(work.session, p, case, data)
    except ValidationFailed as exc:
        work.rollback()
        case = case_svc.get_case(work.session, p, case_id, audit_read=False)
        return case_page(
            request,
            work,
            p,
            case,
            errors={"referral": exc.errors},
            status=422,
            values={"referral": data},
        )
    work.commit()
    return RedirectResponse(f"/cases/{case_id}#referrals", status_code=303)


def _page(
    request: Request,
    work: UnitOfWork,
    p: Principal,
    errors: dict[int, dict[str, str]] | None = None,
    status: int = 200,
) -> Response:
    incoming = svc.incoming(work.session, p)
    outgoing = svc.outgoing(work.session, p)
    ids = {r.from_agency_id for r in incoming} | {r.to_agency_id for r in outgoing}
    names = queries.agency_names(work.session, ids)
    case_ids = {r.case_id for r in incoming + outgoing}
    refs = queries.case_references(work.session, case_ids)
    recorded = {r.id: svc.recorded_for(work.session, p, r) for r in incoming + outgoing}
    return render(
        request,
        "referrals/list.html",
        {
            "incoming": incoming,
            "outgoing": outgoing,
            "names": names,
            "refs": refs,
            "recorded": recorded,
            "errors": errors or {},
            "L": template_labels(),
        },
        status=status,
    )


@router.get("/referrals", include_in_schema=False)
def referral_list(
    request: Request, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> Response:
    require(p, "referral", "read")
    return _page(request, work, p)


@router.post("/referrals/{referral_id}/respond", include_in_schema=False)
async def respond(
    request: Request,
    referral_id: RecordId,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    data = await body(request)
    r = svc.get_referral(work.session, p, referral_id)
    try:
        svc.respond(work.session, p, r, data)
    except ValidationFailed as exc:
        work.rollback()
        return _page(request, work, p, errors={referral_id: exc.errors}, status=422)
    work.commit()
    target = f"/cases/{r.case_id}" if data.get("action") == "accept" else "/referrals"
    return RedirectResponse(target, status_code=303)
