"""The dashboard: the signed-in user's cases, requests due, referrals awaiting them, periods
ending."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from pharos.coordinate.permissions import Principal
from pharos.i18n import lazy_gettext
from pharos.store.uow import UnitOfWork
from pharos.web import nav
from pharos.web.deps import signed_in, uow
from pharos.web.templating import render

router = APIRouter()
nav.add(nav.NavEntry(lazy_gettext("Dashboard"), "/", "dashboard", "read", order=0))


@router.get("/", include_in_schema=False)
def dashboard_page(
    request: Request, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> Response:
    return render(request, "dashboard.html", {})
