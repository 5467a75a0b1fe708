"""Editing a case in Chromium (issue 18, item 3), in English and Arabic: the inspector corrects
an event's place under "Edit", the history shows the place before and after; a colleague's
form, opened before that change, is refused with who changed it, and the current place is shown
with what the colleague sent listed as not saved. PHAROS_SCREENSHOTS=DIR keeps screenshots."""

from __future__ import annotations

import os
from typing import Any

import pytest

from pharos.web.testing import LAPTOP, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHOTS = os.environ.get("PHAROS_SCREENSHOTS", "")


def _signed_in(browser: Any, base: str, user: str) -> Any:
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, base, user)
    return page


def _api(page: Any, base: str, path: str, body: dict[str, Any]) -> Any:
    page.goto(base + "/cases")
    token = page.get_attribute("input[name=csrf_token] >> nth=0", "value")
    r = page.request.post(base + path, data=body, headers={"x-csrf-token": token})
    assert r.ok, r.text()
    return r.json()


def _shot(page: Any, name: str, selector: str | None = None) -> None:
    if SHOTS:
        target = page.locator(selector) if selector else page
        target.screenshot(path=os.path.join(SHOTS, name))


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_edit_an_event_and_refuse_a_stale_form(browser: Any, live_server: str, lang: str) -> None:
    base = live_server
    inspector = _signed_in(browser, base, "it.labour")
    colleague = _signed_in(browser, base, "it.labour")  # the same desk, another tab
    case = _api(inspector, base, "/api/v1/cases", {"title": "Greenhouses", "first_name": "Ola"})
    cid = case["id"]
    case = _api(
        inspector,
        base,
        f"/api/v1/cases/{cid}/events",
        {"type": "exploitation", "place": "Vittoria", "country": "ITA"},
    )
    event_id = case["events"][0]["id"]
    # both open the case page (the form holds version 1)
    for page in (inspector, colleague):
        page.goto(f"{base}/cases/{cid}?lang={lang}")
        page.locator("#timeline details.edit summary").click()
    form = f"#timeline form[action='/cases/{cid}/events/{event_id}']"
    inspector.fill(f"{form} input[name=place]", "Vittoria, contrada Fanello")
    _shot(inspector, f"edit-form-{lang}.png", "#timeline")
    inspector.locator(f"{form} button[type=submit]").click()
    inspector.wait_for_load_state("networkidle")
    history = inspector.locator("#history")
    assert history.is_visible()
    text = history.inner_text()
    assert "Vittoria, contrada Fanello" in text and "Vittoria" in text and "it.labour" in text
    _shot(inspector, f"edit-history-{lang}.png", "#history")

    colleague.fill(f"{form} input[name=place]", "Comiso")
    colleague.locator(f"{form} button[type=submit]").click()
    colleague.wait_for_load_state("networkidle")
    alert = colleague.locator("#timeline .error[role=alert]")
    assert alert.is_visible()
    assert "it.labour" in alert.inner_text()
    # the form is open again, with the current place, and what was sent is listed unsaved
    assert colleague.locator(f"{form} input[name=place]").input_value() == (
        "Vittoria, contrada Fanello"
    )
    assert "Comiso" in colleague.locator("#timeline .unsaved").inner_text()
    _shot(colleague, f"edit-stale-{lang}.png", "#timeline")
    now = inspector.request.get(f"{base}/api/v1/cases/{cid}").json()
    assert now["events"][0]["place"] == "Vittoria, contrada Fanello"
    # nothing in the page overflows its width (Arabic: right to left)
    width = colleague.evaluate("document.documentElement.scrollWidth")
    assert width <= LAPTOP["width"], width
    inspector.context.close()
    colleague.context.close()
