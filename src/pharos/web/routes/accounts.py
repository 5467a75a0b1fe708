"""Sign in and out, the language switch, the account page (password, API tokens) and the
administrators' accounts page (deactivate, reactivate)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from pharos.coordinate import accounts, audit
from pharos.coordinate.accounts import LoginRefused
from pharos.coordinate.permissions import Principal, require
from pharos.i18n import _, lazy_gettext, ngettext, normalise_locale
from pharos.store.base import utcnow
from pharos.store.models import User
from pharos.store.uow import UnitOfWork
from pharos.web import nav
from pharos.web.deps import (
    SESSION_COOKIE,
    Auth,
    RecordId,
    client_address,
    current_auth,
    secure_cookie,
    signed_in,
    uow,
)
from pharos.web.forms import body
from pharos.web.i18n import LANG_COOKIE
from pharos.web.schemas import errors
from pharos.web.templating import render

router = APIRouter()


def _safe_next(target: str | None) -> str:
    # Only local paths: never redirect off-site after signing in.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


def _throttle(request: Request) -> accounts.Throttle:
    settings = request.app.state.settings
    return accounts.Throttle(
        account_free=settings.lockout_failures,
        address_free=settings.login_rate_limit,
        window_seconds=settings.login_rate_window,
        first_delay_seconds=settings.login_first_delay,
        max_delay_seconds=settings.lockout_minutes * 60,
    )


def _throttled(refused: LoginRefused) -> str:
    return ngettext(
        "Too many failed sign-ins for this account or from this address. Try again "
        "in %(n)s second.",
        "Too many failed sign-ins for this account or from this address. Try again "
        "in %(n)s seconds.",
        refused.retry_after,
    ) % {"n": refused.retry_after}


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
    try:
        user = accounts.authenticate(
            work.session, username, password, client_address(request), _throttle(request)
        )
    except LoginRefused as refused:
        work.commit()  # the failed attempt is kept
        if refused.reason == "throttled":
            # the same for every username, known or not, and every address
            error = _throttled(refused)
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


def _account_page(
    request: Request,
    work: UnitOfWork,
    p: Principal,
    extra: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    context = {
        "tokens": accounts.tokens_of(work.session, p.user_id),
        "token_days": accounts.TOKEN_DAYS,
        "token_max_days": accounts.TOKEN_MAX_DAYS,
        "token_errors": {},
        "password_errors": {},
        "now": utcnow(),
    }
    return render(request, "account.html", context | (extra or {}), status=status)


@router.get("/account", include_in_schema=False)
def account_page(
    request: Request, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> Response:
    return _account_page(request, work, p)


@router.post("/account/tokens", include_in_schema=False)
async def new_token(
    request: Request, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> Response:
    data = await body(request)
    name = str(data.get("name", "")).strip() or "script"
    days_text = str(data.get("days", accounts.TOKEN_DAYS)).strip()
    if not days_text.isdigit() or not 1 <= int(days_text) <= accounts.TOKEN_MAX_DAYS:
        error = ngettext(
            "Valid for 1 to %(max)s day.", "Valid for 1 to %(max)s days.", accounts.TOKEN_MAX_DAYS
        ) % {"max": accounts.TOKEN_MAX_DAYS}
        return _account_page(request, work, p, {"token_errors": {"days": error}}, status=422)
    user = work.session.get(User, p.user_id)
    assert user is not None
    token = accounts.create_token(work.session, user, name, int(days_text))
    work.commit()
    return _account_page(request, work, p, {"new_token": token})


@router.post("/account/password", include_in_schema=False)
async def change_password(
    request: Request, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> Response:
    """A new password: the user's other sessions end and their API tokens are revoked (this
    browser stays signed in)."""
    data = await body(request)
    current = str(data.get("current_password", ""))
    new = str(data.get("new_password", ""))
    errors: dict[str, str] = {}
    status = 422
    try:
        # as a sign-in: a stolen session must not become a way to guess the password
        user = accounts.authenticate(
            work.session,
            p.username,
            current,
            client_address(request),
            _throttle(request),
            action="confirm_password",
        )
    except LoginRefused as refused:
        work.commit()  # the failed attempt is kept
        if refused.reason == "throttled":
            errors["current_password"], status = _throttled(refused), 429
        else:
            errors["current_password"] = _("This is not your current password.")
        return _account_page(request, work, p, {"password_errors": errors}, status=status)
    if len(new) < accounts.MIN_PASSWORD_LENGTH:
        errors["new_password"] = ngettext(
            "The password needs at least %(n)s character.",
            "The password needs at least %(n)s characters.",
            accounts.MIN_PASSWORD_LENGTH,
        ) % {"n": accounts.MIN_PASSWORD_LENGTH}
    elif new != str(data.get("confirm_password", "")):
        errors["confirm_password"] = _("The two new passwords differ.")
    if errors:
        work.commit()  # the confirmed password ends the account's failure count
        return _account_page(request, work, p, {"password_errors": errors}, status=status)
    out = accounts.set_password(
        work.session, user, new, p, keep_session=request.cookies.get(SESSION_COOKIE)
    )
    work.commit()
    flash = _(
        "Your password was changed. Sessions ended elsewhere: %(sessions)s; API tokens "
        "revoked: %(tokens)s."
    ) % {"sessions": out.sessions, "tokens": out.tokens}
    return _account_page(request, work, p, {"flash": flash})


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


@router.get("/api/v1/me", tags=["accounts"], responses=errors(401))
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


# -- administrators: accounts ---------------------------------------------------------------
nav.add(nav.NavEntry(lazy_gettext("Accounts"), "/admin/accounts", "account", "manage", order=95))


def _admin_page(
    request: Request, work: UnitOfWork, flash: str | None = None, status: int = 200
) -> Response:
    users = accounts.all_users(work.session)
    return render(request, "accounts_admin.html", {"users": users, "flash": flash}, status=status)


@router.get("/admin/accounts", include_in_schema=False)
def accounts_admin(
    request: Request, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> Response:
    """Every account with its state and last sign-in; deactivate or reactivate (administrators)."""
    require(p, "account", "manage")
    return _admin_page(request, work)


@router.post("/admin/accounts/{user_id}/deactivate", include_in_schema=False)
def account_deactivate(
    request: Request,
    user_id: RecordId,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    """Shut an account out: no sign-in, sessions ended, API tokens revoked."""
    return _lifecycle(request, work, p, user_id, "deactivate")


@router.post("/admin/accounts/{user_id}/reactivate", include_in_schema=False)
def account_reactivate(
    request: Request,
    user_id: RecordId,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    """Let a deactivated account sign in again."""
    return _lifecycle(request, work, p, user_id, "reactivate")


def _lifecycle(
    request: Request, work: UnitOfWork, p: Principal, user_id: int, action: str
) -> Response:
    require(p, "account", "manage")
    user = work.session.get(User, user_id)
    if user is None:
        raise HTTPException(404, _("No such account."))
    if action == "deactivate":
        if user.id == p.user_id:
            return _admin_page(
                request, work, _("You cannot deactivate your own account."), status=422
            )
        out = accounts.deactivate(work.session, user, p)
        flash = _(
            "Deactivated %(name)s. Sessions ended: %(sessions)s; API tokens revoked: %(tokens)s."
        ) % {"name": user.username, "sessions": out.sessions, "tokens": out.tokens}
    else:
        accounts.reactivate(work.session, user, p)
        flash = _("Reactivated %(name)s.") % {"name": user.username}
    work.commit()
    return _admin_page(request, work, flash)
