"""Issue 17's "Done when", in Chromium on the real server: an exercise director authors a small
scenario in the studio from the regional template (two teams, one persona, two injects, one
critical task), sees the validator find no problem, rehearses it and reads the pacing, sets up
an exercise on it in the wizard with a roster of real accounts (players, a role player, an
observer, a lead evaluator; an unknown name refused); the Italian police interview and screen
the persona and ask Tunisia, who answer with a document; the role player speaks for the
persona (a message and a change of trust with its reason); the observer rates a critical task
P/S/M/U on a phone with a note and evidence; the director ends the exercise (confirmed); the
lead evaluator records the hot wash, edits a finding and its lesson, owns and dates the
improvement actions (approval refused until then) and approves; the director publishes and
hands out the report: the HTML page and the PDF name the same people and give the same
figures. Each person signs in with their own account in their own browser.
``PHAROS_SCREENSHOTS=DIR`` keeps the screenshots of the key steps."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from pharos.web.testing import LAPTOP, PHONE, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TEMPLATE = "mediterranean-regional"
TITLE = "Ragusa greenhouse drill"
EXERCISE = "Ragusa drill with the Tunisian police"
QUESTION = "Who is Mounir Trabelsi, labour broker in Sfax?"
ANSWER = "Mounir Trabelsi runs a licensed broker's office in Sfax; the chat is attached."
SAID = "I will tell you about Salvo if my brother in Kafr el-Sheikh is safe."
REASON = "The interpreter spoke his dialect"
NOTE = "Screened Karim with the interpreter; asked about his passport only when he named Salvo"
EVIDENCE = "The screening form, first day"
FINDING = "Screening missed the confiscated passport until the role player raised it"
FINDING_EDITED = "The screening reached the confiscated passport only at the fourth disclosure"
LESSON = "Ask about identity documents early in the first screening interview"
DUE = "2027-01-31"
ACTION = "Add the passport question to the police screening checklist"
#: the indicators of the four things Karim says at trust 60 (the template's disclosure ladder)
DISCLOSED = (
    "ec_excessive_hours",
    "ec_low_no_salary",
    "ec_wage_manipulation",
    "dr_nature_of_job",
    "dr_wages",
    "cd_debt_bondage",
    "cd_confiscation_documents",
)


def cut_down(template: str) -> str:
    """The director's edit of the template's text: the greenhouse storyline only, played by
    the Italian and Tunisian police, with Karim A., his recruiter's broker and gangmaster, the
    anonymous call that brings Karim to the Italian police and the news with the recruiter's
    chat for Tunisia, and one critical task (screen everyone contacted)."""
    d = yaml.safe_load(template)

    def only(items: list[dict[str, Any]], *ids: str) -> list[dict[str, Any]]:
        return [x for x in items if x["id"] in ids]

    d["id"], d["title"] = "ragusa-drill", TITLE
    d["description"] = "One worker in a greenhouse near Vittoria; one request across the sea."
    objective = only(d["objectives"], "identification_and_referral")[0]
    objective["capabilities"] = only(objective["capabilities"], "screening")
    d["objectives"] = [objective]
    d["teams"] = only(d["teams"], "ita-police", "tun-police")
    d["storylines"] = only(d["storylines"], "greenhouses")
    d["storylines"][0]["states"] = ["EGY", "TUN", "ITA"]
    d["networks"] = only(d["networks"], "delta-agri")
    d["networks"][0] |= {"members": ["mounir", "salvo"], "disrupt_requires": ["ITA", "TUN"]}
    d["places"] = only(d["places"], "ragusa-greenhouse", "sfax-office")
    d["places"][0].pop("evidence_on_search")
    d["evidence"] = only(d["evidence"], "gh-payslip", "gh-whatsapp-chat")
    d["characters"] = only(d["characters"], "karim", "mounir", "salvo")
    karim = d["characters"][0]
    karim.pop("moves")
    karim["truth"]["recruiter"] = "mounir"
    call, news = only(d["injects"], "call-ragusa", "news-facebook-ads")
    call |= {"to": ["ita-police"], "brings": ["karim"]}
    news |= {"to": ["tun-police"], "evidence": ["gh-whatsapp-chat"]}
    d["injects"] = [call, news]
    return yaml.safe_dump(d, sort_keys=False, allow_unicode=True, width=100)


class Story:
    def __init__(self, browser: Any, base: str, shots: Path) -> None:
        self.browser, self.base, self.shots = browser, base, shots

    def open(self, user: str, viewport: dict[str, int] = LAPTOP) -> Any:
        page = self.browser.new_context(viewport=viewport).new_page()
        page.set_default_timeout(20_000)
        sign_in(page, self.base, user)
        return page

    def shot(self, page: Any, name: str) -> None:
        page.screenshot(path=str(self.shots / f"director-{name}.png"), full_page=True)


def _submit(page: Any, selector: str) -> None:
    """Press a button that posts a form and wait for the page it leads to; no refusal."""
    with page.expect_navigation():
        page.click(selector)
    assert page.locator("#flash, #studio-refused").count() == 0, page.inner_text("main")


def _words(text: str) -> str:
    return " ".join(text.split())


def _pdf_text(data: bytes, shots: Path) -> str:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    text = " ".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    for i in range(len(doc)):
        doc[i].render(scale=1.2).to_pil().save(shots / f"director-report-pdf-{i + 1}.png")
    doc.close()
    return _words(text)


def test_a_director_authors_runs_and_reports_a_small_exercise(
    browser: Any, live_server: str, tmp_path: Path
) -> None:
    shots = Path(os.environ.get("PHAROS_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    story = Story(browser, live_server, shots)
    base = live_server

    # 1. The director creates a scenario from the regional template in the studio
    director = story.open("it.coordinator")
    director.goto(base + "/exercises/studio")
    director.select_option("#st-template", TEMPLATE)
    _submit(director, "#st-from-template")
    key = director.url.split("?")[0].rsplit("/", 1)[1]
    # the template's translations name every persona, team and inject: removed first
    for lang in ("ar", "el", "es", "fr", "it"):
        with director.expect_navigation():
            director.click(f".studio-files a:text-is('{TEMPLATE}.{lang}.yaml')")
        director.fill("#st-text", "")
        director.fill("#st-note", f"Without the {lang} translation")
        _submit(director, "#st-save")
    assert director.locator(".studio-files a", has_text=".yaml").all_inner_texts() == [
        f"{TEMPLATE}.yaml"
    ]
    # cut down to two teams, one persona, two injects, one critical task: no problem found
    director.fill("#st-text", cut_down(director.input_value("#st-text")))
    # checked as typed: the preview is redrawn from the cut-down text, with no problem
    director.wait_for_function(
        "() => !document.getElementById('st-preview').innerText.includes('Salma B.')"
    )
    assert director.locator("#st-none").is_visible()
    assert director.locator("#st-problems li").count() == 0
    preview = director.inner_text("#st-preview")
    assert "Anonymous call about workers sleeping in containers" in preview
    # days as the exercise's clock counts them: at_day 0.1 is 2 h 24 min into the first day
    assert "day 1 02:24" in preview and "From day 1 00:00 to day 11 00:00." in preview
    assert "Salma B." not in preview and "Disembarkation at Pozzallo" not in preview
    director.fill("#st-note", "Two police teams, Karim, two injects")
    _submit(director, "#st-save")
    assert director.inner_text("h1") == TITLE
    number = int(director.locator(".studio-side tbody tr td:first-child a").first.inner_text())
    assert number == 7  # the template, five translations removed, the cut-down scenario
    story.shot(director, "1-studio")

    # 2. The rehearsal: when each inject fires, whom the teams reach, the network, the teams
    _submit(director, f"#st-rehearse-{number}")
    assert TITLE in director.inner_text("#rh-title")
    injects = director.locator("#rh-injects tbody tr")
    assert injects.count() == 2 and director.locator("#rh-injects tr.rh-late").count() == 0
    # at_day 0.1 and 0.5 of the first day: 2.4 h and 12 h after the start
    assert "02:24" in injects.nth(0).locator(".rh-when").inner_text()
    assert "12:00" in injects.nth(1).locator(".rh-when").inner_text()
    people = director.locator("#rh-people tbody tr")
    assert people.count() == 1 and "Karim A." in people.inner_text()
    assert people.get_attribute("class") != "rh-late"  # Karim is reached, by the police
    assert "by Italian police (Catania)" in people.inner_text()
    network = director.locator("#rh-networks tbody tr")
    assert network.count() == 1 and "falls at day" in network.inner_text()
    teams = director.locator("#rh-teams tbody tr")
    assert teams.count() == 2
    story.shot(director, "2-rehearsal")

    # 3. The setup wizard: the exercise on that version, its teams, the roster from accounts
    director.goto(base + "/exercises/new")
    director.fill("#f-name", EXERCISE)
    director.select_option("#f-scenario", f"studio:{key}@{number}")
    director.fill("#f-held_from", date.today().isoformat())
    director.fill("#f-held_to", date.today().isoformat())
    _submit(director, "#setup-next")
    played = director.locator("#setup-teams input[name=played]")
    assert played.count() == 2 and all(c.is_checked() for c in played.all())
    _submit(director, "#setup-next")
    suggested = director.locator("#setup-suggested").inner_text()
    assert "it.police" in suggested and "tn.police" in suggested  # as players of their team
    assert "it.labour" not in suggested  # no labour inspectorate in this scenario
    director.locator("#setup-others > summary").click()
    director.select_option("select[name='role.it.mediator']", "role_player:karim")
    director.select_option("select[name='role.it.prosecutor']", "observer")
    story.shot(director, "3-setup-roster")
    director.fill("#f-extra_username", "it.nobody")
    with director.expect_navigation():
        director.click("#setup-create")
    assert "it.nobody" in director.inner_text("#setup-problems")  # no such account: refused
    assert director.input_value("select[name='role.it.mediator']") == "role_player:karim"
    director.fill("#f-extra_username", "")
    _submit(director, "#setup-create")
    control = director.url
    assert control.endswith("/control")
    ex = control.removesuffix("/control")
    director.fill("#as-u", "unodc")  # UNODC's evaluator leads the evaluation
    director.select_option("#as-r", "lead_evaluator")
    _submit(director, "form:has(#as-u) button[type=submit]")
    roster = {
        r.get_attribute("id").removeprefix("roster-"): _words(r.inner_text())
        for r in director.locator("#roster tbody tr").all()
    }
    assert "Director" in roster["it.coordinator"]
    assert "Italian police (Catania)" in roster["it.police"]
    assert "Tunisian Ministry of Interior unit" in roster["tn.police"]
    assert "Karim A." in roster["it.mediator"] and "Observer" in roster["it.prosecutor"]
    assert "Lead evaluator" in roster["unodc"]
    assert not any(u.startswith(("es.", "gr.", "mt.")) for u in roster)  # not played
    _submit(director, "#cmd-start")
    director.fill("#c-adv", "3")  # past the anonymous call (day 0.1)
    _submit(director, "#cmd-advance")
    story.shot(director, "4-control-started")

    # 4. The Italian police: the call, an interview in Arabic, a screening, a request to Tunisia
    police = story.open("it.police")
    police.goto(ex + "/play")
    assert "Anonymous call" in police.inner_text("[data-live=inbox]")
    police.select_option("#iv-persona", "karim")
    police.select_option("#iv-approach", "trauma_informed")
    police.select_option("#iv-interpreter", "ar")
    police.select_option("#iv-setting", "office")
    _submit(police, "#interview-form button[type=submit]")
    assert "I work in the greenhouse every day" in police.inner_text("#person-karim")
    police.select_option("#sc-persona", "karim")
    for details in police.locator("#screen-form details").all():
        details.evaluate("d => d.open = true")
    for indicator in DISCLOSED:  # what Karim said, as the police heard it
        police.check(f"#screen-form input[value='{indicator}']")
    _submit(police, "#screen-form button[type=submit]")
    screened = police.inner_text("#person-karim")
    assert "Screening: Presumed trafficking for labour exploitation (possible victim)" in screened
    police.select_option("#rq-route", "TUN:police_information_exchange")
    police.select_option("#rq-network", "delta-agri")
    police.fill("#rq-question", QUESTION)
    _submit(police, "#request-form button[type=submit]")
    story.shot(police, "5-italian-police")

    # 5. The role player speaks for Karim: a message to the police and a change of trust
    role = story.open("it.mediator")
    role.goto(ex + "/role/karim")
    before = int(role.inner_text("#trust"))
    role.select_option("#sp-team", "ita-police")
    role.fill("#sp-text", SAID)
    role.select_option("#sp-trust", "10")
    role.fill("#sp-reason", REASON)
    _submit(role, "#speak-form button[type=submit]")
    assert int(role.inner_text("#trust")) == before + 10
    assert REASON in role.inner_text("main")
    story.shot(role, "6-role-player")
    police.reload()
    assert SAID in police.inner_text("[data-live=inbox]")

    # 6. Tunisia answers with the recruiter's chat it received with the news
    director.goto(control)
    director.fill("#c-adv", "10")  # past the news (day 0.5)
    _submit(director, "#cmd-advance")
    tunisia = story.open("tn.police")
    tunisia.goto(ex + "/play")
    answer = tunisia.locator("form[id^=answer-]")
    assert QUESTION in answer.inner_text()
    answer.locator("textarea").fill(ANSWER)
    answer.locator("input[value='gh-whatsapp-chat']").check()
    _submit(tunisia, "form[id^=answer-] button[type=submit]")
    story.shot(tunisia, "7-tunisian-police")
    police.reload()
    assert "Mounir Trabelsi runs" in police.inner_text("[data-live=inbox]")

    # 7. The observer rates the critical task on a phone: S, with a note and evidence
    observer = story.open("it.prosecutor", PHONE)
    observer.goto(ex + "/observe")
    assert observer.locator("#ob-task option").count() == 1  # the one critical task
    observer.select_option("#ob-team", "ita-police")
    observer.select_option("#ob-task", "identification_and_referral|screen-everyone")
    observer.check("input[name=rating][value=S]")
    observer.fill("#ob-note", NOTE)
    observer.fill("#ob-evidence", EVIDENCE)
    _submit(observer, "#observe-form button[type=submit]")
    rated = observer.locator("ul.rated li").first
    assert NOTE in rated.inner_text() and rated.locator("strong").inner_text() == "S"
    assert observer.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    story.shot(observer, "8-observer-phone")

    # 8. The director ends the exercise: not without the confirmation
    director.goto(control)
    director.click("#cmd-end")  # the browser asks for the tick; nothing is sent
    assert director.url == control and director.locator("#end-form").count() == 1
    assert director.evaluate("document.getElementById('end-confirm').validity.valueMissing")
    director.check("#end-confirm")
    _submit(director, "#cmd-end")
    assert director.locator("#end-form").count() == 0
    assert director.locator("#cmd-start, #cmd-pause, #cmd-resume").count() == 0

    # 9. The hot wash and the lead evaluator's review: findings edited, actions owned, approved
    lead = story.open("unodc")
    lead.goto(ex)  # the lead evaluator's home is the review
    assert lead.url == ex + "/review"
    lead.select_option("#hw-kind", "improvement")
    lead.select_option("#hw-cap", "identification_and_referral|screening")
    lead.select_option("#hw-by", "ita-police")
    lead.fill("#hw-text", FINDING)
    _submit(lead, "#hotwash-form button[type=submit]")
    assert FINDING in lead.inner_text("#hotwash")
    _submit(lead, "#start-review")
    # the area the hot wash raised: worded as a lesson for the library, not a scenario fact
    said = lead.locator("#findings > li").filter(has_text=FINDING)
    fid = said.get_attribute("id").removeprefix("finding-")
    lead.fill(f"#{fid}-text", FINDING_EDITED)
    lead.fill(f"#{fid}-lesson", LESSON)
    _submit(lead, f"#finding-{fid} button[value=edit_finding]")
    assert lead.input_value(f"#{fid}-text") == FINDING_EDITED
    # the report drafted no action for it (no "Address: <finding>"): the page says so
    assert lead.locator(f"#{fid}-unaddressed").count() == 1
    # its action, owned by the Italian police, due in a month
    lead.locator("#add-action > summary").click()
    lead.fill("#na-action", ACTION)
    lead.select_option("#na-owner", "ITA|law_enforcement")
    lead.fill("#na-due", DUE)
    lead.select_option("#na-cap", "identification_and_referral|screening")
    lead.select_option("#na-finding", fid)
    _submit(lead, "#add-action-button")
    assert lead.locator(f"#{fid}-unaddressed").count() == 0
    # approval is refused while a derived action has no owner of the scenario
    with lead.expect_navigation():
        lead.click("#approve-review")
    assert lead.locator("#flash").count() == 1
    # the actions the report derived without an owner (each a lesson, none restating the hot
    # wash) are given to the Italian police
    lead.goto(ex + "/review")
    ids = [
        i.removeprefix("action-")
        for i in lead.locator("#actions > li").evaluate_all("items => items.map(i => i.id)")
    ]
    for aid in ids:
        if lead.input_value(f"#{aid}-owner"):
            continue
        assert FINDING not in lead.input_value(f"#{aid}-action")
        lead.select_option(f"#{aid}-owner", "ITA|law_enforcement")
        _submit(lead, f"#action-{aid} button[value=edit_action]")
    _submit(lead, "#approve-review")
    assert "approved by unodc" in lead.inner_text("#review-status")
    history = lead.inner_text("#review-history")
    assert FINDING_EDITED in history and "unodc" in history
    story.shot(lead, "9-review-approved")
    # the director publishes the approved lessons
    director.goto(ex + "/review")
    _submit(director, "#publish-lessons")
    assert director.locator("#publish-lessons").count() == 0
    assert "published" in director.inner_text("#review h2")

    # 10. The report, as a page and as a PDF: the same people, findings and figures
    director.goto(ex + "/report")
    story.shot(director, "10-report")
    html = _words(director.inner_text("body"))
    got = director.request.get(ex + "/report.pdf")
    assert got.ok and got.headers["content-type"] == "application/pdf"
    pdf = _pdf_text(got.body(), shots)
    cover = director.inner_text("header.cover")
    assert EXERCISE in cover and TITLE in cover  # the wizard's name, the scenario's title
    assert FINDING_EDITED in html and "Address:" not in html  # the review, no restated finding
    for text in (
        EXERCISE,
        TITLE,
        "Karim A.",
        "Italian police (Catania)",
        "Tunisian Ministry of Interior unit",
        "The Delta agricultural labour network",
        FINDING_EDITED,
        ACTION,
        DUE,
        NOTE,
    ):
        assert text in html, text
        assert text in pdf, text
    # the people who took part, by their names (not their user names), in both
    for row in director.locator("section#participants tbody tr").all():
        name = _words(row.locator("td").first.inner_text())
        assert name in pdf, name
    # the figures: each team's row of counts and the measured days, the same in both
    for row in director.locator("section#teams tbody tr").all():
        cells = [_words(c) for c in row.locator("td").all_inner_texts()]
        assert re.search(r"\s".join(map(re.escape, cells[1:])), pdf), cells
    teams_html = {
        _words(r.locator("td").first.inner_text()): [
            _words(c) for c in r.locator("td").all_inner_texts()
        ]
        for r in director.locator("section#teams tbody tr").all()
    }
    assert teams_html["Italian police (Catania)"][6] == "1 / 1"  # one request, answered
    assert teams_html["Tunisian Ministry of Interior unit"][7] == "1 / 1 / 0"
    for row in director.locator("section#scores tbody tr").all():
        cells = [_words(c) for c in row.locator("td").all_inner_texts()]
        assert all(c in pdf for c in cells), cells
    # names, never codes: the objectives the small scenario leaves out are named too
    for code in ("networks_across_borders", "victim_centred_protection", "ita-police"):
        assert code not in html and code not in pdf, code
    # the ten-column networks table breaks no word in the PDF
    assert "Prosecution readiness" in pdf and "Financial investigation" in pdf
