"""Live updates never touch a form being written (issue 17, item 6; docs/exercise.md, "Pages
update live"): a player types into a form, leaves it idle well past the old 30-second window
while the exercise sends updates to the team, and the text is still there; the region says its
update waits and takes it once the form is cleared. Every update is announced in the persistent
status region #ex-updates (issue 20, item 7), which no refresh replaces."""

from __future__ import annotations

from typing import Any

import pytest

from pharos.web.testing import LAPTOP, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _user(browser: Any, live_server: str, username: str) -> Any:
    page = browser.new_context(viewport=LAPTOP).new_page()
    page.set_default_timeout(20_000)
    sign_in(page, live_server, username)
    return page


def _inject(control: Any, title: str) -> None:
    """A free inject to the Italian labour inspectorate: an update for that team."""
    control.reload()
    control.check("form:has(#fi-t) input[name=to][value=ita-labour]")
    control.fill("#fi-t", title)
    with control.expect_navigation():
        control.click("form:has(#fi-t) button[type=submit]")
    assert control.locator("#flash").count() == 0


def test_a_half_written_form_survives_live_updates(browser: Any, live_server: str) -> None:
    control = _user(browser, live_server, "it.coordinator")
    control.goto(live_server + "/exercises")
    with control.expect_navigation():
        control.click("#new-exercise")
    ex_url = control.url.removesuffix("/control")
    with control.expect_navigation():
        control.click("#cmd-start")

    labour = _user(browser, live_server, "it.labour")
    labour.clock.install()
    labour.goto(ex_url + "/play")
    labour.wait_for_function("() => document.getElementById('ex-live').classList.contains('on')")
    updates = labour.locator("#ex-updates")
    assert updates.get_attribute("aria-live") == "polite"
    assert updates.evaluate("e => e.closest('[data-live]') === null")  # never replaced

    # an update with no form being written is applied and announced
    _inject(control, "First word from control")
    labour.wait_for_function(
        "() => document.querySelector('[data-live=inbox]').innerText.includes('First word')"
    )
    labour.wait_for_function(
        "() => document.getElementById('ex-updates').innerText.includes('Inbox')"
    )

    # a media statement half written, then the focus leaves it and nobody touches it for long
    text = "Two workers at the back gate said they sleep in the greenhouse"
    labour.fill("#md-text", text)
    labour.locator("h1").click()
    outside = "!document.querySelector('[data-live=forms]').contains(document.activeElement)"
    assert labour.evaluate(outside)
    labour.clock.fast_forward("00:45")  # well past the old 30 s idle window
    # twelve hours of exercise time: the Facebook job ad reaches the team, which changes the
    # forms (the documents one can share) as well as the inbox
    control.reload()
    control.fill("#c-adv", "14")
    with control.expect_navigation():
        control.click("#cmd-advance")
    labour.wait_for_function(
        "() => document.querySelector('[data-live=files]').innerText.includes('Facebook job ad')"
    )
    labour.clock.fast_forward("00:45")
    _inject(control, "Second word from control")
    labour.wait_for_function(
        "() => document.querySelector('[data-live=inbox]').innerText.includes('Second word')"
    )
    assert labour.input_value("#md-text") == text
    forms = labour.locator("[data-live=forms]")
    assert forms.locator(".ex-waiting").count() == 1  # says its update waits
    assert forms.locator("input[name=evidence][value=gh-job-ad]").count() == 0
    assert "Updates waiting" in forms.locator(".ex-waiting").inner_text()

    # the form cleared: the waiting update is applied
    labour.fill("#md-text", "")
    labour.locator("h1").click()
    labour.wait_for_function(
        "() => document.querySelector('[data-live=forms] input[value=gh-job-ad]') !== null"
    )
    assert forms.locator(".ex-waiting").count() == 0

    # focus alone holds the region too, and a changed select counts as writing
    labour.select_option("#st-place", index=1)
    labour.locator("h1").click()
    _inject(control, "Third word from control")  # the forms do not change: nothing waits
    labour.wait_for_function(
        "() => document.querySelector('[data-live=inbox]').innerText.includes('Third word')"
    )
    assert forms.locator(".ex-waiting").count() == 0
    assert labour.evaluate("document.getElementById('st-place').selectedIndex") == 1
