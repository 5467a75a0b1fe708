"""Jinja2 with the i18n extension wired to ``pharos.i18n`` (new-style gettext) and ``render``."""

from __future__ import annotations

import asyncio
import logging
from datetime import date, datetime
from typing import Any

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from pharos import i18n
from pharos.coordinate import agency_names, notifications
from pharos.coordinate.permissions import Principal
from pharos.domain import cooperation
from pharos.i18n import LOCALE_NAMES, SUPPORTED_LOCALES, current_locale, is_rtl
from pharos.store.uow import UnitOfWork
from pharos.web import nav
from pharos.web.deps import CSRF_FIELD, Auth

logger = logging.getLogger("pharos.web")

_env: Environment | None = None


def _fmt_date(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    loc = current_locale()
    if isinstance(value, datetime):
        return format_datetime(value, "medium", locale=loc)
    return format_date(value, "medium", locale=loc)


def _aslist(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    if isinstance(value, list | tuple | set | frozenset):
        return list(value)
    return [value]


#: What a JSON text must not carry inside an HTML ``<script>`` element: ``</script>`` or ``<!--``
#: would end or change the script's content, ``&`` and ``'`` matter in other contexts. Inside
#: JSON these characters can only occur in strings, where the \\u escapes mean the same.
_SCRIPT_UNSAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "'": "\\u0027"})


def json_text(text: str) -> Markup:
    """An already serialised JSON text (e.g. a Plotly figure) safe to embed in a ``<script
    type="application/json">`` element, the same value for ``JSON.parse``; the same escapes as
    Jinja's ``tojson``, which serialises objects."""
    return Markup(str(text).translate(_SCRIPT_UNSAFE))


def _fmt_number(value: int) -> str:
    return str(format_decimal(value, locale=current_locale()))


def environment() -> Environment:
    """The one Jinja2 environment; templates of every area live under ``pharos/web/templates``."""
    global _env
    if _env is None:
        env = Environment(
            loader=ChoiceLoader([PackageLoader("pharos.web", "templates")]),
            autoescape=select_autoescape(["html"]),
            extensions=["jinja2.ext.i18n", "jinja2.ext.do"],
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.install_gettext_callables(  # type: ignore[attr-defined]  # added by the i18n extension
            i18n.gettext, i18n.ngettext, newstyle=True, pgettext=i18n.pgettext
        )
        env.filters["date"] = _fmt_date
        env.filters["aslist"] = _aslist
        env.filters["listing"] = i18n.format_list  # CLDR list patterns, never join(", ")
        env.filters["json_text"] = json_text
        # a whole number in the page's language ("1,000", "1 000", "1.000")
        env.filters["number"] = _fmt_number
        # an instrument's channel or legal basis (stored in English) in the page's language
        env.filters["instrument_words"] = cooperation.words
        # an agency's and an account's name in the page's language (the demo's are stored in
        # English); put them in <bdi> in running text, a Latin name inside Arabic keeps its order
        env.globals["agency_name"] = agency_names.of
        env.globals["account_name"] = agency_names.account_name
        env.globals["LOCALES"] = [(code, LOCALE_NAMES[code]) for code in SUPPORTED_LOCALES]
        _env = env
    return _env


def unread_notifications(request: Request, principal: Principal | None) -> int | None:
    """How many notifications the signed-in user has not read (the header's count), in a
    short transaction of its own; None when nobody is signed in or it cannot be read (the page
    is shown without the count rather than not at all)."""
    sessions = getattr(request.app.state, "sessions", None)
    if principal is None or sessions is None:
        return None
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass  # a worker thread: count
    else:
        # An async route rendering on the event loop (the exercise's pages): a query here would
        # block every other request while it runs (tests/integration/exercise/test_event_loop.py),
        # so such pages show the link without the count.
        return None
    try:
        with UnitOfWork(sessions) as work:
            return notifications.unread_count(work.session, principal)
    except Exception:
        logger.exception("the unread notifications could not be counted")
        return None


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    """Render a page with the request's user, CSRF token, language and direction."""
    auth: Auth | None = getattr(request.state, "auth", None)
    principal = auth.principal if auth else None
    entries = nav.entries_for(principal)
    ctx: dict[str, Any] = {
        "request": request,
        "auth": auth,
        "me": auth.user if auth else None,
        "principal": principal,
        "csrf_field": CSRF_FIELD,
        "csrf_token": auth.csrf_token if auth else "",
        "lang": current_locale(),
        "dir": "rtl" if is_rtl() else "ltr",
        "arrow": "←" if is_rtl() else "→",
        "nav": entries,
        "nav_active": nav.active_path(entries, request.url.path),
        "path": request.url.path,
        "unread": unread_notifications(request, principal),
    }
    ctx.update(context or {})
    html = environment().get_template(template).render(ctx)
    return HTMLResponse(html, status_code=status)
