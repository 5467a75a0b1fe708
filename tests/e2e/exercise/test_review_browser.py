"""The hot wash and the lead evaluator's review in Chromium, English and Arabic (issue 17, item
4): after the exercise, the lead evaluator a controller assigned records a hot-wash entry with
who said it, begins the review, edits a finding and its lesson, adds an improvement action with
its owner agency and state and a due date, gives the actions the report left without an owner
one, approves and publishes; the history keeps each change, the report shows the hot wash and
the action. ``PHAROS_SCREENSHOTS=DIR`` keeps the screenshots."""

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


def _ended_exercise(browser: Any, base: str) -> str:
    """An exercise the director created, started, gave a lead evaluator (it.prosecutor) and
    ended; its id."""
    director = browser.new_context(viewport=LAPTOP).new_page()
    director.set_default_timeout(20_000)
    sign_in(director, base, "it.coordinator")
    director.goto(f"{base}/exercises")
    with director.expect_navigation():
        director.click("form[action='/exercises'] button")
    control = director.url
    token = director.input_value("input[name=csrf_token] >> nth=0")
    for form in (
        {"command": "start"},
        {"command": "assign", "username": "it.prosecutor", "role": "lead_evaluator"},
        {"command": "end", "confirm": "yes"},
    ):
        assert director.request.post(control, form=form | {"csrf_token": token}).ok
    director.context.close()
    return control.split("/")[-2]


def _wcag_violations(page: Any) -> list[str]:
    """axe-core's WCAG 2.0/2.1 A and AA violations on the page (as tests/e2e/server/test_axe.py
    runs it), and ids used twice."""
    axe = pytest.importorskip("axe_playwright_python.base")
    page.evaluate(axe.AXE_SCRIPT)
    found = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"],
    )["violations"]
    out = [f"{v['id']}: {[n['target'] for n in v['nodes'][:3]]}" for v in found]
    twice = page.evaluate(
        "() => { const n = {}; document.querySelectorAll('[id]').forEach(e => "
        "{ n[e.id] = (n[e.id] || 0) + 1; }); return Object.keys(n).filter(k => n[k] > 1); }"
    )
    return out + [f"id used twice: {i}" for i in twice]


def _submit(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)
    assert page.locator("#flash").count() == 0, page.locator("#flash").inner_text()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_lead_evaluator_edits_approves_and_publishes(
    browser: Any, live_server: str, lang: str
) -> None:
    ex = _ended_exercise(browser, live_server)
    page = browser.new_context(viewport=LAPTOP).new_page()
    page.set_default_timeout(20_000)
    sign_in(page, live_server, "it.prosecutor")
    page.goto(f"{live_server}/exercises/{ex}?lang={lang}")  # the lead evaluator's home
    assert page.url.split("?")[0].endswith(f"/exercises/{ex}/review")
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    # the hot wash: what was said, of which capability, by whom
    page.select_option("#hw-kind", "improvement")
    page.select_option("#hw-cap", "identification_and_referral|screening")
    page.select_option("#hw-by", "ita-labour")
    page.fill("#hw-text", "We screened at the second interview only")
    _submit(page, "#hotwash-form button[type=submit]")
    assert "We screened at the second interview only" in page.locator("#hotwash").inner_text()
    _submit(page, "#start-review")
    _shot(page, f"review-begun-{lang}")
    # edit a finding: its text and its lesson
    first = page.locator("#findings > li").first
    fid = str(first.get_attribute("id")).removeprefix("finding-")
    page.fill(f"#{fid}-text", "Screening came late in the labour inspection")
    page.fill(f"#{fid}-lesson", "Screen at the first contact")
    _submit(page, f"#finding-{fid} button[value=edit_finding]")
    assert page.input_value(f"#{fid}-lesson") == "Screen at the first contact"
    # add an improvement action: owner agency and state, due date, what it addresses
    page.click("#add-action summary")
    page.fill("#na-action", "Train every inspector to screen at first contact")
    page.select_option("#na-owner", "ITA|labour_inspector")
    page.fill("#na-due", "2027-03-31")
    page.select_option("#na-cap", "identification_and_referral|screening")
    _submit(page, "#add-action-button")
    added = page.locator("#actions > li").last
    aid = str(added.get_attribute("id")).removeprefix("action-")
    assert page.input_value(f"#{aid}-owner") == "ITA|labour_inspector"
    assert page.input_value(f"#{aid}-due") == "2027-03-31"
    # approval is refused while an action the report derived has no owner
    with page.expect_navigation():
        page.click("#approve-review")
    assert page.locator("#flash").count() == 1
    _shot(page, f"review-refused-{lang}")
    for _round in range(40):
        ownerless = page.locator("#actions select[name=owner]:has(option[value='']:checked)")
        if ownerless.count() == 0:
            break
        owner = f"#{ownerless.first.get_attribute('id')}"  # a1-owner: the action's form
        page.select_option(owner, "TUN|law_enforcement")
        _submit(page, f"{owner} >> xpath=ancestor::form//button[@value='edit_action']")
    _submit(page, "#approve-review")
    assert page.locator("#review-status").get_attribute("class") == "pill ok"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= LAPTOP["width"], width
    _shot(page, f"review-approved-{lang}")
    assert not _wcag_violations(page), _wcag_violations(page)
    _submit(page, "#publish-lessons")
    history = page.locator("#review-history").inner_text()
    assert "Screen at the first contact" in history
    assert "Train every inspector to screen at first contact" in history
    assert page.locator("#approve-review").count() == 0  # closed once published
    _shot(page, f"review-published-{lang}")
    page.goto(f"{live_server}/exercises/{ex}/report")
    report = page.locator("body").inner_text()
    assert "We screened at the second interview only" in report
    assert "Train every inspector to screen at first contact" in report
    _shot(page, f"review-report-{lang}")
    page.context.close()
