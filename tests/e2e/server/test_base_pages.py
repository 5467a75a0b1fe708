"""The base pages in Chromium: sign in, language switch, Arabic right to left, phone layout."""

from __future__ import annotations

from typing import Any

import pytest

from pharos.web.testing import PHONE, sign_in

pytestmark = pytest.mark.browser


def test_sign_in_and_switch_to_arabic(page: Any, live_server: str) -> None:
    sign_in(page, live_server, "it.labour")
    assert page.locator("a[href='/account']").inner_text() == "it.labour"
    page.click("a[hreflang='ar']")
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.get_attribute("html", "lang") == "ar"
    # Mirrored: the brand sits at the right edge of the header in Arabic.
    box = page.locator(".brand").bounding_box()
    assert box and box["x"] > 640
    page.click("a[hreflang='en']")
    assert page.get_attribute("html", "dir") == "ltr"


def test_phone_menu_opens(page: Any, live_server: str) -> None:
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "it.ngo")
    assert not page.locator(".main-nav").is_visible()
    page.click(".menu-button")
    assert page.locator(".main-nav").is_visible()
