"""Request dependencies: the unit of work, the signed-in user (session cookie or API token) and
CSRF protection on every unsafe method."""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Query, Request
from starlette.concurrency import run_in_threadpool

from pharos.coordinate import accounts
from pharos.coordinate.permissions import Principal
from pharos.i18n import _
from pharos.store.base import ID_MAX
from pharos.store.models import User
from pharos.store.uow import UnitOfWork

SESSION_COOKIE = "pharos_session"
PRE_CSRF_COOKIE = "pharos_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

#: A row's id in a path: a whole number within the database's range, else 422 before any query.
RecordId = Annotated[int, Path(ge=1, le=ID_MAX, description="a stored record's number")]
#: The same, as an optional query parameter.
OptionalRecordId = Annotated[int | None, Query(ge=1, le=ID_MAX)]


@dataclass(frozen=True)
class AgencyName:
    """The signed-in user's agency: its stored name and what the demo builds it from (shown in
    the page's language by ``agency_name``, pharos.coordinate.agency_names)."""

    id: int
    name: str
    kind: str = ""
    city: str | None = None
    organisation: str | None = None


@dataclass(frozen=True)
class Me:
    """A plain copy of the signed-in user for pages (usable after the request's session ends)."""

    id: int
    username: str
    display_name: str
    state: str
    kind: str
    locale: str | None
    is_admin: bool
    agency: AgencyName

    @classmethod
    def of(cls, user: User) -> Me:
        return cls(
            user.id,
            user.username,
            user.display_name,
            user.state,
            user.kind,
            user.locale,
            user.is_admin,
            AgencyName(
                user.agency.id,
                user.agency.name,
                user.agency.kind,
                user.agency.city,
                user.agency.organisation,
            ),
        )


@dataclass
class Auth:
    """Who is calling and how: ``via`` is "session", "token" or "anonymous"."""

    user: Me | None
    principal: Principal | None
    via: str
    csrf_token: str


def _trusted(address: str, proxies: tuple[str, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(p, strict=False) for p in proxies)


def _from_proxy(request: Request) -> bool:
    """Whether the connection comes from a configured reverse proxy (``trusted_proxies``)."""
    peer = request.client.host if request.client else ""
    return _trusted(peer, request.app.state.settings.trusted_proxies)


def client_address(request: Request) -> str:
    """The client's address: the connection's, unless it comes from a configured proxy; then
    the nearest address in X-Forwarded-For that is not a configured proxy (addresses further
    left were written by the client and prove nothing)."""
    peer = request.client.host if request.client else "unknown"
    if not _from_proxy(request):
        return peer
    proxies = request.app.state.settings.trusted_proxies
    hops = [h.strip() for h in ",".join(request.headers.getlist("x-forwarded-for")).split(",")]
    for hop in reversed([h for h in hops if h]):
        if not _trusted(hop, proxies):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer  # not an address: believe nothing the header says
    return peer


def secure_cookie(request: Request) -> bool:
    """Whether cookies get the Secure flag: as configured, else when served over https (as a
    configured proxy says in X-Forwarded-Proto, or as the connection is)."""
    configured: bool | None = request.app.state.settings.secure_cookies
    if configured is not None:
        return configured
    proto = request.url.scheme
    if _from_proxy(request):
        proto = request.headers.get("x-forwarded-proto", proto)
    return proto == "https"


class LoginRequired(Exception):
    """No valid session or token; pages redirect to the login page, the API answers 401."""


def uow(request: Request) -> Iterator[UnitOfWork]:
    """One unit of work per request; routes call ``commit()`` once, after all checks passed."""
    with UnitOfWork(request.app.state.sessions) as work:
        yield work


def resolve_auth(request: Request, work: UnitOfWork) -> Auth:
    cached = getattr(request.state, "auth", None)
    if isinstance(cached, Auth):
        return cached
    auth = Auth(None, None, "anonymous", request.cookies.get(PRE_CSRF_COOKIE, ""))
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        user = accounts.token_user(work.session, header[7:].strip())
        if user is None:
            raise HTTPException(401, _("The API token is not valid."))
        work.session.commit()
        auth = Auth(Me.of(user), accounts.principal(user), "token", "")
    else:
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            found = accounts.session_user(work.session, token)
            if found is not None:
                user, row = found
                auth = Auth(Me.of(user), accounts.principal(user), "session", row.csrf_token)
        if not (work.session.new or work.session.dirty or work.session.deleted):
            # end the read: the connection goes back to the pool while the route awaits other
            # work (an exercise command waits for a group commit that needs a connection too;
            # requests holding theirs meanwhile could exhaust the pool and wait on each other)
            work.session.commit()
    if auth.via == "anonymous" and not auth.csrf_token:
        auth.csrf_token = secrets.token_urlsafe(32)
        request.state.set_pre_csrf = auth.csrf_token
    request.state.auth = auth
    return auth


async def csrf_protect(request: Request, work: UnitOfWork = Depends(uow)) -> None:
    """Every unsafe request from a browser carries the CSRF token (form field ``csrf_token``
    or header ``X-CSRF-Token``); requests with an API token are exempt (no cookie is involved),
    not from permissions."""
    if request.method in SAFE_METHODS:
        return
    # resolve_auth reads the database: in a worker thread, never on the event loop (a loop
    # blocked waiting for a pooled connection stalls every request holding one)
    auth = await run_in_threadpool(resolve_auth, request, work)
    if auth.via == "token":
        return
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else ""
    expected = auth.csrf_token if auth.via == "session" else request.cookies.get(PRE_CSRF_COOKIE)
    if not expected or not sent or not hmac.compare_digest(sent, expected):
        raise HTTPException(
            403,
            _("The form has expired or did not come from Pharos. Reload the page and try again."),
        )


def current_auth(request: Request, work: UnitOfWork = Depends(uow)) -> Auth:
    return resolve_auth(request, work)


def signed_in(auth: Auth = Depends(current_auth)) -> Principal:
    """The signed-in user's principal; raises :class:`LoginRequired` otherwise."""
    if auth.principal is None:
        raise LoginRequired()
    return auth.principal


def case_filter_query(
    q: Annotated[str, Query(max_length=200, description="a reference, or a name")] = "",
    status: Annotated[str, Query(max_length=20, description="a case status")] = "",
    state: Annotated[str, Query(max_length=3, description="a state of the region, ISO3")] = "",
    exploitation: Annotated[str, Query(max_length=40, description="a form of exploitation")] = "",
    opened_from: Annotated[str, Query(max_length=10, description="YYYY-MM-DD")] = "",
    opened_to: Annotated[str, Query(max_length=10, description="YYYY-MM-DD")] = "",
    agency: Annotated[str, Query(max_length=12, description="the owning agency's number")] = "",
    mine: Annotated[str, Query(max_length=5, description="1: only the cases you hold")] = "",
    sort: Annotated[
        str, Query(max_length=10, description="newest, oldest, updated or reference")
    ] = "",
    page: Annotated[
        str, Query(max_length=7, description="the page, from 1 (50 cases a page)")
    ] = "",
) -> dict[str, str]:
    """The case list's filter as the page's form sends it (every field optional; the service
    checks each and names the one that is wrong: ``cases.case_filter``)."""
    values = {
        "q": q,
        "status": status,
        "state": state,
        "exploitation": exploitation,
        "opened_from": opened_from,
        "opened_to": opened_to,
        "agency": agency,
        "mine": mine,
        "sort": sort,
        "page": page,
    }
    return {k: x for k, x in values.items() if x}
