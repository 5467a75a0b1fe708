"""The scenario studio in Chromium, in English and Arabic (issue 17, item 1): a director creates
a scenario from the bundled template, misspells an indicator, sees the problem reported with its
line as they type, jumps to the line, fixes it, saves version 2 and starts an exercise from it.
``PHAROS_SCREENSHOTS=DIR`` keeps the screenshots."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from pharos.web.testing import LAPTOP, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SHOTS = (
    Path(os.environ.get("PHAROS_SCREENSHOTS", "")) if os.environ.get("PHAROS_SCREENSHOTS") else None
)
RIGHT = "[dr_nature_of_job, dr_wages, cd_debt_bondage]"
WRONG = "[dr_nature_of_jobb, dr_wages, cd_debt_bondage]"


def _shot(page: Any, name: str) -> None:
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_author_a_scenario_and_start_an_exercise(browser: Any, live_server: str, lang: str) -> None:
    page = browser.new_context(viewport=LAPTOP).new_page()
    page.set_default_timeout(20_000)
    sign_in(page, live_server, "it.coordinator")
    page.goto(f"{live_server}/exercises/studio?lang={lang}")
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    _shot(page, f"studio-list-{lang}")
    # the regional template (since 5ccc136 the national one comes first in the list)
    page.select_option("#st-template", "mediterranean-regional")
    with page.expect_navigation():
        page.click("#st-from-template")
    editor = page.url
    assert "/exercises/studio/" in editor
    text = page.input_value("#st-text")
    assert RIGHT in text
    line = text[: text.index(RIGHT)].count("\n") + 1

    # a misspelt indicator: reported as it is typed, with its line and a suggestion
    page.fill("#st-text", text.replace(RIGHT, WRONG, 1))
    problem = page.locator("#st-problems li", has_text="dr_nature_of_jobb")
    problem.wait_for()
    assert f":{line}" in problem.locator("button").inner_text()
    assert "dr_nature_of_job," in problem.inner_text() or "dr_nature_of_job" in problem.inner_text()
    assert page.locator("#st-none").is_hidden()
    _shot(page, f"studio-problem-{lang}")
    problem.locator("button").click()  # selects the line in the text
    at = page.evaluate(
        "() => { const t = document.getElementById('st-text');"
        " return t.value.slice(0, t.selectionStart).split('\\n').length; }"
    )
    assert at == line

    # fixed: no problem, the preview shows the persona as a team meets him
    page.fill("#st-text", text.replace("    age: 24\n", "    age: 25\n", 1))
    page.locator("#st-none").wait_for(state="visible")
    assert page.locator("#st-problems li").count() == 0
    page.wait_for_function("() => document.getElementById('st-preview').innerText.includes('25')")
    page.fill("#st-note", "Karim is 25")
    with page.expect_navigation():
        page.click("#st-save")
    assert page.locator("p[role=status]").count() == 1
    assert page.locator(".studio-side tbody tr").count() == 2
    _shot(page, f"studio-saved-{lang}")

    # an inject by the form, released when Karim is first contacted
    page.click("#st-add-inject summary")
    page.fill("#ai-id", "ngo-hotline")
    page.fill("#ai-title", "A worker calls the hotline at night")
    page.fill("#ai-sender", "NGO hotline")
    page.check("#st-add-inject input[name=to][value=ita-ngo]")
    page.fill("#ai-body", "A man calls from a greenhouse near Vittoria.")
    page.check("#st-add-inject input[name=release][value=trigger]")
    page.select_option("#ai-when", "persona_contacted")
    page.fill("#ai-subject", "karim")
    _shot(page, f"studio-inject-form-{lang}")
    with page.expect_navigation():
        page.click("#ai-add")
    assert page.locator(".studio-side tbody tr").count() == 3
    assert "A worker calls the hotline at night" in page.inner_text("#st-preview")

    with page.expect_navigation():
        page.click("#st-start-3")
    assert page.url.endswith("/control")
    assert page.locator("h1").count() >= 1
    _shot(page, f"studio-started-{lang}")
    page.context.close()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_rehearse_a_template_before_the_day(browser: Any, live_server: str, lang: str) -> None:
    """Issue 17, item 2: the director presses "Rehearse" on the studio's page and reads the
    pacing: every inject with when it fired, every person reached, the networks, the teams."""
    page = browser.new_context(viewport=LAPTOP).new_page()
    page.set_default_timeout(30_000)
    sign_in(page, live_server, "it.coordinator")
    page.goto(f"{live_server}/exercises/studio?lang={lang}")
    page.select_option("#st-rehearse-name", "mediterranean-regional")
    with page.expect_navigation():
        page.click("#st-rehearse")
    assert "/exercises/studio/templates/rehearsal" in page.url
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    assert page.locator("#rh-injects tbody tr").count() == 14
    assert page.locator("#rh-people tbody tr").count() == 7
    assert page.locator("#rh-networks tbody tr.rh-late").count() == 0
    greek = page.locator('#rh-teams tr[data-id="grc-police"]')
    assert greek.get_attribute("class") == "rh-late"  # nothing reaches the Greek police
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= LAPTOP["width"]
    _shot(page, f"rehearsal-{lang}")
