"""The demo's agencies and accounts are named in the reader's language (issue 20, item 5).

The demo loader stores the names it builds in English ("Labour inspector — Ragusa (demo)"); every
French and Arabic page showed them so (176 on the Arabic /directory). Pages now show the build
in the page's language, and in running text inside ``<bdi>`` (a Latin fragment keeps its order
in an Arabic sentence). The words are the catalogs' (the practitioner kinds) and the usual
city names of coordinate/data/demo.yaml (Ragusa: «راغوزا», as the bundled exercise's Arabic
translation writes it).
"""

from __future__ import annotations

import re

from fastapi import FastAPI

from pharos.coordinate.agency_names import agency_name, demo_agency_name
from pharos.i18n import use_locale
from pharos.web.testing import PharosClient, signed_in_client

AR = {"Accept-Language": "ar"}
FR = {"Accept-Language": "fr"}


def _agency(client: PharosClient, state: str, kind: str) -> int:
    rows = client.get("/api/v1/directory", params={"state": state, "kind": kind}).json()
    return int(rows[0]["id"])


def _arabic(kind: str) -> str:
    with use_locale("ar"):
        return demo_agency_name(kind, "Ragusa")


def test_the_built_name_is_the_catalogs_words() -> None:
    with use_locale("ar"):
        assert demo_agency_name("labour_inspector", "Ragusa") == "مفتش العمل — راغوزا (عرض تجريبي)"
    with use_locale("fr"):
        name = demo_agency_name("ngo", "Cairo")
        assert name == "Organisation non gouvernementale — Le Caire (démo)"
    # a name given by hand is shown as stored, in every language
    with use_locale("ar"):
        assert agency_name("Questura di Ragusa", "law_enforcement", "Ragusa") == (
            "Questura di Ragusa"
        )


def test_arabic_pages_name_the_agencies_in_arabic(app: FastAPI) -> None:
    inspector = signed_in_client(app, "it.labour")
    ngo = _agency(inspector, "ITA", "ngo")
    english = "Non-governmental organisation — Ragusa (demo)"
    # the directory
    page = inspector.get("/directory", params={"state": "ITA"}, headers=AR).text
    assert f"<bdi>{_arabic('ngo')}</bdi>" in page and english not in page
    assert "(demo)" not in page
    # and the languages each works in as an Arabic list («أ وب»), not joined with a Latin comma
    assert "الإيطالية والإنجليزية" in page and "الإيطالية, الإنجليزية" not in page
    french = inspector.get("/directory", params={"state": "ITA"}, headers=FR).text
    assert "Organisation non gouvernementale — Raguse (démo)" in french
    # a case, referred to the NGO
    r = inspector.post("/cases", data={"title": "Worker B", "first_name": "Blessing"})
    assert r.status_code == 303, r.text[:300]
    case_id = int(re.search(r"/cases/(\d+)", r.headers["location"]).group(1))  # type: ignore[union-attr]
    r = inspector.post(
        f"/cases/{case_id}/consent",
        data={"informed": "1", "consent_for_services": "1", "disclosure_other_orgs": "1"},
    )
    r = inspector.post(
        f"/cases/{case_id}/referrals",
        data={"to_agency_id": str(ngo), "stage": "2", "reason": "additional_services_required"},
    )
    assert r.status_code == 303, r.text[:300]
    case_page = inspector.get(f"/cases/{case_id}", headers=AR).text
    assert f"<bdi>{_arabic('labour_inspector')}</bdi>" in case_page  # the owner
    assert "Labour inspector — Ragusa (demo)" not in case_page
    assert _arabic("ngo") in case_page and english not in case_page  # the referral's receiver
    # a colleague to give the case or a task to, by the account's name in Arabic
    assert "إيطاليا: مفتش العمل (2)" in case_page and "Italy: Labour inspector (2)" not in case_page
    referrals = inspector.get("/referrals", headers=AR).text
    assert _arabic("ngo") in referrals and english not in referrals
    # the receiving agency's dashboard and account page: its name and the account's
    shelter = signed_in_client(app, "it.ngo")
    dashboard = shelter.get("/", headers=AR).text
    assert _arabic("ngo") in dashboard and _arabic("labour_inspector") in dashboard
    assert "<bdi>إيطاليا: منظمة غير حكومية</bdi>" in dashboard
    assert "Italy: Non-governmental organisation" not in dashboard


def test_the_directory_finds_an_agency_by_the_name_the_reader_reads(app: FastAPI) -> None:
    """A search looks in the names as shown in the reader's language as well as as stored: a
    French reader typing « Raguse » or « inspecteur du travail » finds the Ragusa inspectorate
    (before, only the stored English words matched)."""
    reader = signed_in_client(app, "it.labour")

    def found(q: str, headers: dict[str, str]) -> set[str]:
        rows = reader.get("/api/v1/directory", params={"q": q}, headers=headers).json()
        return {str(r["name"]) for r in rows}

    ragusa = found("Ragusa", {})
    labour = "Labour inspector — Ragusa (demo)"
    assert labour in ragusa and len(ragusa) >= 3  # the stored English words, as before
    assert found("Raguse", FR) == ragusa  # the city as French readers write it
    assert found("  INSPECTEUR   du travail ", FR) >= {labour}
    assert labour not in found("inspecteur du travail", {})  # French words, English reader
    assert found("راغوزا", AR) == ragusa
    assert found("Ragusa", FR) == ragusa  # the stored name is still searched
    assert found("no such agency anywhere", FR) == set()
    # accents and Arabic vowel marks are not needed to find a name
    athens = found("Athènes", FR)
    assert athens and found("athenes", FR) == athens == found("ATHÈNES", FR)
    assert found("رَاغُوزَا", AR) == ragusa  # with its vowel marks written
    # the page, in French, lists them under the French name
    page = reader.get("/directory", params={"q": "Raguse"}, headers=FR).text
    assert "Inspecteur du travail — Raguse (démo)" in page
