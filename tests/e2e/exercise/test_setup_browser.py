"""The setup wizard in Chromium, in English and Arabic (issue 17, item 3): a director sets up the
bundled national exercise (Italy) — a date out of order is refused with what was typed kept —,
chooses the teams people play, assigns the roster from real accounts (the suggested Italian
players kept, an observer and a role player added), and lands on the new exercise's control
page with its roster. ``PHAROS_SCREENSHOTS=DIR`` keeps the screenshots."""

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


def _shot(page: Any, name: str) -> None:
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_set_up_a_national_exercise_with_its_roster(browser: Any, live_server: str, lang: str):
    page = browser.new_context(viewport=LAPTOP).new_page()
    page.set_default_timeout(30_000)
    sign_in(page, live_server, "it.coordinator")
    page.goto(f"{live_server}/exercises?lang={lang}")
    assert page.get_attribute("html", "dir") == ("rtl" if lang == "ar" else "ltr")
    with page.expect_navigation():
        page.click("#setup-exercise")
    name = f"Capitanata {lang}"
    page.fill("#f-name", name)
    page.select_option("#f-scenario", "bundled:italy-national")
    page.fill("#f-seed", "42")
    page.fill("#f-held_from", "2026-12-09")
    page.fill("#f-held_to", "2026-12-07")
    with page.expect_navigation():
        page.click("#setup-next")
    # refused on the server, what was typed kept
    assert page.locator("#setup-problems").is_visible()
    assert page.input_value("#f-name") == name and page.input_value("#f-seed") == "42"
    assert page.get_attribute("#f-held_to", "aria-invalid") == "true"
    _shot(page, f"setup-1-refused-{lang}")
    page.fill("#f-held_to", "2026-12-11")
    with page.expect_navigation():
        page.click("#setup-next")
    assert page.locator("#setup-national").is_visible()
    assert page.locator("input[name=played]").count() == 6  # the six Italian agencies
    page.check("#played-social-foggia")  # the social services played too
    _shot(page, f"setup-2-teams-{lang}")
    with page.expect_navigation():
        page.click("#setup-next")
    # the suggested players of each played team are chosen already
    assert page.input_value("#f-role\\.it\\.labour") == "player:itl-foggia"
    assert page.input_value("#f-role\\.it\\.police") == "player:cc-foggia"
    assert page.input_value("#f-role\\.it\\.social") == "player:social-foggia"
    others = page.locator("#setup-others")
    others.locator("summary").click()
    page.select_option("#f-role\\.it\\.mediator", "role_player:joy")
    page.select_option("#f-role\\.tn\\.police", "observer")
    page.fill("#f-extra_username", "gr.coordinator")
    page.select_option("#f-extra_role", "director")
    _shot(page, f"setup-3-roster-{lang}")
    with page.expect_navigation():
        page.click("#setup-create")
    assert page.url.endswith("/control")
    assert page.text_content("#ex-name") == name  # its name, not the scenario's title
    roster = page.locator("#roster")
    for username in ("it.labour", "it.police", "it.social", "it.mediator", "tn.police"):
        assert roster.locator(f'[id="roster-{username}"]').count() == 1, username
    _shot(page, f"setup-4-control-{lang}")
    page.goto(f"{live_server}/exercises?lang={lang}")
    assert page.locator("a", has_text=name).count() == 1
