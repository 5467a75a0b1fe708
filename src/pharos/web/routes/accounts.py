"""Sign in and out, the language switch, the account page with API tokens."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from pharos.coordinate import accounts, audit
from pharos.coordinate.accounts import LoginRefused
from pharos.coordinate.permissions import Principal
from pharos.i18n import _, normalise_locale
from pharos.store.models import User
from pharos.store.uow import UnitOfWork
from pharos.web.deps import (
    SESSION_COOKIE,
    Auth,
    client_address,
    current_auth,
    secure_cookie,
    signed_in,
    uow,
)
from pharos.web.forms import body
from pharos.web.i18n import LANG_COOKIE
from pharos.web.templating import render

router = APIRouter()


def _safe_next(target: str | None) -> str:
    # Only local paths: never redirect off-site after signing in.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


@router.get("/login", include_in_schema=False)
def login_page(request: Request, next: str = "/", auth: Auth = Depends(current_auth)) -> Response:
    if auth.principal is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "login.html", {"next": _safe_next(next)})


@router.post("/login", include_in_schema=False)
async def login(request: Request, work: UnitOfWork = Depends(uow)) -> Response:
    data = await body(request)
    username = str(data.get("username", ""))
    password = str(data.get("password", ""))
    target = _safe_next(str(data.get("next", "/")))
    settings = request.app.state.settings
    throttle = accounts.Throttle(
        account_free=settings.lockout_failures,
        address_free=settings.login_rate_limit,
        window_seconds=settings.login_rate_window,
        max_delay_seconds=settings.lockout_minutes * 60,
    )
    try:
        user = accounts.authenticate(
            work.session, username, password, client_address(request), throttle
        )
    except LoginRefused as refused:
        work.commit()  # the failed attempt is kept
        if refused.reason == "throttled":
            # the same for every username, known or not, and every address
            error = _(
                "Too many failed sign-ins for this account or from this address. Try again "
                "in %(n)s seconds."
            ) % {"n": refused.retry_after}
            headers = {"Retry-After": str(refused.retry_after)}
            status = 429
        else:
            error, headers, status = _("Wrong username or password."), {}, 401
        page = render(
            request,
            "login.html",
            {"next": target, "error": error, "username": username},
            status=status,
        )
        page.headers.update(headers)
        return page
    new = accounts.open_session(work.session, user, settings.session_hours)
    work.commit()
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        new.token,
        max_age=int(settings.session_hours * 3600),
        httponly=True,
        samesite="lax",
        secure=secure_cookie(request),
    )
    if user.locale:
        response.set_cookie(
            LANG_COOKIE,
            user.locale,
            max_age=365 * 86400,
            samesite="lax",
            httponly=True,
            secure=secure_cookie(request),
        )
    return response


@router.post("/logout", include_in_schema=False)
def logout(request: Request, work: UnitOfWork = Depends(uow)) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        accounts.close_session(work.session, token)
        work.commit()
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.post("/language", include_in_schema=False)
async def language(
    request: Request, work: UnitOfWork = Depends(uow), auth: Auth = Depends(current_auth)
) -> Response:
    """Remember the chosen language on this browser and, when signed in, on the account."""
    data = await body(request)
    lang = normalise_locale(str(data.get("lang", "")))
    if auth.user is not None:
        user = work.session.get(User, auth.user.id)
        if user is not None:
            user.locale = lang
            work.commit()
    response = RedirectResponse(_safe_next(str(data.get("next", "/"))), status_code=303)
    response.set_cookie(
        LANG_COOKIE,
        lang,
        max_age=365 * 86400,
        samesite="lax",
        httponly=True,
        secure=secure_cookie(request),
    )
    return response


@router.get("/account", include_in_schema=False)
def account_page(
    request: Request, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> Response:
    return render(request, "account.html", {"tokens": accounts.tokens_of(work.session, p.user_id)})


@router.post("/account/tokens", include_in_schema=False)
async def new_token(
    request: Request, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> Response:
    data = await body(request)
    name = str(data.get("name", "")).strip() or "script"
    user = work.session.get(User, p.user_id)
    assert user is not None
    token = accounts.create_token(work.session, user, name)
    work.commit()
    return render(
        request,
        "account.html",
        {"tokens": accounts.tokens_of(work.session, p.user_id), "new_token": token},
    )


@router.post("/account/tokens/revoke", include_in_schema=False)
def revoke(
    request: Request, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> Response:
    user = work.session.get(User, p.user_id)
    assert user is not None
    n = accounts.revoke_tokens(work.session, user)
    audit.record(work.session, p, "revoke_tokens", "account", p.user_id, detail={"count": n})
    work.commit()
    return RedirectResponse("/account", status_code=303)


@router.get("/api/v1/me", tags=["accounts"])
def me(auth: Auth = Depends(current_auth), p: Principal = Depends(signed_in)) -> dict[str, Any]:
    """The signed-in user: username, agency, state, practitioner kind."""
    assert auth.user is not None
    return {
        "username": p.username,
        "display_name": auth.user.display_name,
        "agency": {"id": p.agency_id, "name": auth.user.agency.name},
        "state": p.state,
        "kind": p.kind,
        "is_admin": p.is_admin,
    }
