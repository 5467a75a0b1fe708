"""The FastAPI application factory."""

from __future__ import annotations

import asyncio
import importlib
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pharos.coordinate import notification_mail, notifications, pseudonyms
from pharos.coordinate import requests as request_clock
from pharos.coordinate.cases import NotFound
from pharos.coordinate.notification_mail import MailSettings
from pharos.coordinate.permissions import PermissionDenied
from pharos.coordinate.validation import ValidationFailed
from pharos.exercise.runtime.service import Hub
from pharos.i18n import _, use_locale
from pharos.store import locks
from pharos.store.db import make_engine, session_factory
from pharos.store.uow import UnitOfWork
from pharos.web import simulations
from pharos.web.deps import PRE_CSRF_COOKIE, LoginRequired, csrf_protect, secure_cookie
from pharos.web.i18n import LANG_COOKIE, choose_locale
from pharos.web.routes import ROUTE_MODULES
from pharos.web.settings import Settings
from pharos.web.templating import render

API_PREFIX = "/api/v1"
logger = logging.getLogger("pharos.web")


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get(
        "accept", ""
    )


#: headers every answer carries unless its route set its own
SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    (
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'",
    ),
)


class LocaleAndHeaders:
    """Each request in its reader's language; each answer with the language cookie (when
    ``?lang=`` chose it), the pre-sign-in CSRF cookie (when the request made one), the security
    headers and ``Cache-Control: no-store`` (but for ``/static/``).

    A plain ASGI middleware that edits the answer's first message as it passes: Starlette's
    ``BaseHTTPMiddleware`` (``@app.middleware("http")``) hands every chunk of a body from one
    task to another through a stream, which made each live-update message of every exercise
    browser cost two task switches more (benchmarks/exercise_load.py)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        asked = request.query_params.get("lang")
        cookie = asked or request.cookies.get(LANG_COOKIE)
        lang = choose_locale(cookie, None, request.headers.get("accept-language"))
        request.state.lang_asked = asked

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                cookies = Response()
                if asked:
                    cookies.set_cookie(
                        LANG_COOKIE,
                        lang,
                        max_age=365 * 86400,
                        samesite="lax",
                        httponly=True,
                        secure=secure_cookie(request),
                    )
                pre = getattr(request.state, "set_pre_csrf", None)
                if pre:
                    cookies.set_cookie(
                        PRE_CSRF_COOKIE,
                        pre,
                        samesite="strict",
                        httponly=True,
                        secure=secure_cookie(request),
                    )
                headers = MutableHeaders(scope=message)
                for value in cookies.headers.getlist("set-cookie"):
                    headers.append("set-cookie", value)
                for name, value in SECURITY_HEADERS:
                    headers.setdefault(name, value)
                if not request.url.path.startswith("/static/"):
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        with use_locale(lang):
            await self.app(scope, receive, send_with_headers)


def _route_patterns(app: FastAPI) -> list[tuple[re.Pattern[str], frozenset[str]]]:
    """Each route's path pattern and methods (FastAPI 0.16x keeps included routers whole in
    ``app.routes``: ``iter_route_contexts`` lists their routes)."""
    try:
        from fastapi.routing import iter_route_contexts

        routes: list[Any] = list(iter_route_contexts(app.routes))
    except ImportError:  # FastAPI before included routers were kept whole
        routes = list(app.routes)
    out = []
    for r in routes:
        path, methods = getattr(r, "path", None), getattr(r, "methods", None)
        if path and methods:
            out.append((compile_path(path)[0], frozenset(methods)))
    return out


def create_app(settings: Settings | None = None) -> FastAPI:
    """A Pharos server on ``settings`` (the database must already be migrated: see
    ``pharos.store.db.migrate``, which ``pharos serve`` runs)."""
    settings = settings or Settings.from_env()
    engine = make_engine(settings.database_url)

    mail = settings.mail()
    # with an SMTP server, notifications to users with an address are queued for e-mail
    info: dict[str, Any] = {pseudonyms.SESSION_KEY: settings.secret()}
    if mail is not None:
        info[notifications.MAIL_KEY] = True
    sessions = session_factory(engine, info=info)

    def _tick() -> None:
        with UnitOfWork(sessions) as work:
            # several workers: one runs each round, or a reminder would be sent twice
            if locks.try_in_transaction(work.session, "request-clock"):
                request_clock.tick(work.session)
            work.commit()

    async def _clock(minutes: float) -> None:
        # Reminders and escalations of cross-border requests happen even when nobody looks.
        while True:
            try:
                await asyncio.to_thread(_tick)
            except Exception:  # a failed run is retried at the next one
                logger.exception("the request clock failed")
            await asyncio.sleep(minutes * 60)

    def _send(mail: MailSettings) -> None:
        # one worker at a time (several may serve one PostgreSQL database): each e-mail once
        with locks.held(engine, "notification-mailer"):
            notification_mail.send_pending(sessions, mail)

    async def _mailer(mail: MailSettings, seconds: float) -> None:
        # Queued e-mails go out here, never in the request that queued them.
        while True:
            try:
                await asyncio.to_thread(_send, mail)
            except Exception:  # logged; the queue stays for the next run
                logger.exception("the notification mailer failed")
            await asyncio.sleep(seconds)

    # simulation runs started from /analysis, one at a time in a child process
    simulation_worker = simulations.Worker(sessions, settings.data_dir)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        tasks = []
        # runs whose process died (a previous server's) are marked interrupted
        await asyncio.to_thread(simulation_worker.recover)
        if settings.request_clock_minutes > 0:
            tasks.append(asyncio.create_task(_clock(settings.request_clock_minutes)))
        if mail is not None:
            tasks.append(asyncio.create_task(_mailer(mail, settings.mail_poll_seconds)))
        yield
        for task in tasks:
            task.cancel()
        Hub.release(engine)  # its clock's lock and listening connection go back at once
        await asyncio.to_thread(simulation_worker.stop)
        engine.dispose()

    app = FastAPI(
        title="Pharos",
        description="Cases, screening, referrals and cross-border requests against trafficking "
        "in human beings in the Mediterranean. Authenticate with `Authorization: Bearer <token>` "
        "(create a token with `pharos token create USER`).",
        version="1",
        dependencies=[Depends(csrf_protect)],
        lifespan=lifespan,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # served by pharos.web.routes.api_docs, under the CSP, without a CDN
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = sessions
    app.state.simulations = simulation_worker
    static = resources.files("pharos.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    app.add_middleware(LocaleAndHeaders)

    @app.exception_handler(LoginRequired)
    async def _login_required(request: Request, _exc: LoginRequired) -> Response:
        if wants_json(request):
            return JSONResponse({"detail": _("Sign in first.")}, status_code=401)
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    @app.exception_handler(PermissionDenied)
    async def _denied(request: Request, _exc: PermissionDenied) -> Response:
        message = _("You are not allowed to do this.")
        if wants_json(request):
            return JSONResponse({"detail": message}, status_code=403)
        return render(request, "error.html", {"status": 403, "message": message}, status=403)

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, _exc: NotFound) -> Response:
        message = _("There is nothing here, or you may not see it.")
        if wants_json(request):
            return JSONResponse({"detail": message}, status_code=404)
        return render(request, "error.html", {"status": 404, "message": message}, status=404)

    @app.exception_handler(ValidationFailed)
    async def _invalid(request: Request, exc: ValidationFailed) -> Response:
        detail = [
            {"loc": ["body", f], "msg": m, "type": "value_error"} for f, m in exc.errors.items()
        ]
        # 409 for an edit of a record changed since its form was loaded (editing.StaleEdit)
        status = int(getattr(exc, "status", 422))
        if wants_json(request):
            return JSONResponse({"detail": detail}, status_code=status)
        return render(
            request,
            "error.html",
            {"status": status, "message": exc.summary(), "errors": exc.errors},
            status=status,
        )

    @app.exception_handler(RequestValidationError)
    async def _request_invalid(request: Request, exc: RequestValidationError) -> Response:
        detail = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        if wants_json(request):
            return JSONResponse({"detail": detail}, status_code=422)
        errors = {
            ".".join(str(x) for x in d["loc"][1:]) or "request": str(d["msg"]) for d in detail
        }
        return render(
            request,
            "error.html",
            {"status": 422, "message": _("Some fields are not valid."), "errors": errors},
            status=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        # the exception's headers go out with the answer: Allow on a 405 (RFC 9110, 15.5.6)
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            # every method of every route at this path (Starlette names the first route's only:
            # GET /api/v1/cases said Allow: GET, though POST is there too)
            headers["Allow"] = ", ".join(sorted(_methods_at(request.url.path)))
        if wants_json(request):
            return JSONResponse(
                {"detail": exc.detail}, status_code=exc.status_code, headers=headers
            )
        message = exc.detail if isinstance(exc.detail, str) else _("Something went wrong.")
        if exc.status_code == 404:
            message = _("There is nothing here, or you may not see it.")
        page = render(
            request,
            "error.html",
            {"status": exc.status_code, "message": message},
            status=exc.status_code,
        )
        page.headers.update(headers)
        return page

    for name in ROUTE_MODULES:
        module = importlib.import_module(f"pharos.web.routes.{name}")
        app.include_router(module.router)
    patterns = _route_patterns(app)

    def _methods_at(path: str) -> set[str]:
        return {m for regex, methods in patterns if regex.match(path) for m in methods}

    return app
