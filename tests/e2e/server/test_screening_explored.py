"""In Chromium, en and ar (issue 20, items 1 and 2): a labour inspector ticks what was seen and
marks every dimension "Explored"; the result is "not established" with forced labour read on its
own and the next steps, and the page shows the button to open a case."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from pharos.domain.indicators import Dimension
from pharos.web.testing import LAPTOP, sign_in

SHOTS = (
    Path(os.environ.get("PHAROS_SCREENSHOTS", "")) if os.environ.get("PHAROS_SCREENSHOTS") else None
)


@pytest.mark.parametrize(
    ("lang", "explored", "not_established", "steps"),
    [
        ("en", "Explored", "Trafficking not established", "Next steps"),
        ("ar", "مستكشَف", "لم يثبت الاتجار بالبشر", "الخطوات التالية"),
    ],
)
def test_explore_every_dimension_and_get_next_steps(
    browser: Any, live_server: str, lang: str, explored: str, not_established: str, steps: str
) -> None:
    context = browser.new_context(viewport=LAPTOP, locale=lang)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in(page, live_server, "it.labour")
        page.goto(live_server + "/screenings/new")
        assert page.locator("html").get_attribute("lang") == lang
        page.fill("#f-person_label", "Worker H")
        page.fill("#f-age", "41")
        for ind in ("cd_debt_bondage", "cd_violence_on_victims", "ec_excessive_hours"):
            page.select_option(f"#f-ind_{ind}", "present")
        page.select_option("#f-ind_ec_low_no_salary", "present")
        for d in Dimension:
            box = page.locator(f"#dim-{d.value} input[name='explored_{d.value}']")
            assert explored in page.locator(f"#dim-{d.value} .explored").inner_text()
            box.check()
        if SHOTS:
            page.locator("#dim-coercion_at_destination").screenshot(
                path=str(SHOTS / f"screening-form-{lang}.png")
            )
        page.click("form[action='/screenings'] button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert not_established in page.locator("#presumption").inner_text()
        assert steps in page.locator("#next-steps").inner_text()
        assert page.locator("#forced-labour").is_visible()
        assert page.locator("#route-labour_inspection").is_visible()
        assert page.locator("#open-case").is_visible()
        if SHOTS:
            page.screenshot(path=str(SHOTS / f"screening-result-{lang}.png"), full_page=True)
    finally:
        context.close()
