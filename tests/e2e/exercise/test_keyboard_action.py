"""One exercise action by keyboard alone (issue 20, item 7: "a keyboard-only Chromium test of
login, screening and one exercise action"; login and screening are in
tests/e2e/server/test_keyboard_only.py).

The controller prepares the exercise with the mouse (that is not under test); the player then
signs in, chooses a site and inspects it with Tab, arrow keys and Enter only — no click, no fill
— on a phone-sized page in English and in Arabic (right to left, where arrow keys and the tab
order must still reach the same controls)."""

from __future__ import annotations

from typing import Any

import pytest

from pharos.coordinate.demo import DEMO_PASSWORD
from pharos.web.testing import LAPTOP, PHONE, sign_in, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _started_exercise(browser: Any, live_server: str) -> str:
    ctx = browser.new_context(viewport=LAPTOP)
    control = ctx.new_page()
    control.set_default_timeout(20_000)
    sign_in(control, live_server, "it.coordinator")
    control.goto(live_server + "/exercises")
    with control.expect_navigation():
        control.click("#new-exercise")
    ex_url = control.url.removesuffix("/control")
    with control.expect_navigation():
        control.click("#cmd-start")
    ctx.close()
    return ex_url


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_player_inspects_a_site_by_keyboard_alone(browser: Any, live_server: str, lang: str):
    ex_url = _started_exercise(browser, live_server)
    ctx = browser.new_context(viewport=PHONE, extra_http_headers={"Accept-Language": lang})
    page = ctx.new_page()
    page.set_default_timeout(20_000)
    try:
        page.goto(live_server + "/login")
        tab_to(page, "#f-username", limit=300)
        page.keyboard.type("it.labour")
        tab_to(page, "#f-password", limit=300)
        page.keyboard.type(DEMO_PASSWORD)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.lang") == lang
        if lang == "ar":
            assert page.evaluate("document.documentElement.dir") == "rtl"

        page.goto(ex_url + "/play")
        history_before = page.locator("#history li").count()
        tab_to(page, "#st-place", limit=300)
        wanted = "ragusa-greenhouse"
        for _ in range(20):
            if page.eval_on_selector("#st-place", "e => e.value") == wanted:
                break
            page.keyboard.press("ArrowDown")
        assert page.eval_on_selector("#st-place", "e => e.value") == wanted
        tab_to(page, "#site-form button[value='inspect_site']", limit=300)
        # The focused control is visibly marked (issue 20, item 7: a focus ring).
        outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
        assert outline not in ("", "none"), outline
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.locator("#flash").count() == 0, page.locator("#flash").inner_text()
        # The action is the team's own now: its history grew and someone is within reach.
        assert page.locator("#history li").count() >= max(history_before, 1)
        assert page.locator("#history li.muted").count() == 0
        assert page.locator("[data-live=reach] article.person").count() >= 1
    finally:
        ctx.close()
