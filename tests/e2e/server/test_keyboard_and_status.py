"""Every page by keyboard and screen reader (issue 20, item 7): the main menu is a real button
that opens by keyboard wherever it shows (a phone, or a laptop zoomed to 175%: 1280 / 1.75 = 731
CSS pixels, under the 46rem = 736px break), and one persistent status region announces the
result of each action."""

from __future__ import annotations

from typing import Any

import pytest

from pharos.web.testing import PHONE, sign_in, tab_to

pytestmark = pytest.mark.browser

ZOOMED_LAPTOP = {"width": 731, "height": 514}  # 1280×900 at 175% zoom


@pytest.mark.parametrize("size", [PHONE, ZOOMED_LAPTOP], ids=["phone", "zoomed-175"])
def test_menu_opens_and_closes_by_keyboard(page: Any, live_server: str, size: Any) -> None:
    page.set_viewport_size(size)
    sign_in(page, live_server, "it.ngo")
    nav = page.locator("#main-nav")
    assert not nav.is_visible()
    tab_to(page, "#menu-button", limit=12)
    button = page.locator("#menu-button")
    assert button.get_attribute("aria-expanded") == "false"
    assert button.get_attribute("aria-controls") == "main-nav"
    page.keyboard.press("Enter")
    assert nav.is_visible()
    assert button.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Tab")  # the next stop is the menu's first entry
    assert page.evaluate("document.activeElement.closest('#main-nav') !== null")
    page.keyboard.press("Escape")
    assert not nav.is_visible()
    assert button.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.id") == "menu-button"


def test_menu_is_plain_navigation_at_laptop_width(page: Any, live_server: str) -> None:
    sign_in(page, live_server, "it.ngo")
    assert page.locator("#main-nav").is_visible()
    assert not page.locator("#menu-button").is_visible()


def test_status_region_is_persistent_and_announces_the_result(
    browser: Any, live_server: str
) -> None:
    admin = browser.new_context().new_page()
    sign_in(admin, live_server, "admin")
    region = admin.locator("#status-region")
    assert region.count() == 1
    assert region.get_attribute("role") == "status"
    assert region.get_attribute("aria-live") == "polite"
    assert region.inner_text().strip() == ""  # nothing to announce on arrival
    admin.goto(live_server + "/admin/accounts")
    row = admin.locator("tr", has_text="mt.journalist")
    row.locator("button[type=submit]").click()
    admin.wait_for_load_state("networkidle")
    admin.wait_for_function("document.querySelector('#status-region p.flash') !== null")
    assert "mt.journalist" in region.inner_text()
    # put it back for the other tests of the session
    admin.locator("tr", has_text="mt.journalist").locator("button[type=submit]").click()
    admin.wait_for_load_state("networkidle")
    admin.wait_for_function("document.querySelector('#status-region p.flash') !== null")
    assert "mt.journalist" in region.inner_text()
    admin.context.close()
