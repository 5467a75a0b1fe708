"""In Chromium on a phone, en and ar (issue 20, item 3): the result of a screening that is not
conclusive shows, by dimension, every indicator still to ask about with the questions an
interviewer can ask, in the page's language. PHAROS_SCREENSHOTS=DIR keeps the screenshots."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from pharos.domain.explain import question_groups, question_texts
from pharos.domain.screening import Person, screen
from pharos.domain.screening_file import Observation
from pharos.i18n import use_locale
from pharos.web.testing import PHONE, sign_in

pytestmark = [pytest.mark.browser]

SHOTS = (
    Path(os.environ.get("PHAROS_SCREENSHOTS", "")) if os.environ.get("PHAROS_SCREENSHOTS") else None
)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_every_question_is_on_the_result_page(browser: Any, live_server: str, lang: str) -> None:
    expected = screen([Observation("ec_low_no_salary")], Person(age=29))
    with use_locale(lang):
        texts = [t for _d, qs in question_groups(expected) for q in qs for t in question_texts(q)]
    context = browser.new_context(viewport=PHONE, locale=lang)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in(page, live_server, "it.labour")
        page.goto(live_server + "/screenings/new")
        page.fill("#f-person_label", "Worker Q")
        page.fill("#f-age", "29")
        page.select_option("#f-ind_ec_low_no_salary", "present")
        page.click("form[action='/screenings'] button[type=submit]")
        page.wait_for_url(re.compile(r"/screenings/\d+$"))
        section = page.locator("#ask-next")
        assert section.is_visible()
        assert section.locator("h3").count() == len(question_groups(expected))
        shown = section.locator("ul ul li").all_inner_texts()
        assert shown == texts
        # nothing wider than the phone's screen
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        if SHOTS:
            section.screenshot(path=str(SHOTS / f"interview-questions-{lang}.png"))
    finally:
        context.close()
