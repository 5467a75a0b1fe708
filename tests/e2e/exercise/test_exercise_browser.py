"""The bundled scenario played in Chromium by a controller, four teams in two states (the
Italian NGO accepts a shelter referral), a role player and an observer; screenshots of each
view are written for people to look at.

Set ``PHAROS_SCREENSHOTS=/some/folder`` to keep the screenshots (default: the test's tmp dir).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from pharos.web.testing import LAPTOP, PHONE, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _user(browser: Any, live_server: str, username: str, viewport: dict[str, int] = LAPTOP) -> Any:
    ctx = browser.new_context(viewport=viewport)
    page = ctx.new_page()
    page.set_default_timeout(20_000)
    sign_in(page, live_server, username)
    return page


def _post(page: Any, form: str, button: str | None = None) -> None:
    with page.expect_navigation():
        if button:
            page.click(f"{form} button[value='{button}']")
        else:
            page.click(f"{form} button[type=submit]")
    assert page.locator("#flash").count() == 0, page.locator("#flash").inner_text()


def _skip(control: Any, hours: int) -> None:
    control.reload()
    control.fill("#c-adv", str(hours))
    with control.expect_navigation():
        control.click("#cmd-advance")


def test_play_the_mediterranean_regional_exercise(browser: Any, live_server: str, tmp_path: Path):
    shots = Path(os.environ.get("PHAROS_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)

    # The controller creates the exercise, assigns a role player and an observer, and starts it.
    control = _user(browser, live_server, "it.coordinator")
    control.goto(live_server + "/exercises")
    with control.expect_navigation():
        control.click("#new-exercise")
    ex_url = control.url.removesuffix("/control")
    for username, role, persona in (
        ("it.mediator", "role_player", "karim"),
        ("it.prosecutor", "observer", ""),
    ):
        control.fill("#as-u", username)
        control.select_option("#as-r", role)
        control.select_option("#as-p", persona)
        with control.expect_navigation():
            control.click("form:has(#as-u) button[type=submit]")
    with control.expect_navigation():
        control.click("#cmd-start")
    control.fill("#c-adv", "14")  # past the first injects (day 0.1, 0.3, 0.5)
    with control.expect_navigation():
        control.click("#cmd-advance")

    # Team 1 (Italy, labour inspectorate): the tip-off, the inspection, a trauma-informed interview.
    labour = _user(browser, live_server, "it.labour")
    labour.goto(ex_url + "/play")
    assert "Anonymous call" in labour.inner_text("[data-live=inbox]")
    labour.select_option("#st-place", "ragusa-greenhouse")
    _post(labour, "#site-form", "inspect_site")
    labour.select_option("#iv-persona", "karim")
    labour.select_option("#iv-approach", "trauma_informed")
    labour.select_option("#iv-interpreter", "ar")
    labour.select_option("#iv-setting", "office")
    _post(labour, "#interview-form")
    said = labour.inner_text("#person-karim")
    assert "Facebook" in said and "passport" in said  # he disclosed the recruitment and the debt
    labour.select_option("#sc-persona", "karim")
    for details in labour.locator("#screen-form details").all():
        details.evaluate("d => d.open = true")
    for ind in (
        "dr_nature_of_job",
        "dr_wages",
        "cd_confiscation_documents",
        "cd_debt_bondage",
        "ec_excessive_hours",
        "ec_bad_living",
    ):
        labour.check(f"#screen-form input[value='{ind}']")
    _post(labour, "#screen-form")
    said = labour.inner_text("#person-karim")
    assert "Presumed trafficking for labour exploitation (possible victim)" in said
    labour.select_option("#cs-persona", "karim")
    labour.check("#case-form input[name=consent][value=services]")
    labour.check("#case-form input[name=consent][value=other_orgs]")
    _post(labour, "#case-form", "open_case")
    labour.select_option("#cs-persona", "karim")
    labour.select_option("#cs-to", "competent_authority")
    _post(labour, "#case-form", "refer")
    labour.screenshot(path=str(shots / "player-labour-inspector.png"), full_page=True)
    # The team's case file, kept by the server's case tools in the exercise's sandbox.
    with labour.expect_navigation():
        labour.click("#case-files-link")
    with labour.expect_navigation():
        labour.click("#files-cases a")
    case_page = labour.inner_text("main")
    assert re.search(r"ITA-\d{4}-0001", case_page) and "Karim A." in case_page
    labour.screenshot(path=str(shots / "player-case-file.png"), full_page=True)
    _skip(control, 6)  # six hours of exercise time before the police act

    # Team 2 (Italy, police): identification, referral to a shelter, a request to Tunisia.
    police = _user(browser, live_server, "it.police")
    police.goto(ex_url + "/play")
    police.select_option("#cs-persona", "karim")
    _post(police, "#case-form", "identify")
    police.select_option("#cs-to", "shelter")
    _post(police, "#case-form", "refer")
    police.select_option("#nw-network", "delta-agri")
    _post(police, "#network-form", "open_investigation")
    police.select_option("#rq-route", "TUN:police_information_exchange")
    police.select_option("#rq-network", "delta-agri")
    police.fill("#rq-question", "Who is Mounir Trabelsi, labour broker in Sfax?")
    _post(police, "#request-form")

    # Team 4 (Italy, NGO): the shelter referral waits for its decision; it accepts.
    ngo = _user(browser, live_server, "it.ngo")
    ngo.goto(ex_url + "/play")
    card = ngo.locator("form[id^=referral-]")
    assert "Karim A." in card.inner_text() and "Shelter places in your state" in card.inner_text()
    ngo.screenshot(path=str(shots / "player-ngo-referral.png"), full_page=True)
    card.locator("input[name=decision][value=accept]").check()
    ngo.fill("form[id^=referral-] input[name=note]", "A bed in the Catania shelter")
    with ngo.expect_navigation():
        card.locator("button[type=submit]").click()
    assert ngo.locator("#flash").count() == 0 and ngo.locator("form[id^=referral-]").count() == 0
    police.reload()
    assert "Referral accepted" in police.inner_text("[data-live=inbox]")
    _skip(control, 12)  # Tunisia answers half a day later

    # Team 3 (Tunisia, Ministry of Interior unit) answers with the job ad it holds.
    tunisia = _user(browser, live_server, "tn.police")
    tunisia.goto(ex_url + "/play")
    form = tunisia.locator("form[id^=answer-]")
    form.locator("textarea").fill(
        "Mounir Trabelsi runs a licensed broker's office in Sfax; the ad is attached."
    )
    form.locator("input[value='gh-job-ad']").check()
    with tunisia.expect_navigation():
        form.locator("button[type=submit]").click()
    police.reload()
    assert re.search(r"Mounir Trabelsi runs", police.inner_text("[data-live=files]"))
    police.screenshot(path=str(shots / "player-police.png"), full_page=True)

    # The role player sees what Karim said and may say, and checks in.
    role = _user(browser, live_server, "it.mediator")
    role.goto(ex_url + "/role/karim")
    assert "Already said" in role.inner_text("main")
    role.screenshot(path=str(shots / "role-player.png"), full_page=True)
    with role.expect_navigation():
        role.click("#wellbeing-form button[value=yes]")

    # The observer rates a team on a phone-sized screen.
    observer = _user(browser, live_server, "it.prosecutor", PHONE)
    observer.goto(ex_url + "/observe")
    observer.select_option("#ob-team", "ita-labour")
    # a critical task of the victim-centred protection objective, rated P (HSEEP) with evidence
    task = observer.eval_on_selector(
        "#ob-task",
        "s => [...s.options].find(o => o.value.startsWith('victim_centred_protection|')).value",
    )
    observer.select_option("#ob-task", task)
    observer.check("input[name=rating][value='P']")
    observer.fill("#ob-note", "Arabic interpreter, office setting, same interviewer")
    observer.fill("#ob-evidence", "The interview at the inspectorate's office")
    observer.screenshot(path=str(shots / "observer-phone.png"), full_page=True)
    with observer.expect_navigation():
        observer.click("#observe-form button[type=submit]")
    mine = observer.inner_text("[data-live=mine]")
    assert ": P (" in mine and "Arabic interpreter" in mine, mine

    # The controller sees every team live, ends the exercise and opens the report.
    control.goto(ex_url + "/control")
    control.screenshot(path=str(shots / "controller.png"), full_page=True)
    control.check("#end-confirm")  # ending asks for a confirmation, away from Pause
    with control.expect_navigation():
        control.click("#cmd-end")
    control.goto(ex_url + "/report")
    report = control.inner_text("body")
    assert "days to identification" in report and "days to a cross-border reply" in report
    assert "Karim A." in report and "met" in report
    rows = {
        r.split("\t")[0] + r.split("\t")[1]: r for r in report.splitlines() if r.count("\t") >= 3
    }
    # identified about six hours after first contact; Tunisia answered about half a day later
    assert 0.2 <= float(rows["days to identificationKarim A."].split("\t")[2]) <= 0.4
    assert (
        0.45
        <= float(
            next(v for k, v in rows.items() if k.startswith("days to a cross-border reply")).split(
                "\t"
            )[2]
        )
        <= 0.7
    )
    control.screenshot(path=str(shots / "after-action-report.png"), full_page=True)
