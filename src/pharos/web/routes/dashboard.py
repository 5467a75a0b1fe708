"""The dashboard: the signed-in user's cases, requests due, referrals awaiting them, periods
ending (``pharos.coordinate.dashboard``), their agency's overdue improvement actions
(``pharos.learn.lessons.overdue``); and the audit trail (checked, filtered, paged) for
administrators."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from pharos.coordinate import audit, queries
from pharos.coordinate import dashboard as svc
from pharos.coordinate import requests as request_svc
from pharos.coordinate.permissions import Principal, require
from pharos.coordinate.vocabulary import audit_label
from pharos.i18n import _, lazy_gettext
from pharos.learn import lessons
from pharos.store.base import ID_MAX
from pharos.store.uow import UnitOfWork
from pharos.web import nav
from pharos.web.deps import signed_in, uow
from pharos.web.labels import template_labels
from pharos.web.templating import render

router = APIRouter()
nav.add(nav.NavEntry(lazy_gettext("Dashboard"), "/", "dashboard", "read", order=0))
nav.add(nav.NavEntry(lazy_gettext("Audit"), "/audit", "audit", "read", order=90))


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


#: entries per page of the audit trail
AUDIT_PAGE = 50


def _audit_filters(request: Request) -> tuple[dict[str, Any], dict[str, str]]:
    """The audit page's filters from the query string, and an error per field that is wrong
    (the filter is then left out)."""
    q = request.query_params
    out: dict[str, Any] = {"case_id": None, "actor": None, "since": None, "until": None}
    errors: dict[str, str] = {}
    case = q.get("case", "").strip()
    if case:
        if case.isdigit() and 1 <= int(case) <= ID_MAX:
            out["case_id"] = int(case)
        else:
            errors["case"] = _("A case number is a whole number from 1 to %(max)s.") % {
                "max": ID_MAX
            }
    user = q.get("user", "").strip().lower()[:80]
    out["actor"] = user or None
    for name, key, days in (("from", "since", 0), ("to", "until", 1)):
        text = q.get(name, "").strip()
        if not text:
            continue
        try:
            day = date.fromisoformat(text)
        except ValueError:
            errors[name] = _("A date is written YYYY-MM-DD.")
            continue
        # "to" includes its whole day
        out[key] = datetime.combine(day, time(), tzinfo=UTC) + timedelta(days=days)
    return out, errors


@router.get("/audit", include_in_schema=False)
def audit_page(
    request: Request,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
    page: int = Query(1, ge=1, le=ID_MAX),
) -> Response:
    """The whole trail for those allowed: checked against its head, filtered by case, user and
    time (the ``to`` day included), newest first, a page at a time."""
    require(p, "audit", "read")
    result = audit.check(work.session)
    filters, errors = _audit_filters(request)
    rows, total = audit.entries(
        work.session, **filters, offset=(page - 1) * AUDIT_PAGE, limit=AUDIT_PAGE
    )
    pages = max(1, -(-total // AUDIT_PAGE))
    shown = {k: request.query_params.get(k, "") for k in ("case", "user", "from", "to")}
    link = {k: v for k, v in shown.items() if v}
    return render(
        request,
        "audit.html",
        {
            "result": result,
            "rows": [
                {
                    "e": e,
                    "label": audit_label(e.action, e.resource, e.detail),
                }
                for e in rows
            ],
            "total": total,
            "page": page,
            "pages": pages,
            "shown": shown,
            "errors": errors,
            "prev_url": f"/audit?{urlencode(link | {'page': page - 1})}" if page > 1 else None,
            "next_url": f"/audit?{urlencode(link | {'page': page + 1})}" if page < pages else None,
        },
        status=400 if errors else 200,
    )
