"""Consent follows the data (issue 14, finding 1): where a victim's identity goes when a case
moves to another state, through the JSON API and the case page.

The reproduction of the finding: a case whose victim consented to services and to disclosure to
other organisations, but not to disclosure across borders, was transferred by it.labour to an
Egyptian NGO and accepted by eg.ngo; eg.ngo then read the victim's name and birth date
(``identity_view: full``), and the Italian owner and coordinator got 404 on their own case.
"""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from pharos.store.models import AuditEntry
from pharos.web.testing import PharosClient, signed_in_client

pytestmark = pytest.mark.slow

VICTIM = {"first_name": "Samira", "second_name": "Nour", "birthdate": "1999-03-14"}
SERVICES_AND_ORGS = {"informed": True, "consent_for_services": True, "disclosure_other_orgs": True}


@pytest.fixture(scope="module")
def users(app: FastAPI) -> dict[str, PharosClient]:
    names = ("it.labour", "it.police", "it.ngo", "it.coordinator", "eg.ngo", "eg.police")
    return {u: signed_in_client(app, u) for u in names}


def agency(client: PharosClient, state: str, kind: str) -> int:
    found = client.get("/api/v1/directory", params={"state": state, "kind": kind}).json()
    return int(found[0]["id"])


def new_case(client: PharosClient, title: str, consent: dict[str, bool]) -> int:
    r = client.post("/api/v1/cases", json={"title": title, "citizenship": "EGY", **VICTIM})
    assert r.status_code == 201, r.text
    case_id = int(r.json()["id"])
    r = client.post(f"/api/v1/cases/{case_id}/consent", json=consent)
    assert r.status_code == 200, r.text
    return case_id


def send(client: PharosClient, case_id: int, to: int, kind: str, **extra: object) -> object:
    return client.post(
        f"/api/v1/cases/{case_id}/referrals",
        json={"kind": kind, "to_agency_id": to, "stage": 3, **extra},
    )


def accept(client: PharosClient, case_id: int) -> None:
    incoming = client.get("/api/v1/referrals").json()["incoming"]
    rid = next(r["id"] for r in incoming if r["case_id"] == case_id)
    r = client.post(f"/api/v1/referrals/{rid}/respond", json={"action": "accept"})
    assert r.status_code == 200, r.text


def test_a_transfer_abroad_needs_the_cross_border_consent(users: dict[str, PharosClient]) -> None:
    labour, eg_ngo = users["it.labour"], users["eg.ngo"]
    case_id = new_case(labour, "Greenhouse worker", SERVICES_AND_ORGS)
    r = send(labour, case_id, agency(labour, "EGY", "ngo"), "transfer")
    assert r.status_code == 422, r.text  # was 201: the transfer went through
    error = r.json()["detail"][0]
    assert error["loc"] == ["body", "consent"] and "across borders" in error["msg"]
    assert eg_ngo.get(f"/api/v1/cases/{case_id}").status_code == 404
    # a referral abroad discloses too: the same gate
    r = send(labour, case_id, agency(labour, "EGY", "ngo"), "referral")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "consent"]
    # a labour inspector may not override it
    r = send(labour, case_id, agency(labour, "EGY", "ngo"), "transfer", override_reason="Needed")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "override_reason"]
    # within Italy nothing changes
    assert send(labour, case_id, agency(labour, "ITA", "ngo"), "referral").status_code == 201


def test_with_the_consent_the_case_moves_and_its_senders_keep_what_they_held(
    users: dict[str, PharosClient],
) -> None:
    labour, eg_ngo, coordinator = users["it.labour"], users["eg.ngo"], users["it.coordinator"]
    case_id = new_case(
        labour, "Return home", {**SERVICES_AND_ORGS, "disclosure_cross_border": True}
    )
    assert send(labour, case_id, agency(labour, "EGY", "ngo"), "transfer").status_code == 201
    accept(eg_ngo, case_id)
    moved = eg_ngo.get(f"/api/v1/cases/{case_id}").json()
    assert moved["state"] == "EGY" and moved["identity_view"] == "full"
    assert moved["persons"][0]["first_name"] == "Samira"
    # the Italian owner and coordinator read the case they held (were 404)
    for italian in (labour, coordinator):
        r = italian.get(f"/api/v1/cases/{case_id}")
        assert r.status_code == 200, r.text
        assert r.json()["persons"][0]["first_name"] == "Samira"
        assert not r.json()["may"]["update"]
    assert case_id in [c["id"] for c in labour.get("/api/v1/cases").json()["cases"]]


