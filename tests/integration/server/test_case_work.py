"""Case work practitioners expect (issue 18): the referral forms say what they do and offer only
what the reader may do, what was recorded is shown to those who need it, a case opened from a
screening carries what the screening recorded, and the case list finds cases."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI

from pharos.web.testing import PharosClient, signed_in_client

pytestmark = pytest.mark.slow

VICTIM = {"first_name": "Samira", "second_name": "Nour", "birthdate": "1999-03-14"}
ALL_CONSENTS: dict[str, object] = {
    "informed": True,
    "consent_for_services": True,
    "disclosure_other_orgs": True,
}


@pytest.fixture(scope="module")
def users(app: FastAPI) -> dict[str, PharosClient]:
    names = ("it.labour", "it.police", "it.ngo", "eg.police", "it.coordinator")
    return {u: signed_in_client(app, u) for u in names}


def agency(client: PharosClient, state: str, kind: str) -> int:
    found = client.get("/api/v1/directory", params={"state": state, "kind": kind}).json()
    return int(found[0]["id"])


def new_case(client: PharosClient, title: str, consent: dict[str, object] | None = None) -> int:
    r = client.post("/api/v1/cases", json={"title": title, "citizenship": "EGY", **VICTIM})
    assert r.status_code == 201, r.text
    case_id = int(r.json()["id"])
    if consent:
        r = client.post(f"/api/v1/cases/{case_id}/consent", json=consent)
        assert r.status_code == 200, r.text
    return case_id


def refer_form(client: PharosClient, case_id: int, to: int, stage: str, **extra: str) -> object:
    return client.post(
        f"/cases/{case_id}/referrals",
        data={"to_agency_id": str(to), "stage": stage, "reason": "other", **extra},
    )


# --- 1. Bugs and wording -----------------------------------------------------------------------


def test_the_stage_list_offers_national_pillars_and_transnational_stages_apart(
    users: dict[str, PharosClient],
) -> None:
    inspector = users["it.labour"]
    case_id = new_case(inspector, "Stages", ALL_CONSENTS)
    page = inspector.get(f"/cases/{case_id}").text
    # Both lists, each with its plain meaning; the police's criminal justice is pillar 4.
    assert 'value="nrm:4"' in page and "Criminal justice and redress" in page
    assert 'value="trm:5"' in page and "Criminal and civil proceedings" in page
    assert "police and prosecutors: investigation, testimony, compensation" in page
    police = agency(inspector, "ITA", "law_enforcement")
    r = refer_form(inspector, case_id, police, "nrm:4")
    assert r.status_code == 303, r.text[:300]  # type: ignore[attr-defined]
    ref = inspector.get("/api/v1/referrals").json()["outgoing"][0]
    assert (ref["mechanism"], ref["stage"]) == ("nrm", 4)
    page = inspector.get(f"/cases/{case_id}").text
    assert "NRM pillar 4: Criminal justice and redress" in page
    # A transnational stage for an agency of the same state: the error names what to choose.
    ngo = agency(inspector, "ITA", "ngo")
    r = refer_form(inspector, case_id, ngo, "trm:2")
    assert r.status_code == 422  # type: ignore[attr-defined]
    assert "choose one of the national (NRM) pillars" in r.text  # type: ignore[attr-defined]
    # The first assistance of a national referral is stored as what was chosen.
    r = refer_form(inspector, case_id, ngo, "nrm:2")
    assert r.status_code == 303  # type: ignore[attr-defined]
    page = inspector.get(f"/cases/{case_id}").text
    assert "NRM pillar 2: Individual support and access to services" in page


def test_no_word_of_an_override_to_those_who_may_not_make_one(
    users: dict[str, PharosClient],
) -> None:
    inspector, officer = users["it.labour"], users["it.police"]
    case_id = new_case(inspector, "No consent")
    r = refer_form(inspector, case_id, agency(inspector, "ITA", "ngo"), "nrm:2")
    assert r.status_code == 422  # type: ignore[attr-defined]
    text = r.text  # type: ignore[attr-defined]
    assert "has not consented" in text
    assert "override" not in text.lower()  # neither the field nor a word about it
    # The police may override: the field is on their form and the message names it.
    police_case = new_case(officer, "No consent, police")
    page = officer.get(f"/cases/{police_case}").text
    assert 'name="override_reason"' in page
    r = refer_form(officer, police_case, agency(officer, "ITA", "ngo"), "nrm:2")
    assert r.status_code == 422 and "authorised override" in r.text  # type: ignore[attr-defined]


def test_readers_from_another_state_are_offered_no_form_that_fails(
    users: dict[str, PharosClient],
) -> None:
    officer, egypt = users["it.police"], users["eg.police"]
    case_id = new_case(officer, "Asked abroad", ALL_CONSENTS)
    r = officer.post(
        f"/cases/{case_id}/requests",
        data={
            "receiver_state": "EGY",
            "type": "police_information_exchange",
            "subject": "Recruiter",
            "body": "Please check the phone number.",
        },
    )
    assert r.status_code == 303, r.text[:300]
    page = egypt.get(f"/cases/{case_id}")
    assert page.status_code == 200
    # Egypt reads a pseudonymised view: adding an event or sending a request would be refused.
    for form in (f"/cases/{case_id}/events", f"/cases/{case_id}/requests/new"):
        assert f'action="{form}"' not in page.text
    assert "Add an event" not in page.text and "Send a request to" not in page.text
    assert egypt.post(f"/cases/{case_id}/events", data={"type": "recruitment"}).status_code == 403


# --- 2. What was recorded is shown to those who need it ------------------------------------------

ARRANGEMENTS = "Needs shelter tonight; speaks Arabic only"
CONSENT_NOTE = "Does not want his data shared with Egypt"


def test_the_receiver_reads_the_arrangements_and_opens_the_case(
    users: dict[str, PharosClient],
) -> None:
    inspector, shelter = users["it.labour"], users["it.ngo"]
    case_id = new_case(inspector, "Arrangements", {**ALL_CONSENTS, "note": CONSENT_NOTE})
    ngo = agency(inspector, "ITA", "ngo")
    r = refer_form(inspector, case_id, ngo, "nrm:2", details=ARRANGEMENTS)
    assert r.status_code == 303  # type: ignore[attr-defined]
    rid = shelter.get("/api/v1/referrals").json()["incoming"][0]["id"]
    # Before answering, the NGO reads the arrangements and the reason, and may open the case.
    page = shelter.get("/referrals").text
    block = page[page.index(f'id="referral-{rid}"') :]
    block = block[: block.index("</article>")]
    assert ARRANGEMENTS in block and "Other" in block
    assert f'href="/cases/{case_id}"' in block
    case_page = shelter.get(f"/cases/{case_id}").text
    assert ARRANGEMENTS in case_page and CONSENT_NOTE in case_page
    assert f'href="/referrals#referral-{rid}"' in case_page  # back to where it is answered
    # The sender sees them too, on the list and on the case.
    assert ARRANGEMENTS in inspector.get("/referrals").text
    assert CONSENT_NOTE in inspector.get(f"/cases/{case_id}").text
    # Once the referral is revoked the NGO no longer reads the case, nor what came with it.
    r = inspector.post(f"/referrals/{rid}/respond", data={"action": "revoke"})
    assert r.status_code == 303
    page = shelter.get("/referrals").text
    block = page[page.index(f'id="referral-{rid}"') :]
    block = block[: block.index("</article>")]
    assert ARRANGEMENTS not in block and f'href="/cases/{case_id}"' not in block
    assert shelter.get(f"/cases/{case_id}").status_code == 404


def test_an_override_is_shown_to_the_receiver_with_its_reason(
    users: dict[str, PharosClient],
) -> None:
    officer, shelter = users["it.police"], users["it.ngo"]
    case_id = new_case(officer, "Override")
    ngo = agency(officer, "ITA", "ngo")
    r = refer_form(officer, case_id, ngo, "nrm:1", override_reason="Imminent danger tonight")
    assert r.status_code == 303, r.text[:400]  # type: ignore[attr-defined]
    incoming = shelter.get("/api/v1/referrals").json()["incoming"]
    rid = next(x["id"] for x in incoming if x["case_id"] == case_id)
    page = shelter.get("/referrals").text
    block = page[page.index(f'id="referral-{rid}"') :]
    block = block[: block.index("</article>")]
    assert "Missing consent overridden" in block and "Imminent danger tonight" in block
    assert "services and disclosure to other organisations" in block


# --- 9. Screening -> case carries what the screening recorded ------------------------------------


def test_a_case_opened_from_a_screening_carries_what_it_recorded(
    users: dict[str, PharosClient],
) -> None:
    inspector = users["it.labour"]
    r = inspector.post(
        "/screenings",
        data={
            "person_label": "Worker B, greenhouse 7",
            "age": "16",
            "gender": "masculine",
            "nationality": "EGY",
            "exploitation": "forced_labour",
            "unaccompanied": "1",
            "acts": ["recruitment", "transport"],
            "ind_cd_confiscation_documents": "present",
            "note_cd_confiscation_documents": "Employer keeps his passport",
            "ind_cd_debt_bondage": "present",
            "ind_ec_excessive_hours": "present",
            "note": "Found sleeping in the greenhouse",
        },
    )
    assert r.status_code == 303, r.text[:400]
    screening_id = int(r.headers["location"].rsplit("/", 1)[1])
    form = inspector.get("/cases/new", params={"screening_id": screening_id}).text
    # The case's own fields start filled: the methods of control the indicators record.
    for method in ("withholds_documents", "debt_bondage", "excessive_working_hours"):
        assert re.search(rf'value="{method}" checked', form), method
    assert 'value="physical_abuse" checked' not in form
    assert "Found sleeping in the greenhouse" in form and "Employer keeps his passport" in form
    r = inspector.post(
        "/cases",
        data={
            "screening_id": str(screening_id),
            "title": "Worker B",
            "citizenship": "EGY",
            "exploitation_types": "forced_labour",
            "methods_of_control": ["withholds_documents", "debt_bondage"],
        },
    )
    assert r.status_code == 303, r.text[:400]
    case_id = int(r.headers["location"].rsplit("/", 1)[1])
    page = inspector.get(f"/cases/{case_id}").text
    screenings = page[page.index('id="screenings"') :]
    screenings = screenings[: screenings.index("</section>")]
    assert re.search(r'class="screening-age">16 · unaccompanied', screenings)
    assert "Recruitment" in screenings and "Transport" in screenings
    assert "Found sleeping in the greenhouse" in screenings
    assert "Employer keeps his passport" in screenings
    case = inspector.get(f"/api/v1/cases/{case_id}").json()
    assert case["screenings"][0]["age"] == 16
    assert case["screenings"][0]["acts"] == ["recruitment", "transport"]


# --- 7. Finding cases ----------------------------------------------------------------------------


def test_the_case_list_finds_filters_sorts_and_counts(app: FastAPI) -> None:
    owner = signed_in_client(app, "mt.labour")
    ids = [new_case(owner, f"Batch {i}", None) for i in range(53)]
    page = owner.get("/cases").text
    total = re.search(r'id="case-total"[^>]*>Cases found: (\d+)', page)
    assert total and int(total.group(1)) >= 53
    assert "page 1 of" in page and 'rel="next"' in page
    second = owner.get("/cases", params={"page": 2}).text
    assert 'rel="prev"' in second
    # The reference of one case finds it alone; sorting by oldest puts the first first.
    ref = owner.get(f"/api/v1/cases/{ids[7]}").json()["reference"]
    found = owner.get("/cases", params={"q": ref}).text
    assert re.search(r'id="case-total"[^>]*>Cases found: 1(?!\d)', found)
    assert f"/cases/{ids[7]}" in found
    oldest = owner.get("/cases", params={"sort": "oldest", "q": "MLT"}).text
    assert oldest.index(f'"/cases/{ids[0]}"') < oldest.index(f'"/cases/{ids[1]}"')
    # Status and exploitation filters.
    closed = owner.post(
        f"/cases/{ids[3]}/status",
        data={"status": "closed", "closure_reason": "done", "version": 1},
    )
    assert closed.status_code == 303, closed.text
    closed = owner.get("/cases", params={"status": "closed"}).text
    assert f'"/cases/{ids[3]}"' in closed and f'"/cases/{ids[4]}"' not in closed
    none = owner.get("/cases", params={"exploitation": "organ_removal"}).text
    assert f'"/cases/{ids[4]}"' not in none
    # A malformed date is refused with its field named, and nothing is filtered by it.
    bad = owner.get("/cases", params={"opened_from": "yesterday"})
    assert bad.status_code == 422 and 'id="f-opened_from"' in bad.text


def test_names_are_searched_only_where_the_reader_sees_them(app: FastAPI) -> None:
    officer, egypt = signed_in_client(app, "it.police"), signed_in_client(app, "eg.police")
    r = officer.post(
        "/api/v1/cases", json={"title": "Named", "first_name": "Zainab", "second_name": "Qadri"}
    )
    case_id = int(r.json()["id"])
    officer.post(f"/api/v1/cases/{case_id}/consent", json=ALL_CONSENTS)
    r = officer.post(
        f"/cases/{case_id}/requests",
        data={
            "receiver_state": "EGY",
            "type": "police_information_exchange",
            "subject": "Who is she",
            "body": "Please check.",
        },
    )
    assert r.status_code == 303
    assert f'"/cases/{case_id}"' in officer.get("/cases", params={"q": "zainab qadri"}).text
    # Egypt reads the case under a pseudonym: its name finds nothing, its reference finds it.
    assert f'"/cases/{case_id}"' in egypt.get("/cases").text
    assert f'"/cases/{case_id}"' not in egypt.get("/cases", params={"q": "Zainab"}).text
    ref = officer.get(f"/api/v1/cases/{case_id}").json()["reference"]
    assert f'"/cases/{case_id}"' in egypt.get("/cases", params={"q": ref}).text


def test_my_cases_include_those_held_through_a_referral(app: FastAPI) -> None:
    inspector, shelter = signed_in_client(app, "gr.labour"), signed_in_client(app, "gr.ngo")
    case_id = new_case(inspector, "Referred to the shelter", ALL_CONSENTS)
    r = refer_form(inspector, case_id, agency(inspector, "GRC", "ngo"), "nrm:2")
    assert r.status_code == 303
    rid = next(
        x["id"]
        for x in shelter.get("/api/v1/referrals").json()["incoming"]
        if x["case_id"] == case_id
    )
    assert f'"/cases/{case_id}"' not in shelter.get("/cases", params={"mine": "1"}).text
    shelter.post(f"/referrals/{rid}/respond", data={"action": "accept"})
    assert f'"/cases/{case_id}"' in shelter.get("/cases", params={"mine": "1"}).text
    dashboard = shelter.get("/").text
    mine = dashboard[dashboard.index('id="my-cases"') :]
    assert f"/cases/{case_id}" in mine[: mine.index("</section>")]


def test_a_person_is_registered_as_a_possible_victim_only(app: FastAPI) -> None:
    """Opening a case or adding a person took ``trafficking_status: actual_victim`` from the
    form or the API, so a labour inspector in Italy (whom Italy's law does not name for formal
    identification) could record an identified victim without identification."""
    labour = signed_in_client(app, "it.labour")
    for status in ("actual_victim", "not_a_victim"):
        r = labour.post("/api/v1/cases", json={"title": "T", "trafficking_status": status})
        assert r.status_code == 422 and "trafficking_status" in r.text, r.text
    opened = labour.post("/api/v1/cases", json={"title": "T", "first_name": "Amal"})
    assert opened.status_code == 201, opened.text
    case_id = opened.json()["id"]
    added = labour.post(
        f"/api/v1/cases/{case_id}/persons",
        json={"role": "victim", "first_name": "Sara", "trafficking_status": "actual_victim"},
    )
    assert added.status_code == 422 and "formal identification" in added.text, added.text
    persons = labour.get(f"/api/v1/cases/{case_id}").json()["persons"]
    assert {p["trafficking_status"] for p in persons} == {"possible_victim"}
    assert all(p.get("first_name") != "Sara" for p in persons)
