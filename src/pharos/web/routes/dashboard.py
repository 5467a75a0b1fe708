"""The dashboard: the signed-in user's cases, requests due, referrals awaiting them, periods
ending (``pharos.coordinate.dashboard``), their agency's overdue improvement actions
(``pharos.learn.lessons.overdue``); and the administrator's audit check."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from pharos.coordinate import audit, queries
from pharos.coordinate import dashboard as svc
from pharos.coordinate import requests as request_svc
from pharos.coordinate.permissions import Principal, require
from pharos.i18n import lazy_gettext
from pharos.learn import lessons
from pharos.store.uow import UnitOfWork
from pharos.web import nav
from pharos.web.deps import signed_in, uow
from pharos.web.labels import template_labels
from pharos.web.templating import render

router = APIRouter()
nav.add(nav.NavEntry(lazy_gettext("Dashboard"), "/", "dashboard", "read", order=0))
nav.add(nav.NavEntry(lazy_gettext("Audit"), "/audit", "audit", "verify", order=90))


@router.get("/", include_in_schema=False)
def dashboard_page(
    request: Request, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> Response:
    require(p, "dashboard", "read")
    request_svc.tick(work.session)
    work.commit()
    settings = request.app.state.settings
    d = svc.dashboard(work.session, p, date.today(), settings.reflection_warning_days)
    overdue = lessons.overdue(work.session, p, date.today())
    agency_ids = {r.from_agency_id for r in d.referrals_awaiting_me}
    agency_ids |= {r.sender_agency_id for r in d.requests_to_answer}
    agency_ids |= {r.receiver_agency_id for r in d.requests_awaiting}
    names = queries.agency_names(work.session, agency_ids)
    case_ids = {
        r.case_id for r in d.referrals_awaiting_me + d.requests_to_answer + d.requests_awaiting
    }
    refs = queries.case_references(work.session, case_ids)
    return render(
        request,
        "dashboard.html",
        {
            "d": d,
            "overdue": overdue,
            "names": names,
            "refs": refs,
            "today": date.today(),
            "L": template_labels(),
        },
    )


@router.get("/audit", include_in_schema=False)
def audit_page(
    request: Request, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> Response:
    require(p, "audit", "verify")
    count, problems = audit.verify(work.session)
    return render(request, "audit.html", {"count": count, "problems": problems})
