"""The observer's P/S/M/U form on a phone in Chromium, English and Arabic (issue 17, item 4): an
observer rates a critical task with a note and evidence at 390 px, sees it in their ratings,
and nothing on the page is wider than the screen. ``PHAROS_SCREENSHOTS=DIR`` keeps the
screenshots."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from pharos.web.testing import LAPTOP, PHONE, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SHOTS = (
    Path(os.environ.get("PHAROS_SCREENSHOTS", "")) if os.environ.get("PHAROS_SCREENSHOTS") else None
)


def _shot(page: Any, name: str) -> None:
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_an_observer_rates_a_critical_task_on_a_phone(
    browser: Any, live_server: str, lang: str
) -> None:
    director = browser.new_context(viewport=LAPTOP).new_page()
    director.set_default_timeout(20_000)
    sign_in(director, live_server, "it.coordinator")
    director.goto(f"{live_server}/exercises")
    with director.expect_navigation():
        director.click("form[action='/exercises'] button")
    control = director.url
    ex = control.split("/")[-2]
    director.request.post(
        control,
        form={
            "command": "assign",
            "username": "it.prosecutor",
            "role": "observer",
            "csrf_token": director.input_value("input[name=csrf_token] >> nth=0"),
        },
    )
    phone = browser.new_context(viewport=PHONE).new_page()
    phone.set_default_timeout(20_000)
    sign_in(phone, live_server, "it.prosecutor")
    phone.goto(f"{live_server}/exercises/{ex}/observe?lang={lang}")
    assert phone.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    phone.select_option("#ob-team", "ita-labour")
    phone.select_option("#ob-task", "identification_and_referral|screen-everyone")
    phone.check("input[name=rating][value=S]")
    phone.fill("#ob-note", "Screened Karim, but without asking about his documents")
    phone.fill("#ob-evidence", "day 1 06:00, screening form")
    _shot(phone, f"observer-form-{lang}")
    with phone.expect_navigation():
        phone.click("#observe-form button[type=submit]")
    mine = phone.locator("ul.rated li").first
    assert "without asking about his documents" in mine.inner_text()
    assert " S " in f" {mine.locator('strong').inner_text()} "
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    _shot(phone, f"observer-rated-{lang}")
