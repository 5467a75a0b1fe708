"""The hidden-figure page in Chromium: the chart draws (no CSP error), Arabic mirrors.

Screenshots go to $PHAROS_SCREENSHOTS when set (to look at the page), else to pytest's tmp dir.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from pharos.web.testing import sign_in

pytestmark = pytest.mark.browser


#: Records Content-Security-Policy violations with the element at fault.
WATCH_CSP = (
    "window.__csp=[];document.addEventListener('securitypolicyviolation',function(e){"
    "window.__csp.push(e.target&&e.target.outerHTML?e.target.outerHTML.slice(0,200):"
    "String(e.target))});"
)


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("PHAROS_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_estimate_a_published_table_and_see_the_chart(
    page: Any, live_server: str, tmp_path: Path
) -> None:
    problems: list[str] = []
    page.set_default_timeout(60_000)  # the five-list search fits 1,024 models
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    page.add_init_script(WATCH_CSP)
    sign_in(page, live_server, "it.labour")
    page.click("a[href='/estimate']")
    page.select_option("#f-example", "UKdat_5")
    page.click("form.estimate-form button[type=submit]")
    page.wait_for_selector("#estimate-chart .main-svg", timeout=60_000)
    assert "11,313" in page.locator(".figure.main").inner_text()
    # the default (threshold method): the chart has the search's path and the chosen model
    assert page.locator("#estimate-chart .scatterlayer .trace").count() >= 2
    assert "parametric bootstrap" in page.locator(".figures").inner_text()
    assert "Chan, Silverman & Vincent 2021" in page.locator(".estimate-result").inner_text()
    page.screenshot(path=str(_shots(tmp_path) / "estimate-en.png"), full_page=True)
    missing = [u for u in missing if not u.endswith("/favicon.ico")]
    assert not missing, missing
    # The only style the policy blocks is the stylesheet of maplibre-gl (map traces, unused
    # here) that plotly.min.js injects when it loads; plotly's own rules come from
    # /estimate/plotly.css. The browser's 404 for the favicon is not the page's.
    blocked = page.evaluate("window.__csp")
    assert all("maplibregl" in b for b in blocked), blocked
    problems = [
        p
        for p in problems
        if not ("inline style" in p and blocked) and not ("404" in p and not missing)
    ]
    assert not problems, problems


def test_the_page_in_arabic_reads_right_to_left(
    page: Any, live_server: str, tmp_path: Path
) -> None:
    page.set_default_timeout(60_000)
    sign_in(page, live_server, "it.ngo")
    page.goto(live_server + "/estimate?lang=ar")
    assert page.get_attribute("html", "dir") == "rtl"
    page.select_option("#f-example", "Western")
    page.click("form.estimate-form button[type=submit]")
    page.wait_for_selector("#estimate-chart .main-svg", timeout=60_000)
    heading = page.locator("h1").bounding_box()
    assert heading and heading["x"] + heading["width"] > 1000  # aligned to the right
    page.screenshot(path=str(_shots(tmp_path) / "estimate-ar.png"), full_page=True)
