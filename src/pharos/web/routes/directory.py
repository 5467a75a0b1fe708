"""The directory of contact points, searchable by state, kind, language and text."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from pharos.coordinate import directory as svc
from pharos.coordinate.permissions import Principal
from pharos.i18n import lazy_gettext
from pharos.store.uow import UnitOfWork
from pharos.web import nav
from pharos.web.deps import signed_in, uow
from pharos.web.labels import template_labels
from pharos.web.templating import render

router = APIRouter()
nav.add(nav.NavEntry(lazy_gettext("Directory"), "/directory", "directory", "read", order=40))


@router.get("/directory", include_in_schema=False)
def directory(
    request: Request,
    q: str = "",
    state: str = "",
    kind: str = "",
    language: str = "",
    contact_points: bool = False,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    rows = svc.search(
        work.session,
        p,
        text=q[:100],
        state=state[:3],
        kind=kind[:40],
        language=language[:5],
        contact_points_only=contact_points,
    )
    labels = template_labels()
    return render(
        request,
        "directory/list.html",
        {
            "rows": rows,
            "q": q,
            "state": state,
            "kind": kind,
            "language": language,
            "contact_points": contact_points,
            "L": labels,
            "kind_options": sorted(labels["KINDS"].items(), key=lambda kv: kv[1]),
            "language_options": sorted(labels["LANGUAGE_NAMES"].items(), key=lambda kv: kv[1]),
        },
    )
