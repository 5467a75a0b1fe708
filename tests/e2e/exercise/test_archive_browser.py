"""Archiving and deleting an exercise in Chromium, in English and Arabic (issue 17, item 3): the
browser will not send either without the confirmation ticked; once ticked the exercise moves to
"Archived", and from there it is deleted. ``PHAROS_SCREENSHOTS=DIR`` keeps the screenshots."""

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


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_archive_then_delete_an_ended_exercise(browser: Any, live_server: str, lang: str) -> None:
    page = browser.new_context(viewport=LAPTOP).new_page()
    page.set_default_timeout(30_000)
    sign_in(page, live_server, "it.coordinator")
    page.goto(f"{live_server}/exercises?lang={lang}")
    with page.expect_navigation():
        page.click("#new-exercise")
    ex = page.url.split("/")[-2]
    with page.expect_navigation():
        page.click("#cmd-start")
    page.check("#end-confirm")
    with page.expect_navigation():
        page.click("#cmd-end")
    page.goto(f"{live_server}/exercises?lang={lang}")
    row = page.locator("tr", has=page.locator(f'a[href="/exercises/{ex}"]'))
    row.locator("details.ex-close summary").click()
    archive = row.locator("form[action$='/archive']")
    archive.locator("button").click()  # not ticked: the browser does not send it
    assert page.url.endswith(f"/exercises?lang={lang}")
    archive.locator("input[name=confirm]").check()
    with page.expect_navigation():
        archive.locator("button").click()
    archived = page.locator("#ex-archived")
    assert archived.locator(f'a[href="/exercises/{ex}"]').count() == 1
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"archived-{lang}.png"), full_page=True)
    delete = archived.locator(f"form[action='/exercises/{ex}/delete']")
    delete.locator("input[name=confirm]").check()
    with page.expect_navigation():
        delete.locator("button").click()
    assert page.locator(f'a[href="/exercises/{ex}"]').count() == 0
