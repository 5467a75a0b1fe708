"""Shared browser fixtures for every area: a live Pharos server on a free port (SQLite, demo
loaded) and Debian's Chromium driven by Playwright. Never downloads a browser.

Use in a test: ``def test_x(page, live_server): page.goto(live_server + "/login")``; sign in
with ``pharos.web.testing.sign_in(page, live_server, "it.labour")``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pharos.web.testing import CHROMIUM, CHROMIUM_ARGS, LAPTOP


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a Pharos server running in this process on a fresh SQLite database."""
    from pharos.web.testing import fresh_database, make_app, served

    os.environ.setdefault("PHAROS_FAST_HASHING", "1")
    folder: Path = tmp_path_factory.mktemp("live")
    url = f"sqlite:///{folder / 'pharos.db'}"
    fresh_database(url).dispose()
    with served(make_app(url)) as base:
        yield base


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