def test_an_override_is_reasoned_seen_by_the_owner_and_opens_only_what_it_must(
    users: dict[str, PharosClient], engine: Engine
) -> None:
    police, eg_ngo = users["it.police"], users["eg.ngo"]
    case_id = new_case(police, "Imminent danger", SERVICES_AND_ORGS)
    before = {"type": "exploitation", "place": "Catania", "description": "Street"}
    assert police.post(f"/api/v1/cases/{case_id}/events", json=before).status_code == 200
    reason = "The trafficker found her shelter; the Egyptian NGO takes her in tonight"
    r = send(police, case_id, agency(police, "EGY", "ngo"), "transfer", override_reason=reason)
    assert r.status_code == 201 and r.json()["consent_override"] is True
    accept(eg_ngo, case_id)
    owner_view = eg_ngo.get(f"/api/v1/cases/{case_id}").json()
    assert owner_view["identity_view"] == "full"
    # the owner (now eg.ngo) sees that the consent was overridden, by whom and why
    [override] = owner_view["overrides"]
    assert override["what"] == "transfer" and override["reason"] == reason
    assert override["consents"] == ["disclosure_cross_border"]
    assert reason in eg_ngo.get(f"/cases/{case_id}").text
    with Session(engine) as s:
        details = s.execute(
            select(AuditEntry.detail).where(
                AuditEntry.case_id == case_id, AuditEntry.resource == "transfer"
            )
        ).scalars()
        assert any(reason in d for d in details)

    # What Egypt records after the move does not flow back to Italy without the consent;
    # what Italy held stays readable there.
    r = eg_ngo.post(f"/api/v1/cases/{case_id}/notes", json={"text": "Sheltered in Heliopolis"})
    assert r.status_code == 200, r.text
    r = eg_ngo.post(
        f"/api/v1/cases/{case_id}/persons",
        json={"role": "victim", "first_name": "Yasmin", "second_name": "Nour"},
    )
    assert r.status_code == 200, r.text
    after = {"type": "transit", "place": "Heliopolis", "description": "Moved to a safe house"}
    assert eg_ngo.post(f"/api/v1/cases/{case_id}/events", json=after).status_code == 200
    held = police.get(f"/api/v1/cases/{case_id}").json()
    assert held["identity_view"] == "held" and held["held_until"]
    # the timeline as it was when the case moved (the event recorded in Egypt was shown)
    assert [e["place"] for e in held["events"]] == ["Catania"]
    names = [p["name"] for p in held["persons"]]
    assert "Samira Nour" in names and not any("Yasmin" in (n or "") for n in names)
    assert held["notes"] == []
    page = police.get(f"/cases/{case_id}").text
    assert "Samira" in page and "Heliopolis" not in page and "Yasmin" not in page
    # an Egyptian reader outside the override sees a pseudonym only (eg.police has no access)
    assert users["eg.police"].get(f"/api/v1/cases/{case_id}").status_code == 404


def test_a_referral_abroad_with_an_override_opens_the_identity_to_that_agency_only(
    users: dict[str, PharosClient],
) -> None:
    police, eg_ngo = users["it.police"], users["eg.ngo"]
    case_id = new_case(police, "Family tracing", SERVICES_AND_ORGS)
    r = send(
        police, case_id, agency(police, "EGY", "ngo"), "referral", override_reason="Child at risk"
    )
    assert r.status_code == 201, r.text
    assert eg_ngo.get(f"/api/v1/cases/{case_id}").json()["identity_view"] == "full"
    # a request to Egypt's police: pseudonymised there
    r = police.post(
        f"/api/v1/cases/{case_id}/requests",
        json={
            "type": "police_information_exchange",
            "receiver_state": "EGY",
            "subject": "s",
            "body": "b",
        },
    )
    assert r.status_code == 201, r.text
    seen = users["eg.police"].get(f"/api/v1/cases/{case_id}").json()
    assert seen["identity_view"] == "pseudonymised" and "first_name" not in seen["persons"][0]


