"""Shared browser fixtures for every area: a live Pharos server on a free port (SQLite, demo
loaded) and Debian's Chromium driven by Playwright. Never downloads a browser.

Use in a test: ``def test_x(page, live_server): page.goto(live_server + "/login")``; sign in
with ``pharos.web.testing.sign_in(page, live_server, "it.labour")``.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pharos.web.testing import CHROMIUM, CHROMIUM_ARGS, LAPTOP


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a Pharos server running in this process on a fresh SQLite database."""
    import uvicorn

    from pharos.web.testing import fresh_database, make_app

    os.environ.setdefault("PHAROS_FAST_HASHING", "1")
    folder: Path = tmp_path_factory.mktemp("live")
    url = f"sqlite:///{folder / 'pharos.db'}"
    fresh_database(url).dispose()
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(make_app(url), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the live server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Debian's Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context (no cookies) at laptop size."""
    context = browser.new_context(viewport=LAPTOP)
    p = context.new_page()
    p.set_default_timeout(15_000)
    yield p
    context.close()
