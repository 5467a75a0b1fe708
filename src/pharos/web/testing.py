"""Helpers for tests of every area: a fresh database (SQLite or PostgreSQL) with the demo, an
app on it, and clients signed in as a demo user. See docs/server.md, "Tests"."""

from __future__ import annotations

import asyncio
import os
import re
import tempfile
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from pharos.coordinate.demo import DEMO_PASSWORD
from pharos.coordinate.setup import prepare_database
from pharos.domain import datafiles
from pharos.store.db import make_engine
from pharos.web.app import create_app
from pharos.web.settings import Settings

POSTGRES_ENV = "PHAROS_TEST_POSTGRES_URL"
T = TypeVar("T")
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def database_url(backend: str, tmp_path: Path) -> str:
    """A database URL for ``backend`` ("sqlite" or "postgres"); for PostgreSQL the URL named by
    ``PHAROS_TEST_POSTGRES_URL`` (tests skip PostgreSQL when it is unset)."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'pharos-test.db'}"
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        import pytest

        pytest.skip(f"{POSTGRES_ENV} is not set")
    return url


def fresh_database(url: str, *, demo: bool = True) -> Engine:
    """An empty database at ``url`` (PostgreSQL: its public schema is dropped and recreated),
    migrated, with the demo loaded when ``demo``."""
    os.environ.setdefault("PHAROS_FAST_HASHING", "1")
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    prepare_database(engine, demo=demo)
    return engine


@contextmanager
def extra_domain_data(folder: Path | None) -> Iterator[None]:
    """Read the domain data with the extra folder ``folder`` (``PHAROS_DOMAIN_DATA``; None:
    the shipped data only) inside the block; the variable and the data are restored after."""
    before = os.environ.get(datafiles.ENV)
    if folder is None:
        os.environ.pop(datafiles.ENV, None)
    else:
        os.environ[datafiles.ENV] = str(folder)
    datafiles.reset()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(datafiles.ENV, None)
        else:
            os.environ[datafiles.ENV] = before
        datafiles.reset()


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` to completion on a fresh event loop in its own thread: tests may run while
    another loop is running in the main thread (Playwright's sync API keeps one there)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


@contextmanager
def app_on(backend: str, folder: Path, **settings: Any) -> Iterator[FastAPI]:
    """An app on a fresh database with the demo (``backend``: sqlite in ``folder``, or the
    PostgreSQL test database); the database's engine is disposed of afterwards."""
    url = database_url(backend, folder)
    engine = fresh_database(url)
    try:
        yield make_app(url, **settings)
    finally:
        engine.dispose()


def start_exercise(director: TestClient, advance_hours: float | None = None) -> str:
    """A new exercise of the bundled scenario created and started by ``director`` (a client
    signed in as an exercise director), advanced by ``advance_hours``; its id."""
    ex = str(director.post("/exercises", data={}).headers["location"]).split("/")[2]
    director.post(f"/exercises/{ex}/control", data={"command": "start"})
    if advance_hours is not None:
        hours = f"{advance_hours:g}"
        director.post(f"/exercises/{ex}/control", data={"command": "advance", "hours": hours})
    return ex


def approve_review(
    client: TestClient, exercise_id: str, owner: str = "TUN|law_enforcement"
) -> None:
    """As the lead evaluator (or the control team while nobody is): begin the review of an
    ended exercise's findings and actions, give each action the report derived without an
    owner the agency ``owner`` ("STATE|agency_kind"), and approve — what publishing needs."""
    from pharos.exercise.runtime.service import Hub

    review = f"/exercises/{exercise_id}/review"
    assert client.post(review, data={"op": "start"}).status_code in (200, 303)
    state = Hub.for_engine(client.app.state.engine).session(exercise_id).state  # type: ignore[attr-defined]
    assert state.review is not None
    for a in [a for a in state.review.actions if not a["state"]]:
        place = f"{a['objective']}|{a['capability']}" if a["capability"] else a["objective"]
        data = {"op": "edit_action", "id": a["id"], "action": a["action"], "owner": owner}
        data |= {"due": a["due"], "capability": place, "finding": a["finding"]}
        res = client.post(review, data=data)
        assert res.status_code in (200, 303), res.text[:300]
    res = client.post(review, data={"op": "approve"})
    assert res.status_code in (200, 303), res.text[:300]


def play(client: TestClient, exercise_id: str, *actions: dict[str, Any]) -> None:
    """Post each of ``actions`` to the exercise's player form as ``client``'s team; each must
    be accepted (303)."""
    for data in actions:
        res = client.post(f"/exercises/{exercise_id}/play", data=data, follow_redirects=False)
        assert res.status_code == 303, (data, res.text[:300])


def app_routes(app: FastAPI) -> list[Any]:
    """Every route of ``app`` with its full path, methods, endpoint and ``dependant``, routers'
    prefixes applied. FastAPI 0.16x keeps included routers as one entry each in ``app.routes``
    (walking ``app.routes`` for ``APIRoute`` finds none of them); older versions list the routes
    themselves."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # FastAPI before included routers were kept whole
        return list(app.routes)
    return list(iter_route_contexts(app.routes))


def make_app(url: str, **settings: Any) -> FastAPI:
    """An app on an already prepared database; login limits are relaxed unless given."""
    settings.setdefault("login_rate_limit", 10_000)
    settings.setdefault("request_clock_minutes", 0)
    # a fixed secret, so that tests never write a key file into the working folder
    settings.setdefault("secret_key", "pharos-test-secret-key-not-for-production-use")
    # nor attached files (a fresh store in the system's temporary folder)
    settings.setdefault("attachments", Path(tempfile.mkdtemp(prefix="pharos-attachments-")))
    return create_app(Settings(database_url=url, **settings))


class PharosClient(TestClient):
    """A test client that sends the CSRF token of its session with every unsafe request."""

    csrf_token: str = ""

    def request(self, method: str, url: Any, *args: Any, **kwargs: Any) -> Any:
        if method.upper() not in {"GET", "HEAD", "OPTIONS"} and self.csrf_token:
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("X-CSRF-Token", self.csrf_token)
            kwargs["headers"] = headers
        return super().request(method, url, *args, **kwargs)


@contextmanager
def served(app: FastAPI, start_timeout: float = 30.0) -> Iterator[str]:
    """Serve ``app`` with uvicorn on a free loopback port in a thread; yield its base URL and
    stop it afterwards (the browser tests' live servers)."""
    import socket
    import threading
    import time

    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + start_timeout
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the live server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def signed_in_client(app: FastAPI, username: str, password: str = DEMO_PASSWORD) -> PharosClient:
    """A client signed in as ``username`` (a demo user by default password)."""
    client = PharosClient(app, base_url="http://testserver", follow_redirects=False)
    page = client.get("/login")
    token = _CSRF.search(page.text)
    assert token, "the login page has no CSRF token"
    r = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token.group(1)}
    )
    assert r.status_code == 303, f"could not sign in as {username}: {r.status_code}"
    account = client.get("/account")
    found = _CSRF.search(account.text)
    assert found
    client.csrf_token = found.group(1)
    return client


# --- Browser tests (Playwright driving Debian's Chromium; see tests/e2e/conftest.py) ---------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def tab_to(page: Any, selector: str, limit: int = 200) -> None:
    """Press Tab until the element matching ``selector`` has the focus (keyboard-only tests);
    fail if it has not after ``limit`` presses."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} never took the focus in {limit} presses of Tab")


def sign_in(page: Any, base: str, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the login form of the live server at ``base``."""
    page.goto(base + "/login")
    page.fill("#f-username", username)
    page.fill("#f-password", password)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_load_state("networkidle")
