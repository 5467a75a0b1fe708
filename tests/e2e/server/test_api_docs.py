"""/api/v1/docs in Chromium under the Content-Security-Policy (issue 14, finding 9): Swagger UI,
served by Pharos, lists the API's operations; nothing is refused by the policy and nothing is
asked of another address (FastAPI's page loaded Swagger UI from a CDN, which the policy blocked:
a blank page)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_the_api_docs_render_under_the_csp(page: Any, live_server: str) -> None:
    refused: list[str] = []
    elsewhere: list[str] = []
    page.on(
        "console",
        lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.on(
        "request",
        lambda r: None if r.url.startswith((live_server, "data:")) else elsewhere.append(r.url),
    )
    page.goto(live_server + "/api/v1/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=30_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/v1/cases" in p.replace("\u200b", "") for p in paths)
    assert any("withdraw" in p.replace("\u200b", "") for p in paths)
    assert page.locator(".info .title").inner_text().startswith("Pharos")
    assert not refused, refused
    assert not elsewhere, elsewhere
