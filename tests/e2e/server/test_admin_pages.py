"""The administrators' pages in Chromium (issue 14, findings 5 and 6): the audit trail filtered
through its form and paged, in Arabic (right to left); an account deactivated with its button
can no longer sign in, and signs in again once reactivated."""

from __future__ import annotations

from typing import Any

import pytest

from pharos.web.testing import sign_in

pytestmark = pytest.mark.browser


def test_audit_page_filters_and_pages_in_arabic(page: Any, live_server: str) -> None:
    sign_in(page, live_server, "admin")
    page.goto(live_server + "/audit?lang=ar")
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.locator("p.flash[role=status]").count() == 1  # the chain holds
    page.fill("#f-user", "system")
    page.click("form[action='/audit'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "user=system" in page.url
    actors = page.locator("tbody tr td:nth-child(3)").all_inner_texts()
    assert actors and set(actors) == {"system"}
    older = page.locator("a[rel=next]")
    if older.count():  # more than one page of the demo's entries
        older.click()
        page.wait_for_load_state("networkidle")
        assert "page=2" in page.url and "user=system" in page.url


def test_deactivate_and_reactivate_with_the_buttons(browser: Any, live_server: str) -> None:
    admin = browser.new_context().new_page()
    sign_in(admin, live_server, "admin")
    admin.goto(live_server + "/admin/accounts")
    row = admin.locator("#account-" + _id(admin, "mt.journalist"))
    row.locator("button[type=submit]").click()
    admin.wait_for_load_state("networkidle")
    assert "mt.journalist" in admin.locator("p.flash").inner_text()
    user = browser.new_context().new_page()
    sign_in(user, live_server, "mt.journalist")
    assert "/login" in user.url and user.locator("p.error").count() == 1
    admin.locator("#account-" + _id(admin, "mt.journalist") + " button[type=submit]").click()
    admin.wait_for_load_state("networkidle")
    sign_in(user, live_server, "mt.journalist")
    assert "/login" not in user.url


def _id(page: Any, username: str) -> str:
    """The account row's id on the accounts page."""
    row = page.locator("tr", has=page.locator(f"td:text-is('{username}')"))
    return str(row.get_attribute("id")).removeprefix("account-")
