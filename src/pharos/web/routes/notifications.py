"""Notifications: the page (read, mark read, mark all read, open what one is about), the unread
count in every page's header (``pharos.web.templating``) and the JSON API. Each user sees and
changes only their own (``notification`` in ``pharos.coordinate.permissions``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from pharos.coordinate import notification_view as view
from pharos.coordinate import notifications as svc
from pharos.coordinate.permissions import Principal
from pharos.coordinate.validation import ValidationFailed
from pharos.store.uow import UnitOfWork
from pharos.web import schemas as s
from pharos.web.deps import RecordId, signed_in, uow
from pharos.web.forms import body
from pharos.web.templating import render

router = APIRouter()
api = APIRouter(prefix="/api/v1", tags=["notifications"], responses=s.errors(401, 403, 422))
PageNumber = Annotated[int, Query(ge=1, le=100_000)]


@router.get("/notifications", include_in_schema=False)
def notifications_page(
    request: Request,
    unread: bool = False,
    page: PageNumber = 1,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    return _page(request, work, p, unread=unread, page=page)


def _page(
    request: Request,
    work: UnitOfWork,
    p: Principal,
    *,
    unread: bool = False,
    page: int = 1,
    errors: dict[str, str] | None = None,
    email: str | None = None,
    status: int = 200,
) -> Response:
    found = svc.list_for(work.session, p, unread_only=unread, page=page)
    return render(
        request,
        "notifications.html",
        {
            "found": found,
            "items": view.shown(work.session, p, found.items),
            "unread_only": unread,
            "mail_on": request.app.state.settings.mail() is not None,
            "email": svc.email_of(work.session, p) if email is None else email,
            "errors": errors or {},
        },
        status=status,
    )


@router.post("/notifications/email", include_in_schema=False)
async def email_page(
    request: Request, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> Response:
    data = await body(request)
    try:
        svc.set_email(work.session, p, data)
    except ValidationFailed as exc:
        work.rollback()
        return _page(
            request, work, p, errors=exc.errors, email=str(data.get("email", "")), status=422
        )
    work.commit()
    return RedirectResponse("/notifications#email", status_code=303)


@router.get("/notifications/{notification_id}", include_in_schema=False)
def open_notification(
    notification_id: RecordId, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> Response:
    """Open what the notification is about (it is then read); back to the list when the reader
    may no longer open it."""
    n = view.get_notification(work.session, p, notification_id)
    target = view.link(work.session, p, n)
    svc.mark_read(work.session, p, n)
    work.commit()
    return RedirectResponse(target or f"/notifications#notification-{n.id}", status_code=303)


@router.post("/notifications/{notification_id}/read", include_in_schema=False)
def read_page(
    notification_id: RecordId, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> Response:
    svc.mark_read(work.session, p, view.get_notification(work.session, p, notification_id))
    work.commit()
    return RedirectResponse("/notifications", status_code=303)


@router.post("/notifications/read-all", include_in_schema=False)
def read_all_page(p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)) -> Response:
    svc.mark_all_read(work.session, p)
    work.commit()
    return RedirectResponse("/notifications", status_code=303)


def _json(item: view.Shown) -> dict[str, Any]:
    return {
        "id": item.id,
        "key": item.key,
        "text": item.text,
        "link": item.link,
        "case_reference": item.case_reference or None,
        "created_at": item.created_at.isoformat(),
        "read": item.read,
    }


@api.get("/notifications")
def list_notifications(
    unread: bool = False,
    page: PageNumber = 1,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> dict[str, Any]:
    """Your notifications, newest first, 50 a page, in your language (``text``; ``key`` is the
    message's key), each with a link to what it is about while you may open it (else null);
    ``unread`` counts all your unread ones."""
    found = svc.list_for(work.session, p, unread_only=unread, page=page)
    return {
        "items": [_json(i) for i in view.shown(work.session, p, found.items)],
        "total": found.total,
        "unread": found.unread,
        "page": found.page,
        "pages": found.pages,
    }


@api.post("/notifications/all/read")
def mark_all_read(
    p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> dict[str, int]:
    """Mark all your notifications read; ``marked`` says how many were unread."""
    marked = svc.mark_all_read(work.session, p)
    work.commit()
    return {"marked": marked}


@api.get("/notifications/{notification_id}", responses=s.errors(404))
def get_notification(
    notification_id: RecordId, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> dict[str, Any]:
    """One of your notifications (anyone else's answers 404)."""
    n = view.get_notification(work.session, p, notification_id)
    return _json(view.shown(work.session, p, [n])[0])


@api.post("/notifications/{notification_id}/read", responses=s.errors(404))
def mark_read(
    notification_id: RecordId, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> dict[str, Any]:
    """Mark one of your notifications read."""
    n = view.get_notification(work.session, p, notification_id)
    svc.mark_read(work.session, p, n)
    work.commit()
    return _json(view.shown(work.session, p, [n])[0])


class EmailIn(BaseModel):
    """Where your notifications are e-mailed (empty: nowhere)."""

    model_config = ConfigDict(extra="forbid")
    email: str = Field(max_length=200)


@api.post("/me/email", responses=s.errors(400))
def set_email(
    data: EmailIn, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> dict[str, str]:
    """Set the address your notifications are e-mailed to, or remove it with an empty one; the
    server e-mails only if it has an SMTP server (each e-mail carries a case's reference and a
    link, nothing else)."""
    address = svc.set_email(work.session, p, data.model_dump())
    work.commit()
    return {"email": address}


router.include_router(api)
