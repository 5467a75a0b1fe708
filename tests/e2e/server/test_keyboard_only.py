"""A keyboard-only sign-in and screening in Chromium on a phone (issue 20, item 7): no click, no
fill; Tab, typing, arrow keys and Enter only. At this width the main menu is behind its button,
so reaching the screening form needs the button to work by keyboard."""

from __future__ import annotations

import re
from typing import Any

import pytest

from pharos.coordinate.demo import DEMO_PASSWORD
from pharos.web.testing import PHONE, tab_to

pytestmark = pytest.mark.browser


def test_sign_in_and_screen_by_keyboard_alone(page: Any, live_server: str) -> None:
    page.set_viewport_size(PHONE)
    page.goto(live_server + "/login")
    tab_to(page, "#f-username")
    page.keyboard.type("it.labour")
    tab_to(page, "#f-password")
    page.keyboard.type(DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert page.locator("a[href='/account']").inner_text() == "it.labour"

    tab_to(page, "#menu-button")
    page.keyboard.press("Enter")
    tab_to(page, "#main-nav a[href='/screenings/new']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/screenings/new")

    tab_to(page, "#f-person_label")
    page.keyboard.type("Worker K, keyboard")
    tab_to(page, "#f-ind_dr_nature_of_job")
    page.keyboard.press("ArrowDown")  # from "Not asked" to "Observed"
    chosen = page.eval_on_selector("#f-ind_dr_nature_of_job", "e => e.value")
    assert chosen == "present"
    tab_to(page, "form[action='/screenings'] button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.search(r"/screenings/\d+$", page.url)
    assert page.locator("#presumption").is_visible()
    assert "Worker K, keyboard" in page.locator("h1").inner_text()
