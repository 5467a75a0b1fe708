"""Answering a referral in Chromium (issue 18, item 1): pressing Enter in "Reason for rejecting"
rejects the referral with that reason. It accepted it: the reason and the two buttons were one
form, and Enter submits a form by its first submit button, which was Accept."""

from __future__ import annotations

import re
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
    page.goto(base + "/referrals")
    token = page.get_attribute("input[name=csrf_token] >> nth=0", "value")
    r = page.request.post(base + path, data=body, headers={"x-csrf-token": token})
    assert r.ok, r.text()
    return r.json()


def test_enter_in_the_reason_rejects(browser: Any, live_server: str) -> None:
    base = live_server
    inspector = _signed_in(browser, base, "it.labour")
    case = _api(inspector, base, "/api/v1/cases", {"title": "Enter", "first_name": "Nadia"})
    _api(
        inspector,
        base,
        f"/api/v1/cases/{case['id']}/consent",
        {"informed": True, "consent_for_services": True, "disclosure_other_orgs": True},
    )
    ngo = inspector.request.get(f"{base}/api/v1/directory?state=ITA&kind=ngo").json()[0]["id"]
    referral = _api(
        inspector,
        base,
        f"/api/v1/cases/{case['id']}/referrals",
        {"to_agency_id": ngo, "stage": 2, "reason": "other", "details": "Needs shelter tonight"},
    )
    inspector.goto(f"{base}/cases/{case['id']}")
    inspector.click("#refer-form summary")
    options = inspector.locator("#referrals #f-stage optgroup")
    assert options.count() == 2  # national pillars, transnational stages
    inspector.locator("#referrals").screenshot(path="/tmp/cases1-case-referrals.png")
    inspector.context.close()

    shelter = _signed_in(browser, base, "it.ngo")
    for lang in ("ar", "en"):
        shelter.goto(f"{base}/referrals?lang={lang}")
        card = shelter.locator(f"#referral-{referral['id']}")
        assert card.locator(".referral-details").inner_text() == "Needs shelter tonight"
        assert card.locator("a.case-link").is_visible()
        card.screenshot(path=f"/tmp/cases1-referral-{lang}.png")
    reason = shelter.locator(f"#reason-{referral['id']}")
    reason.fill("No beds tonight")
    reason.press("Enter")
    shelter.wait_for_url(re.compile(r"/referrals$"))
    mine = [
        r
        for r in shelter.request.get(base + "/api/v1/referrals").json()["incoming"]
        if r["id"] == referral["id"]
    ]
    assert mine[0]["status"] == "rejected"
    assert mine[0]["rejection_reason"] == "No beds tonight"
    shelter.screenshot(path="/tmp/cases1-referrals-after-enter.png", full_page=True)
    shelter.context.close()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_case_list_filters_in_the_browser(browser: Any, live_server: str, lang: str) -> None:
    base = live_server
    inspector = _signed_in(browser, base, "it.labour")
    inspector.goto(f"{base}/cases?lang={lang}")
    inspector.select_option("#f-sort", "oldest")
    inspector.check("input[name=mine]")
    inspector.click("#case-filters button.primary")
    inspector.wait_for_url(re.compile(r"/cases\?.*mine=1"))
    assert inspector.locator("#case-total").is_visible()
    assert inspector.locator("#f-sort").input_value() == "oldest"
    inspector.screenshot(path=f"/tmp/cases1-case-list-{lang}.png", full_page=True)
    inspector.context.close()
