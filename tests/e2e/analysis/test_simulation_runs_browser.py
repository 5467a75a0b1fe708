"""A simulation run from /analysis in Chromium (issue 15, item 7): an analyst picks an
intervention and a combination, starts a small run, sees its progress bar move to the end,
opens the report; the list, the run page and the report looked at 1280 and 390 px wide (nothing
wider than the screen; the charts' titles are text that wraps, not cut). The report answers
which intervention helps most: forest plots of the effects with intervals, per group and per
state, and the equal-protection verdict; a run started in Arabic gives its report right to left.

Screenshots go to $PHAROS_SCREENSHOTS when set (to look at the pages), else to pytest's tmp dir.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pharos.web.testing import sign_in

pytestmark = pytest.mark.browser

OVERLAY = "labour-inspector-indicator-training"
OTHER = "shelter-beds-malta-greece"
COSTS = f"{OVERLAY}: 250000\n{OTHER}: 90000"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def runs_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from pharos.web.testing import fresh_database, make_app, served

    data = tmp_path_factory.mktemp("runs-live")
    url = f"sqlite:///{data / 'pharos.db'}"
    fresh_database(url).dispose()
    with served(make_app(url, data_dir=data)) as base:
        yield base


def _fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_start_a_run_follow_it_and_read_the_report(
    page: Any, runs_server: str, tmp_path: Path
) -> None:
    shots = Path(os.environ.get("PHAROS_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, runs_server, "it.coordinator")
    page.goto(runs_server + "/analysis")
    page.check(f"input[name=intervention][value={OVERLAY}]")
    page.fill("#f-combinations", f"{OVERLAY}+{OTHER}")
    page.fill("#f-costs", COSTS)
    page.fill("#f-runs", "3")
    page.fill("#f-seed", "11")
    page.screenshot(path=str(shots / "simulation-form-1280.png"), full_page=True)
    page.click("button:has-text('Start the run')")
    try:
        page.wait_for_url("**/analysis/simulations/*", timeout=60_000)
    finally:
        page.screenshot(path=str(shots / "simulation-started-1280.png"), full_page=True)
    # the progress bar and its text while it waits or runs
    bar = page.locator("#run-bar")
    assert bar.is_visible()
    assert "of 9 replications" in page.locator("#run-text").inner_text()
    values = []
    for _ in range(600):
        if page.locator("#run-report").is_visible():
            break
        if bar.count():
            values.append(int(bar.get_attribute("value") or 0))
        page.wait_for_timeout(200)
    assert page.locator("#run-report").is_visible(), values
    assert int(bar.get_attribute("value") or 0) == 100
    assert "done" in page.locator("#run-text").inner_text()
    assert values and values[0] < 100  # seen before it was finished
    page.screenshot(path=str(shots / "simulation-run-1280.png"), full_page=True)
    run_url = page.url
    page.click("#run-report a")
    page.wait_for_selector(".main-svg", timeout=60_000)
    assert page.locator(".js-plotly-plot").count() >= 4
    assert page.locator("text=" + f"{OVERLAY}+{OTHER}").count() >= 1
    _has_the_effects(page)
    _has_costs_and_series(page)
    page.screenshot(path=str(shots / "simulation-report-1280.png"), full_page=True)
    # on a phone: the list, the run page and the report fit; chart titles wrap inside the screen
    page.set_viewport_size(PHONE)
    for name, url in (("list", runs_server + "/analysis"), ("run", run_url)):
        page.goto(url)
        assert _fits(page), name
        page.screenshot(path=str(shots / f"simulation-{name}-390.png"), full_page=True)
    page.goto(run_url + "/report.html")
    page.wait_for_selector(".main-svg", timeout=60_000)
    titles = page.locator("p.figure-title")
    assert titles.count() >= 4
    for i in range(titles.count()):
        box = titles.nth(i).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 391, box
    page.screenshot(path=str(shots / "simulation-report-390.png"), full_page=True)
    assert errors == []


def _has_the_effects(page: Any) -> None:
    """The report's answer: a forest plot per headline outcome (drawn: its markers and error
    bars), with its table; per group and per state; the equal-protection verdict."""
    for div in ("forest-share_protected", "forest-convicted", "forest-groups", "forest-states"):
        chart = page.locator(f"#{div} .js-plotly-plot")
        assert chart.count() == 1, div
        assert chart.locator(".scatterlayer .point").count() >= 2, div
        assert chart.locator(".errorbar").count() >= 2, div
    assert page.locator("#forest-share_protected table.effects-table tbody tr").count() == 2
    assert page.locator("#equal-protection").inner_text().strip()


def _has_costs_and_series(page: Any) -> None:
    """The cost table (a row per intervention, the combination costing the sum of its parts)
    and the time series, each a line per variant with its band drawn."""
    rows = page.locator("#costs table.costs tbody tr")
    assert rows.count() == 2
    assert "340,000" in page.locator("#costs").inner_text()
    for metric in ("protected", "identified", "convicted"):
        chart = page.locator(f"#series-{metric} .js-plotly-plot")
        assert chart.count() == 1, metric
        assert chart.locator(".scatterlayer .trace").count() == 6, metric  # 3 lines, 3 bands
        assert chart.locator(".scatterlayer .js-fill").count() >= 3, metric


def test_a_run_started_in_arabic_reports_right_to_left(
    page: Any, runs_server: str, tmp_path: Path
) -> None:
    shots = Path(os.environ.get("PHAROS_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, runs_server, "it.coordinator")
    page.goto(runs_server + "/analysis?lang=ar")
    page.check(f"input[name=intervention][value={OVERLAY}]")
    page.fill("#f-combinations", f"{OVERLAY}+{OTHER}")
    page.fill("#f-costs", COSTS)
    page.fill("#f-runs", "2")
    page.fill("#f-seed", "5")
    page.click("form.simulation-form button[type=submit]")
    page.wait_for_url("**/analysis/simulations/*", timeout=60_000)
    page.wait_for_selector("#run-report a", state="visible", timeout=300_000)
    run_url = page.url
    page.goto(run_url + "/report.html")
    page.wait_for_selector(".main-svg", timeout=60_000)
    html = page.locator("html")
    assert html.get_attribute("lang") == "ar"
    assert html.get_attribute("dir") == "rtl"
    _has_the_effects(page)
    _has_costs_and_series(page)
    # the effects' texts are Arabic: the section's heading and the table's headings
    assert "أي تدخل يساعد أكثر" in page.locator("section.effects h2").first.inner_text()
    assert "التكلفة لكل ضحية إضافية محمية" in page.locator("#costs th").all_inner_texts()[3]
    assert "التغير النسبي" in page.locator("#forest-share_protected th").all_inner_texts()[3]
    page.locator("#forest-share_protected").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "simulation-report-ar-1280.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.goto(run_url + "/report.html")
    page.wait_for_selector(".main-svg", timeout=60_000)
    assert _fits(page)
    titles = page.locator("p.figure-title")
    for i in range(titles.count()):
        box = titles.nth(i).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 391, box
    page.screenshot(path=str(shots / "simulation-report-ar-390.png"), full_page=True)
    assert errors == []
