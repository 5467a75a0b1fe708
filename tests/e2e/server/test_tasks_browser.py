"""Tasks in Chromium (issue 18, item 5), in English and Arabic: the inspector gives a colleague a
task due yesterday and one due next week on the case page; the colleague finds both under "My
tasks" on the dashboard, the late one first and marked overdue in words; marks it done on the
case page; the inspector assigns the case to the colleague. PHAROS_SCREENSHOTS=DIR keeps
screenshots."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from pharos.web.testing import LAPTOP, fresh_database, make_app, served, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHOTS = os.environ.get("PHAROS_SCREENSHOTS", "")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A live server with the demo, whose inspectorate has a second inspector, it.labour2."""
    os.environ.setdefault("PHAROS_FAST_HASHING", "1")
    folder: Path = tmp_path_factory.mktemp("tasks")
    url = f"sqlite:///{folder / 'pharos.db'}"
    fresh_database(url).dispose()
    with served(make_app(url)) as base:
        yield base


def _signed_in(browser: Any, base: str, user: str) -> Any:
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, base, user)
    return page


def _shot(page: Any, name: str, selector: str | None = None) -> None:
    if SHOTS:
        target = page.locator(selector) if selector else page
        target.screenshot(path=os.path.join(SHOTS, name))


#: the second labour inspector as the colleague lists name them: the demo's account name in the
#: page's language (pharos.coordinate.agency_names), then the username
COLLEAGUE = {
    "en": "Italy: Labour inspector (2) (it.labour2)",
    "ar": "إيطاليا: مفتش العمل (2) (it.labour2)",
}


def _give(page: Any, title: str, due: date, lang: str) -> None:
    page.locator("#tasks details:not(.edit) > summary").click()
    page.fill("#f-task-title", title)
    page.select_option("#f-task-assignee_id", label=COLLEAGUE[lang])
    page.fill("#f-task-due_on", due.isoformat())
    page.locator("form[action$='/tasks'] button[type=submit]").click()
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_give_a_task_see_it_overdue_mark_it_done(browser: Any, server: str, lang: str) -> None:
    base = server
    inspector = _signed_in(browser, base, "it.labour")
    inspector.goto(f"{base}/cases/new?lang={lang}")
    inspector.fill("#f-title", f"Tasks {lang}")
    inspector.fill("#f-first_name", "Mona")
    inspector.locator("form[action='/cases'] button[type=submit]").click()
    inspector.wait_for_load_state("networkidle")
    case_url = inspector.url.split("#")[0]
    today = date.today()
    _give(inspector, f"Ask the consulate ({lang})", today - timedelta(days=1), lang)
    _give(inspector, f"Book an interpreter ({lang})", today + timedelta(days=7), lang)
    tasks = inspector.locator("#tasks .task")
    assert tasks.count() == 2
    assert tasks.nth(0).locator(".pill.bad").is_visible()  # the late one, first
    _shot(inspector, f"tasks-case-{lang}.png", "#tasks")

    colleague = _signed_in(browser, base, "it.labour2")
    colleague.goto(f"{base}/?lang={lang}")
    mine = colleague.locator("#my-tasks")
    items = mine.locator("li")
    titles = [items.nth(i).inner_text() for i in range(items.count())]
    first = next(i for i, t in enumerate(titles) if f"({lang})" in t)
    assert "Ask the consulate" in titles[first] and "Book an interpreter" in titles[first + 1]
    # overdue said in words, not by colour only
    late = items.nth(first)
    words = "Overdue: was due" if lang == "en" else "متأخرة: كان موعدها"
    assert words in late.inner_text()
    assert mine.locator("p.warning[role=status]").is_visible()
    _shot(colleague, f"tasks-dashboard-{lang}.png", "#my-tasks")
    late.locator("a").click()
    colleague.wait_for_load_state("networkidle")
    task = colleague.locator("#tasks .task").nth(0)
    task.locator("form[action$='/done'] button").click()
    colleague.wait_for_load_state("networkidle")
    assert colleague.locator("#tasks .task .pill.ok").count() == 1
    _shot(colleague, f"tasks-done-{lang}.png", "#tasks")
    width = colleague.evaluate("document.documentElement.scrollWidth")
    assert width <= LAPTOP["width"], width

    # the inspector assigns the case to the colleague
    inspector.goto(f"{case_url}?lang={lang}")
    inspector.locator("#assignment summary").click()
    inspector.select_option("#f-assign-assignee_id", label=COLLEAGUE[lang])
    inspector.locator("#assignment button[type=submit]").click()
    inspector.wait_for_load_state("networkidle")
    assert "(it.labour2)" in inspector.locator("#h-facts + dl").inner_text()
    _shot(inspector, f"tasks-assigned-{lang}.png", "section[aria-labelledby=h-facts]")
    inspector.context.close()
    colleague.context.close()