def test_only_the_owner_widens_consent_and_is_told_of_an_override(
    users: dict[str, PharosClient], engine: Engine
) -> None:
    labour, ngo, police = users["it.labour"], users["it.ngo"], users["it.police"]
    case_id = new_case(labour, "Who decides", SERVICES_AND_ORGS)
    assert send(labour, case_id, agency(labour, "ITA", "ngo"), "referral").status_code == 201
    accept(ngo, case_id)
    assert send(labour, case_id, agency(labour, "ITA", "law_enforcement"), "referral").status_code
    accept(police, case_id)
    wider = {**SERVICES_AND_ORGS, "disclosure_cross_border": True}
    # the NGO the case was referred to may not open the identity to other states (was 200)
    r = ngo.post(f"/api/v1/cases/{case_id}/consent", json=wider)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "override_reason"]
    r = ngo.post(f"/api/v1/cases/{case_id}/consent", json={**wider, "override_reason": "She said"})
    assert r.status_code == 422  # and may not override
    # anyone working on the case may record a narrower consent (a withdrawal)
    r = ngo.post(f"/api/v1/cases/{case_id}/consent", json={"informed": True})
    assert r.status_code == 200, r.text
    # the police may override, with a reason the owner sees
    reason = "Joint investigation with Egypt needs her statement"
    r = police.post(f"/api/v1/cases/{case_id}/consent", json={**wider, "override_reason": reason})
    assert r.status_code == 200, r.text
    owner = labour.get(f"/api/v1/cases/{case_id}").json()
    assert [o["reason"] for o in owner["overrides"]] == [reason]
    assert owner["overrides"][0]["by"] == "it.police"
    assert reason in labour.get(f"/cases/{case_id}").text
    with Session(engine) as s:
        actions = s.execute(
            select(AuditEntry.action).where(AuditEntry.case_id == case_id)
        ).scalars()
        assert "override_consent" in list(actions)
    # the owner itself widens without an override
    r = labour.post(f"/api/v1/cases/{case_id}/consent", json=wider)
    assert r.status_code == 200, r.text
    assert len(labour.get(f"/api/v1/cases/{case_id}").json()["overrides"]) == 1


def test_a_duplicate_across_borders_follows_the_consent(users: dict[str, PharosClient]) -> None:
    """A possible duplicate tells one agency that another registered the same person: across
    borders that is a disclosure, so the flag names a case of another state only if that case's
    victim consented to disclosure across borders (the flag was shown regardless)."""
    labour, eg_ngo = users["it.labour"], users["eg.ngo"]
    person = {"first_name": "Rania", "second_name": "Fathy", "birthdate": "1997-11-02"}
    person["citizenship"] = "EGY"
    italian = labour.post("/api/v1/cases", json={"title": "Registered in Italy", **person})
    egyptian = eg_ngo.post("/api/v1/cases", json={"title": "Registered in Egypt", **person})
    it_id, eg_id = int(italian.json()["id"]), int(egyptian.json()["id"])

    def flags(client: PharosClient, case_id: int) -> list[int]:
        on_case = [
            d["case_id"] for d in client.get(f"/api/v1/cases/{case_id}").json()["duplicates"]
        ]
        board = client.get("/api/v1/dashboard").json()["duplicates"]
        assert sorted(on_case) == sorted(
            f["other_case_id"] for f in board if f["case_id"] == case_id
        )
        return on_case

    assert flags(labour, it_id) == [] and flags(eg_ngo, eg_id) == []
    # the Italian victim consents to disclosure across borders: Egypt may learn of the Italian case
    r = labour.post(
        f"/api/v1/cases/{it_id}/consent",
        json={**SERVICES_AND_ORGS, "disclosure_cross_border": True},
    )
    assert r.status_code == 200, r.text
    assert flags(eg_ngo, eg_id) == [it_id] and flags(labour, it_id) == []
