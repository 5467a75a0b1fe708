"""axe-core (Deque's rule engine, from the PyPI package axe-playwright-python, dev extra) over
the main pages in English and in Arabic (right to left), signed out, as an Italian labour
inspector, coordinator and administrator: zero violations of WCAG 2.0/2.1 level A and AA,
and none of two checks axe-core leaves out (unique ids, a real label on every field) (issue
20, item 7). A failure lists each page's rules and the first offending elements."""

from __future__ import annotations

import re
from typing import Any

import pytest

from pharos.web.testing import LAPTOP, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

axe_base = pytest.importorskip("axe_playwright_python.base")

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
USERS = ("it.labour", "it.coordinator", "admin")
EXTRA = {
    "it.labour": ["/account", "/screenings/new", "/screenings/offline/"],
    "it.coordinator": ["/exercises/new"],
    "admin": ["/admin/accounts", "/audit"],
}


def violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG A/AA violations on the page as it is now."""
    page.evaluate(axe_base.AXE_SCRIPT)
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        TAGS,
    )
    return [*result["violations"], *page.evaluate(OWN_CHECKS)]


# What axe-core does not check (its duplicate-id rule is deprecated; a placeholder counts as a
# name for it): ids used twice, and form fields with no label of their own (a <label> naming
# the field, wrapping it, or aria-labelledby pointing at visible text).
OWN_CHECKS = """() => {
  const out = [];
  const seen = {};
  document.querySelectorAll('[id]').forEach(e => { seen[e.id] = (seen[e.id] || 0) + 1; });
  Object.entries(seen).filter(([, n]) => n > 1).forEach(([id, n]) =>
    out.push({id: 'unique-id', nodes: Array(n).fill({target: ['#' + id]})}));
  const unlabelled = [];
  document.querySelectorAll('input, select, textarea').forEach(e => {
    if (['hidden', 'submit', 'button', 'reset'].includes(e.type)) { return; }
    const byFor = e.id && document.querySelector('label[for="' + CSS.escape(e.id) + '"]');
    const by = e.getAttribute('aria-labelledby');
    if (byFor || e.closest('label') || (by && document.getElementById(by))) { return; }
    unlabelled.push({target: [e.name || e.outerHTML.slice(0, 60)]});
  });
  if (unlabelled.length) { out.push({id: 'own-label', nodes: unlabelled}); }
  return out;
}"""


def _describe(found: list[dict[str, Any]]) -> str:
    return "; ".join(
        f"{v['id']} ×{len(v['nodes'])} ({', '.join(str(n['target']) for n in v['nodes'][:3])})"
        for v in found
    )


def _screen_and_open_case(page: Any, base: str) -> list[str]:
    """A screening's result page and the case opened from it (the demo has no cases)."""
    page.goto(base + "/screenings/new")
    page.fill("#f-person_label", "Axe worker")
    page.fill("#f-age", "27")
    page.select_option("#f-ind_dr_nature_of_job", "present")
    page.click("form[action='/screenings'] button[type=submit]")
    page.wait_for_url(re.compile(r"/screenings/\d+$"))
    result = page.url.removeprefix(base)
    page.click("#open-case")
    page.fill("#f-title", "Axe case")
    page.fill("#f-first_name", "Amina")
    page.fill("#f-second_name", "Haddad")
    page.fill("#f-birthdate", "1998-04-02")
    page.fill("#f-citizenship", "EGY")
    page.check("input[name=exploitation_types][value=forced_labour]")
    page.click("form[action='/cases'] button.primary")
    page.wait_for_url(re.compile(r"/cases/\d+$"))
    return [result, page.url.removeprefix(base)]


def _pages(page: Any, base: str, user: str) -> list[str]:
    """The pages of the user's menu, the first case of the list and the user's extra pages."""
    extra = _screen_and_open_case(page, base) if user == "it.labour" else []
    if user == "it.coordinator":  # a new exercise's control page
        page.goto(base + "/exercises")
        with page.expect_navigation():
            page.click("#new-exercise")
        extra = [page.url.removeprefix(base)]
    page.goto(base + "/")
    paths = page.eval_on_selector_all(".main-nav a", "els => els.map(e => e.getAttribute('href'))")
    if "/cases" in paths:
        page.goto(base + "/cases")
        links = page.eval_on_selector_all(
            "main a[href^='/cases/']", "els => els.map(e => e.getAttribute('href'))"
        )
        paths += [h for h in links if h.count("/") == 2 and not h.endswith("/new")][:1]
    return list(dict.fromkeys([*paths, *extra, *EXTRA.get(user, [])]))


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_axe_finds_no_wcag_violation(browser: Any, live_server: str, lang: str) -> None:
    report: dict[str, str] = {}
    checked = 0
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{live_server}/login?lang={lang}")
    found = violations(page)
    checked += 1
    if found:
        report["/login"] = _describe(found)
    context.close()
    for user in USERS:
        context = browser.new_context(viewport=LAPTOP)
        page = context.new_page()
        page.set_default_timeout(30_000)
        sign_in(page, live_server, user)
        page.goto(f"{live_server}/?lang={lang}")
        for path in _pages(page, live_server, user):
            page.goto(live_server + path)
            page.wait_for_load_state("load")
            assert page.get_attribute("html", "lang") == lang
            found = violations(page)
            checked += 1
            if found:
                report[f"{user} {path}"] = _describe(found)
        context.close()
    assert checked >= 12
    assert not report, f"{len(report)} of {checked} pages in {lang}:\n" + "\n".join(
        f"{k}: {v}" for k, v in report.items()
    )
