"""The issue's story in Chromium, once in English and once in Arabic (right to left): an Italian
labour inspector screens a worker, opens a case, refers her to an NGO shelter and to the police,
the NGO accepts, the police send a request to Egypt's contact point, the Egyptian user answers,
and the inspector sees the answer on the case."""

from __future__ import annotations

import re
from typing import Any

import pytest

from pharos.web.testing import LAPTOP, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _as(browser: Any, base: str, user: str, lang: str) -> Any:
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, base, user)
    page.goto(f"{base}/?lang={lang}")
    assert page.get_attribute("html", "dir") == ("rtl" if lang == "ar" else "ltr")
    return page


def _agency(page: Any, base: str, state: str, kind: str) -> str:
    rows = page.request.get(f"{base}/api/v1/directory?state={state}&kind={kind}").json()
    return str(rows[0]["id"])


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_story(browser: Any, live_server: str, lang: str) -> None:
    base = live_server
    label = f"Worker {lang.upper()}, greenhouse 3"
    reply = f"Recruiter known in Alexandria ({lang})"

    inspector = _as(browser, base, "it.labour", lang)
    inspector.goto(base + "/screenings/new")
    inspector.fill("#f-person_label", label)
    inspector.fill("#f-age", "27")
    inspector.select_option("#f-ind_dr_nature_of_job", "present")
    inspector.select_option("#f-ind_dr_conditions_of_work", "present")
    inspector.click("form[action='/screenings'] button[type=submit]")
    inspector.wait_for_url(re.compile(r"/screenings/\d+$"))
    assert inspector.locator("#presumption").is_visible()
    inspector.click("#open-case")
    inspector.fill("#f-title", f"Farm worker ({lang})")
    inspector.fill("#f-first_name", "Amina")
    inspector.fill("#f-second_name", "Haddad")
    inspector.fill("#f-birthdate", "1998-04-02")
    inspector.fill("#f-citizenship", "EGY")
    inspector.check("input[name=exploitation_types][value=forced_labour]")
    inspector.click("form[action='/cases'] button.primary")
    inspector.wait_for_url(re.compile(r"/cases/\d+$"))
    case_url = inspector.url
    case_id = case_url.rsplit("/", 1)[1]
    assert inspector.get_attribute("html", "dir") == ("rtl" if lang == "ar" else "ltr")

    inspector.click("#consent details summary")
    inspector.check("#consent input[name=informed]")
    inspector.check("#consent input[name=consent_for_services]")
    inspector.check("#consent input[name=disclosure_other_orgs]")
    inspector.click("#consent form button[type=submit]")
    inspector.wait_for_load_state("networkidle")
    for kind, stage in (("ngo", "nrm:2"), ("law_enforcement", "nrm:4")):
        inspector.goto(case_url)
        inspector.click("#refer-form summary")
        inspector.select_option("#f-to_agency_id", _agency(inspector, base, "ITA", kind))
        inspector.select_option("#referrals #f-stage", stage)
        inspector.click("#referrals form button.primary")
        inspector.wait_for_url(re.compile(rf"/cases/{case_id}"))
    assert inspector.locator("#referrals .pill").count() >= 2

    for user in ("it.ngo", "it.police"):
        receiver = _as(browser, base, user, lang)
        receiver.goto(base + "/referrals")
        receiver.click("form.accept button >> nth=0")
        receiver.wait_for_url(re.compile(rf"/cases/{case_id}$"))
        assert "Amina" in receiver.content()
        if user == "it.police":
            police = receiver
        else:
            receiver.context.close()

    police.select_option("#f-receiver", "EGY")
    police.click("form[action$='/requests/new'] button[type=submit]")
    assert police.locator("input[name=type][value=european_investigation_order]").count() == 0
    police.check("input[name=type][value=police_information_exchange]")
    police.fill("#f-subject", "Recruiter behind a Facebook job ad")
    police.fill("#f-body", "Please identify the holder of the phone number in the ad.")
    police.click("form[action$='/requests'] button.primary")
    police.wait_for_url(re.compile(r"/requests/\d+$"))
    request_url = police.url
    police.context.close()

    egypt = _as(browser, base, "eg.police", lang)
    egypt.goto(base + "/requests")
    egypt.click(f"a[href='{request_url[len(base) :]}']")
    content = egypt.content()
    assert "Amina" not in content and "P-" in content
    egypt.fill("#f-text", reply)
    egypt.click("#replies form button.primary")
    egypt.wait_for_load_state("networkidle")
    assert reply in egypt.content()
    egypt.context.close()

    inspector.goto(case_url)
    assert reply in inspector.locator("#requests").inner_text()
    assert inspector.get_attribute("html", "dir") == ("rtl" if lang == "ar" else "ltr")
    inspector.context.close()
