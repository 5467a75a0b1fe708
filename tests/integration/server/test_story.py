"""The issue's story through the pages: an Italian labour inspector screens a worker, opens a
case, refers her to an NGO shelter and to the police; the NGO and the police accept; the police
send a request to Egypt's contact point; the Egyptian user answers under a pseudonymised view;
the inspector sees the answer on the case."""

from __future__ import annotations

import hashlib
import re

from fastapi import FastAPI

from pharos.coordinate.pseudonyms import pseudonym
from pharos.web.testing import PharosClient, signed_in_client

SCREENING = {
    "person_label": "Worker A, greenhouse 3",
    "age": "27",
    "gender": "feminine",
    "nationality": "EGY",
    "exploitation": "forced_labour",
    "ind_dr_nature_of_job": "present",
    "ind_dr_conditions_of_work": "present",
}


def agency_id(client: PharosClient, state: str, kind: str) -> int:
    rows = client.get("/api/v1/directory", params={"state": state, "kind": kind}).json()
    return int(rows[0]["id"])


def _location_id(r: object, prefix: str) -> int:
    loc = r.headers["location"]  # type: ignore[attr-defined]
    m = re.match(prefix + r"(\d+)", loc)
    assert m, loc
    return int(m.group(1))


def test_the_story(app: FastAPI) -> None:
    inspector = signed_in_client(app, "it.labour")
    r = inspector.post("/screenings", data=SCREENING)
    assert r.status_code == 303
    screening_id = _location_id(r, "/screenings/")
    page = inspector.get(f"/screenings/{screening_id}")
    assert "Worker A" in page.text and "Open a case from this screening" in page.text

    r = inspector.post(
        "/cases",
        data={
            "screening_id": str(screening_id),
            "title": "Farm worker, Ragusa",
            "first_name": "Amina",
            "second_name": "Haddad",
            "birthdate": "1998-04-02",
            "citizenship": "EGY",
            "gender": "feminine",
            "exploitation_types": "forced_labour",
            "recruitment_methods": ["online_social_networks", "online_advertisement"],
        },
    )
    assert r.status_code == 303, r.text[:500]
    case_id = _location_id(r, "/cases/")

    ngo = agency_id(inspector, "ITA", "ngo")
    police = agency_id(inspector, "ITA", "law_enforcement")
    # Without consent the referral is refused and nothing is written.
    r = inspector.post(
        f"/cases/{case_id}/referrals",
        data={"to_agency_id": str(ngo), "stage": "2", "reason": "additional_services_required"},
    )
    assert r.status_code == 422 and "not consented" in r.text
    assert inspector.get("/api/v1/referrals").json()["outgoing"] == []

    r = inspector.post(
        f"/cases/{case_id}/consent",
        data={"informed": "1", "consent_for_services": "1", "disclosure_other_orgs": "1"},
    )
    assert r.status_code == 303
    for to, stage in ((ngo, "2"), (police, "4")):
        r = inspector.post(
            f"/cases/{case_id}/referrals",
            data={
                "to_agency_id": str(to),
                "stage": stage,
                "reason": "additional_services_required",
            },
        )
        assert r.status_code == 303, r.text[:300]

    shelter = signed_in_client(app, "it.ngo")
    ref_id = shelter.get("/api/v1/referrals").json()["incoming"][0]["id"]
    assert (
        shelter.post(f"/referrals/{ref_id}/respond", data={"action": "accept"}).status_code == 303
    )
    assert "Amina" in shelter.get(f"/cases/{case_id}").text

    officer = signed_in_client(app, "it.police")
    ref_id = officer.get("/api/v1/referrals").json()["incoming"][0]["id"]
    assert (
        officer.post(f"/referrals/{ref_id}/respond", data={"action": "accept"}).status_code == 303
    )
    compose = officer.get(f"/cases/{case_id}/requests/new", params={"receiver": "EGY"})
    assert "Police information exchange" in compose.text
    assert "European Investigation Order" not in compose.text  # EU to EU only
    r = officer.post(
        f"/cases/{case_id}/requests",
        data={
            "receiver_state": "EGY",
            "type": "police_information_exchange",
            "subject": "Recruiter behind a Facebook job ad",
            "body": "Please check the phone number and the page that advertised farm jobs.",
        },
    )
    assert r.status_code == 303, r.text[:400]
    request_id = _location_id(r, "/requests/")

    # the heading over the requests sent is a plural of its own, not the column's "Sent"
    french = officer.get("/requests", headers={"Accept-Language": "fr"}).text
    assert "<h2>Envoyées</h2>" in french and f"/requests/{request_id}" in french

    egypt = signed_in_client(app, "eg.police")
    listing = egypt.get("/requests")
    assert f"/requests/{request_id}" in listing.text
    detail = egypt.get(f"/requests/{request_id}")
    assert "Amina" not in detail.text and "P-" in detail.text  # pseudonymised across borders
    case_page = egypt.get(f"/cases/{case_id}")
    assert case_page.status_code == 200 and "Amina" not in case_page.text
    # the pseudonym is keyed by the server's secret: stable, not computable from the reference
    owned = officer.get(f"/api/v1/cases/{case_id}").json()
    victim_id = next(x["id"] for x in owned["persons"] if x["role"] == "victim")
    keyed = pseudonym(app.state.settings.secret(), owned["reference"], victim_id)
    unkeyed = hashlib.sha256(f"{owned['reference']}:{victim_id}".encode()).hexdigest()[:8]
    assert keyed in detail.text and keyed in case_page.text
    assert unkeyed.upper() not in case_page.text
    r = egypt.post(
        f"/requests/{request_id}/replies",
        data={"text": "The number belongs to a recruiter known to us in Alexandria."},
    )
    assert r.status_code == 303

    page = inspector.get(f"/cases/{case_id}")
    assert "known to us in Alexandria" in page.text
