"""The whole story of issue 18's "Done when", in Chromium, in English and Arabic (right to left),
as practitioners walk it on the real server: a labour inspector screens a worker and opens a case
(the screening's facts carried over), corrects the victim's phone (kept in the case's history),
attaches the scanned contract and refers the worker to the NGO with arrangements; the NGO is
told, reads the arrangements and accepts; the inspector gives a task to a colleague of the
inspectorate, who sees it under "My tasks" and is told; the police, also referred to, ask
Egypt's police, who see a pseudonym, never the victim's name, and answer with a file; the
inspector is told of the answer, opens the file, and exports the case file to PDF (read back).
``PHAROS_SCREENSHOTS=DIR`` keeps the screenshots of the key steps."""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from pharos.web.testing import LAPTOP, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: the colleague as the task form lists them, the account's name in the page's language
COLLEAGUE = {
    "en": "Italy: Labour inspector (2) (it.labour2)",
    "ar": "إيطاليا: مفتش العمل (2) (it.labour2)",
}
CONTRACT = b"%PDF-1.4\n% scanned employment contract\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
RECORD = b"%PDF-1.4\n% Egyptian police record\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Story:
    def __init__(self, browser: Any, base: str, lang: str, shots: Path) -> None:
        self.browser, self.base, self.lang, self.shots = browser, base, lang, shots

    def open(self, user: str) -> Any:
        context = self.browser.new_context(viewport=LAPTOP, accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(20_000)
        sign_in(page, self.base, user)
        page.goto(f"{self.base}/?lang={self.lang}")
        assert page.get_attribute("html", "dir") == ("rtl" if self.lang == "ar" else "ltr")
        return page

    def shot(self, page: Any, name: str, selector: str | None = None) -> None:
        target = page.locator(selector) if selector else page
        kw = {} if selector else {"full_page": True}
        target.screenshot(path=str(self.shots / f"story-{name}-{self.lang}.png"), **kw)

    def api(self, page: Any, path: str) -> Any:
        r = page.request.get(self.base + path)
        assert r.ok, r.text()
        return r.json()


def _unread(page: Any) -> int:
    badge = page.locator("#notifications-link .badge")
    return int(badge.inner_text()) if badge.count() else 0


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_case_work_story(browser: Any, live_server: str, lang: str, tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    shots = Path(os.environ.get("PHAROS_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    story = Story(browser, live_server, lang, shots)
    base = live_server
    label = f"Worker {lang.upper()}, greenhouse 7"
    note = f"Passport kept by the farm owner ({lang})"
    arrangements = f"Needs shelter tonight; speaks Arabic only ({lang})"
    task = f"Book an Arabic interpreter ({lang})"
    answer = f"The recruiter is known in Alexandria ({lang})"

    # 1. The inspector screens the worker and opens a case: the facts are carried over
    inspector = story.open("it.labour")
    inspector.goto(base + "/screenings/new")
    inspector.fill("#f-person_label", label)
    inspector.fill("#f-age", "24")
    inspector.fill("#f-nationality", "EGY")
    inspector.check("input[name=acts] >> nth=0")
    inspector.select_option("#f-ind_dr_nature_of_job", "present")
    inspector.select_option("#f-ind_cr_confiscation_documents", "present")
    inspector.fill("#f-note", note)
    inspector.click("form[action='/screenings'] button[type=submit]")
    inspector.wait_for_url(re.compile(r"/screenings/\d+$"))
    inspector.click("#open-case")
    inspector.wait_for_load_state("networkidle")
    assert inspector.input_value("#f-title") == label
    assert inspector.input_value("#f-citizenship") == "EGY"
    assert inspector.is_checked("input[name=methods_of_control][value=withholds_documents]")
    assert inspector.locator(".screening-age").inner_text().startswith("24")
    assert note in inspector.locator(".screening-note").inner_text()
    story.shot(inspector, "1-case-from-screening")
    inspector.fill("#f-first_name", "Amina")
    inspector.fill("#f-second_name", "Haddad")
    inspector.fill("#f-birthdate", "2001-04-02")
    inspector.check("input[name=exploitation_types][value=forced_labour]")
    inspector.click("form[action='/cases'] button.primary")
    inspector.wait_for_url(re.compile(r"/cases/\d+$"))
    case_url = inspector.url
    case_id = case_url.rsplit("/", 1)[1]
    case = story.api(inspector, f"/api/v1/cases/{case_id}")
    reference = case["reference"]
    assert note in inspector.locator(".screening-note").inner_text()

    # 2. Edit with history: the victim's phone, corrected, kept with who and before/after
    person = case["persons"][0]
    form = f"form[action='/cases/{case_id}/persons/{person['id']}']"
    inspector.locator(f"#persons details.edit:has({form}) > summary").click()
    inspector.fill(f"{form} [name=phone]", "+39 333 000 1111")
    inspector.click(f"{form} button[type=submit]")
    inspector.wait_for_load_state("networkidle")
    history = inspector.locator("#history").inner_text()
    assert "+39 333 000 1111" in history and "it.labour" in history

    # 3. The scanned contract, attached and listed
    inspector.goto(case_url)
    inspector.set_input_files(
        "#f-case-file",
        files=[{"name": "contract scan.pdf", "mimeType": "application/pdf", "buffer": CONTRACT}],
    )
    inspector.click("#attachments button[type=submit]")
    inspector.wait_for_url(f"{case_url}#attachments")
    assert inspector.locator("#attachments ul.files a").inner_text() == "contract scan.pdf"
    story.shot(inspector, "2-contract-and-history", "#attachments")

    # 4. Consent, then referrals: the NGO with the arrangements, the police
    inspector.click("#consent details summary")
    inspector.check("#consent input[name=informed]")
    inspector.check("#consent input[name=consent_for_services]")
    inspector.check("#consent input[name=disclosure_other_orgs]")
    inspector.click("#consent form button[type=submit]")
    inspector.wait_for_load_state("networkidle")
    directory = {
        kind: str(story.api(inspector, f"/api/v1/directory?state=ITA&kind={kind}")[0]["id"])
        for kind in ("ngo", "law_enforcement")
    }
    for kind, stage, details in (
        ("ngo", "nrm:2", arrangements),
        ("law_enforcement", "nrm:4", ""),
    ):
        inspector.goto(case_url)
        inspector.click("#refer-form summary")
        inspector.select_option("#f-to_agency_id", directory[kind])
        inspector.select_option("#referrals #f-stage", stage)
        if details:
            inspector.fill("#refer-form #f-details", details)
        inspector.click("#refer-form button.primary")
        inspector.wait_for_url(re.compile(rf"/cases/{case_id}"))
    assert arrangements in inspector.locator("#referrals").inner_text()
    story.shot(inspector, "3-referrals", "#referrals")
    referrals = {
        str(r["to_agency_id"]): r["id"]
        for r in story.api(inspector, f"/api/v1/cases/{case_id}")["referrals"]
    }

    # 5. The NGO is told, reads the arrangements, accepts
    ngo = story.open("it.ngo")
    assert _unread(ngo) >= 1
    ngo.click("#notifications-link")
    told = ngo.locator(".notification.unread").filter(has_text=reference)
    assert told.count() == 1
    told.locator("a").click()
    card = ngo.locator(f"#referral-{referrals[directory['ngo']]}")
    assert arrangements in card.locator(".referral-details").inner_text()
    # what a user typed takes its own direction (an English line in an Arabic page keeps its
    # full stop at its end)
    assert card.locator(".referral-details").get_attribute("dir") == "auto"
    story.shot(ngo, "4-ngo-reads-the-arrangements", f"#referral-{referrals[directory['ngo']]}")
    card.locator("form.accept button").click()
    ngo.wait_for_url(re.compile(rf"/cases/{case_id}$"))
    assert "Amina" in ngo.locator("#persons").inner_text()
    ngo.context.close()

    # 6. A task for a colleague of the inspectorate, on the dashboard, and told
    inspector.goto(case_url)
    inspector.locator("#tasks details:not(.edit) > summary").click()
    inspector.fill("#f-task-title", task)
    inspector.select_option("#f-task-assignee_id", label=COLLEAGUE[story.lang])
    inspector.fill("#f-task-due_on", (date.today() + timedelta(days=2)).isoformat())
    inspector.locator("form[action$='/tasks'] button[type=submit]").click()
    inspector.wait_for_load_state("networkidle")
    colleague = story.open("it.labour2")
    mine = colleague.locator("#my-tasks")
    assert task in mine.inner_text()
    assert _unread(colleague) >= 1
    story.shot(colleague, "5-colleague-dashboard")
    colleague.click("#notifications-link")
    assert colleague.locator(".notification.unread").filter(has_text=reference).count() >= 1
    colleague.context.close()

    # 7. The police accept and ask Egypt; Egypt sees a pseudonym, answers with a file
    police = story.open("it.police")
    police.goto(base + "/referrals")
    police.locator(
        f"#referral-{referrals[directory['law_enforcement']]} form.accept button"
    ).click()
    police.wait_for_url(re.compile(rf"/cases/{case_id}$"))
    police.select_option("#f-receiver", "EGY")
    police.click("form[action$='/requests/new'] button[type=submit]")
    police.check("input[name=type][value=police_information_exchange]")
    police.fill("#f-subject", "Recruiter behind a Facebook job ad")
    police.fill("#f-body", "Please identify the holder of the phone number in the ad.")
    police.click("form[action$='/requests'] button.primary")
    police.wait_for_url(re.compile(r"/requests/\d+$"))
    request_path = police.url[len(base) :]
    police.context.close()

    egypt = story.open("eg.police")
    egypt.goto(base + "/requests")
    egypt.click(f"a[href='{request_path}']")
    seen = egypt.content()
    assert "Amina" not in seen and "Haddad" not in seen and "P-" in seen
    body = egypt.locator("p", has_text="Please identify the holder")
    assert body.get_attribute("dir") == "auto"
    story.shot(egypt, "6-egypt-sees-a-pseudonym")
    egypt.fill("#f-text", answer)
    egypt.click("#replies form[action$='/replies'] button.primary")
    egypt.wait_for_load_state("networkidle")
    egypt.locator("#replies details > summary").first.click()
    egypt.set_input_files(
        "#replies input[type=file]",
        files=[{"name": "police record.pdf", "mimeType": "application/pdf", "buffer": RECORD}],
    )
    egypt.click("#replies form.upload button[type=submit]")
    egypt.wait_for_load_state("networkidle")
    assert "police record.pdf" in egypt.locator("#replies").inner_text()
    egypt.context.close()

    # 8. The inspector is told of the answer and opens Egypt's file
    inspector.goto(base + "/notifications")
    item = inspector.locator(".notification.unread").filter(has_text=reference).first
    assert item.count() == 1
    story.shot(inspector, "7-inspector-told")
    item.locator("a").click()
    inspector.wait_for_url(re.compile(r"/requests/\d+"))
    assert answer in inspector.locator("#replies").inner_text()
    assert inspector.locator("#replies p", has_text=answer).get_attribute("dir") == "auto"
    with inspector.expect_download() as got:
        inspector.locator("#replies ul.files a").first.click()
    assert Path(got.value.path()).read_bytes() == RECORD

    # 9. The case file, exported to PDF and read back
    inspector.goto(case_url)
    with inspector.expect_download() as got:
        inspector.click("#case-file-pdf")
    pdf = Path(got.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF-")
    doc = pdfium.PdfDocument(pdf)
    text = " ".join(
        " ".join(doc[i].get_textpage().get_text_range() for i in range(len(doc))).split()
    )
    doc[0].render(scale=1.2).to_pil().save(shots / f"story-8-case-file-{lang}.png")
    doc.close()
    assert "Amina" in text and reference in text and "contract scan.pdf" in text
    story.shot(inspector, "9-case-page")
    width = inspector.evaluate("document.documentElement.scrollWidth")
    assert width <= LAPTOP["width"], width
    inspector.context.close()
