"""Being told, in Chromium (issue 18, item 6), in English and Arabic: the NGO a case is referred
to sees the unread count in the header (its accessible name says how many), opens the
notifications page, follows the notification to the referral and marks everything read; the
inspector is told that the NGO accepted. PHAROS_SCREENSHOTS=DIR keeps the screenshots."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from pharos.web.testing import LAPTOP, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _signed_in(browser: Any, base: str, user: str) -> Any:
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, base, user)
    return page


def _api(page: Any, base: str, path: str, body: dict[str, Any]) -> Any:
    page.goto(base + "/notifications")
    token = page.get_attribute("input[name=csrf_token] >> nth=0", "value")
    r = page.request.post(base + path, data=body, headers={"x-csrf-token": token})
    assert r.ok, r.text()
    return r.json()


def _shot(page: Any, name: str) -> None:
    folder = os.environ.get("PHAROS_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name), full_page=True)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_told_of_a_referral_and_its_answer(browser: Any, live_server: str, lang: str) -> None:
    base = live_server
    inspector = _signed_in(browser, base, "it.labour")
    case = _api(inspector, base, "/api/v1/cases", {"title": f"Told {lang}", "first_name": "Nadia"})
    _api(
        inspector,
        base,
        f"/api/v1/cases/{case['id']}/consent",
        {"informed": True, "consent_for_services": True, "disclosure_other_orgs": True},
    )
    ngo_agency = inspector.request.get(f"{base}/api/v1/directory?state=ITA&kind=ngo").json()
    referral = _api(
        inspector,
        base,
        f"/api/v1/cases/{case['id']}/referrals",
        {"to_agency_id": ngo_agency[0]["id"], "stage": 2, "reason": "other"},
    )

    ngo = _signed_in(browser, base, "it.ngo")
    ngo.goto(f"{base}/?lang={lang}")
    link = ngo.locator("#notifications-link")
    unread = int(link.locator(".badge").inner_text())
    assert unread >= 1
    label = link.get_attribute("aria-label") or ""
    expected = {"en": "Notifications: ", "ar": "الإشعارات: "}[lang]
    assert label.startswith(expected), label
    assert link.inner_text().startswith({"en": "Notifications", "ar": "الإشعارات"}[lang])
    assert ngo.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    _shot(ngo, f"notifications-header-{lang}.png")

    link.click()
    ngo.wait_for_url(f"{base}/notifications")
    item = ngo.locator(".notification.unread").filter(has_text=case["reference"])
    assert item.count() == 1
    text = item.locator("a").inner_text()
    assert case["reference"] in text
    if lang == "ar":
        assert "إحالة جديدة" in text
    else:
        assert text.startswith("New referral of case")
    _shot(ngo, f"notifications-page-{lang}.png")

    item.locator("a").click()  # opens the referral; the notification is read
    ngo.wait_for_url(f"{base}/referrals#referral-{referral['id']}")
    assert ngo.locator(f"#referral-{referral['id']}").is_visible()
    after = ngo.locator("#notifications-link .badge")
    assert (int(after.inner_text()) if after.count() else 0) == unread - 1

    ngo.locator(f"#referral-{referral['id']} form.accept button").click()
    ngo.goto(f"{base}/notifications")
    if ngo.locator("form[action='/notifications/read-all'] button").count():
        ngo.locator("form[action='/notifications/read-all'] button").click()
    assert ngo.locator("#notifications-link .badge").count() == 0
    assert ngo.locator(".notification.unread").count() == 0

    inspector.goto(f"{base}/notifications")
    told = inspector.locator(".notification.unread").filter(has_text=case["reference"])
    assert told.count() == 1
    _shot(inspector, f"notifications-accepted-{lang}.png")
    inspector.context.close()
    ngo.context.close()
