"""Referrals and transfers, consent gates and overrides, the request clock, duplicates and
all-or-nothing writes, through the JSON API."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from pharos.coordinate import requests as request_svc
from pharos.store.models import AuditEntry, Case, CrossBorderRequest
from pharos.web.testing import PharosClient, signed_in_client

PERSON = {
    "first_name": "Leila",
    "second_name": "Mansour",
    "birthdate": "2001-06-10",
    "citizenship": "TUN",
}


def agency(client: PharosClient, state: str, kind: str) -> int:
    return int(
        client.get("/api/v1/directory", params={"state": state, "kind": kind}).json()[0]["id"]
    )


def new_case(client: PharosClient, title: str, consent: bool = True, **person: str) -> int:
    r = client.post("/api/v1/cases", json={"title": title, **(person or {})})
    assert r.status_code == 201, r.text
    case_id = int(r.json()["id"])
    if consent:
        r = client.post(
            f"/api/v1/cases/{case_id}/consent",
            json={"informed": True, "consent_for_services": True, "disclosure_other_orgs": True},
        )
        assert r.status_code == 200, r.text
    return case_id


def test_transfer_moves_ownership(app: FastAPI) -> None:
    labour = signed_in_client(app, "es.labour")
    case_id = new_case(labour, "Transfer me")
    r = labour.post(
        f"/api/v1/cases/{case_id}/referrals",
        json={
            "kind": "transfer",
            "to_agency_id": agency(labour, "ESP", "social_welfare"),
            "stage": 3,
        },
    )
    assert r.status_code == 201, r.text
    social = signed_in_client(app, "es.social")
    tid = social.get("/api/v1/referrals").json()["incoming"][0]["id"]
    assert (
        social.post(f"/api/v1/referrals/{tid}/respond", json={"action": "accept"}).status_code
        == 200
    )
    detail = social.get(f"/api/v1/cases/{case_id}").json()
    assert detail["owner_agency"]["id"] == agency(labour, "ESP", "social_welfare")
    assert detail["may"]["update"]
    assert labour.get(f"/api/v1/cases/{case_id}").status_code == 404


def test_missing_consent_needs_an_authorised_override(app: FastAPI, engine: Engine) -> None:
    police = signed_in_client(app, "gr.police")
    case_id = new_case(police, "No consent yet", consent=False)
    ngo = agency(police, "GRC", "ngo")
    r = police.post(f"/api/v1/cases/{case_id}/referrals", json={"to_agency_id": ngo, "stage": 1})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "consent"]
    r = police.post(
        f"/api/v1/cases/{case_id}/referrals",
        json={
            "to_agency_id": ngo,
            "stage": 1,
            "override_reason": "Imminent danger; shelter needed now",
        },
    )
    assert r.status_code == 201 and r.json()["consent_override"] is True
    with Session(engine) as s:
        entry = (
            s.execute(
                select(AuditEntry)
                .where(AuditEntry.resource == "referral")
                .order_by(AuditEntry.id.desc())
            )
            .scalars()
            .first()
        )
        assert entry is not None and "Imminent danger" in entry.detail

    inspector = signed_in_client(app, "gr.labour")  # labour inspectors may not override
    other = new_case(inspector, "Also no consent", consent=False)
    r = inspector.post(
        f"/api/v1/cases/{other}/referrals",
        json={"to_agency_id": ngo, "stage": 1, "override_reason": "I think it is fine"},
    )
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "override_reason"]


def test_reject_needs_a_reason_and_removes_access(app: FastAPI) -> None:
    labour = signed_in_client(app, "mt.labour")
    case_id = new_case(labour, "Reject me")
    labour.post(
        f"/api/v1/cases/{case_id}/referrals",
        json={"to_agency_id": agency(labour, "MLT", "ngo"), "stage": 2},
    )
    ngo = signed_in_client(app, "mt.ngo")
    rid = ngo.get("/api/v1/referrals").json()["incoming"][0]["id"]
    assert ngo.get(f"/api/v1/cases/{case_id}").status_code == 200
    r = ngo.post(f"/api/v1/referrals/{rid}/respond", json={"action": "reject"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "reason"]
    r = ngo.post(f"/api/v1/referrals/{rid}/respond", json={"action": "reject", "reason": "No beds"})
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    assert ngo.get(f"/api/v1/cases/{case_id}").status_code == 404


def test_only_existing_instruments_and_the_clock(app: FastAPI, engine: Engine) -> None:
    prosecutor = signed_in_client(app, "it.prosecutor")
    case_id = new_case(prosecutor, "MLA case")
    offered = {
        i["type"]
        for i in prosecutor.get(
            f"/api/v1/cases/{case_id}/instruments", params={"receiver": "TUN"}
        ).json()
    }
    assert "european_investigation_order" not in offered and "mutual_legal_assistance" in offered
    to_spain = {
        i["type"]
        for i in prosecutor.get(
            f"/api/v1/cases/{case_id}/instruments", params={"receiver": "ESP"}
        ).json()
    }
    assert "european_investigation_order" in to_spain
    r = prosecutor.post(
        f"/api/v1/cases/{case_id}/requests",
        json={
            "type": "european_investigation_order",
            "receiver_state": "TUN",
            "subject": "s",
            "body": "b",
        },
    )
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "type"]
    r = prosecutor.post(
        f"/api/v1/cases/{case_id}/requests",
        json={
            "type": "mutual_legal_assistance",
            "receiver_state": "TUN",
            "subject": "Bank records",
            "body": "Records of the recruiter's account.",
        },
    )
    assert r.status_code == 201
    req = r.json()
    assert req["receiver_agency_id"] == agency(prosecutor, "TUN", "public_prosecutor")
    with Session(engine) as s:
        row = s.get(CrossBorderRequest, req["id"])
        assert row is not None
        assert (row.due_at - row.sent_at).days == 60
        assert request_svc.tick(s, row.due_at - timedelta(days=10)) == {
            "reminded": 1,
            "escalated": 0,
        }
        assert request_svc.tick(s, row.due_at + timedelta(days=1))["escalated"] >= 1
        s.commit()
    coordinator = signed_in_client(app, "tn.coordinator")
    due = coordinator.get("/api/v1/dashboard").json()["requests_to_answer"]
    assert req["id"] in [x["id"] for x in due]
    r = coordinator.post(
        f"/api/v1/requests/{req['id']}/replies", json={"text": "Forwarded to the court."}
    )
    assert r.status_code == 201 and r.json()["status"] == "answered"


def test_duplicates_are_flagged_across_agencies(app: FastAPI) -> None:
    labour = signed_in_client(app, "dz.labour")
    ngo = signed_in_client(app, "dz.ngo")
    first = new_case(labour, "First registration", **PERSON)
    second = new_case(ngo, "Second registration", **{**PERSON, "first_name": "LEILA"})
    flags = labour.get(f"/api/v1/cases/{first}").json()["duplicates"]
    assert [(f["case_id"], f["reason"], f["resolution"]) for f in flags] == [
        (second, "same name, birth date and citizenship", None)
    ]
    assert ngo.get("/api/v1/dashboard").json()["duplicates"]


def test_a_rejected_request_changes_nothing(app: FastAPI, engine: Engine) -> None:
    labour = signed_in_client(app, "it.labour")
    with Session(engine) as s:
        before = len(s.execute(select(Case.id)).all())
    r = labour.post(
        "/api/v1/cases",
        json={"title": "Bad", "citizenship": "ZZZ", "birthdate": "2999-01-01", "gender": "robot"},
    )
    assert r.status_code == 422
    # the description's vocabularies are checked first, together; the service's rules after
    fields = {d["loc"][-1] for d in r.json()["detail"]}
    assert fields == {"citizenship", "gender"}
    r = labour.post("/api/v1/cases", json={"title": "Bad", "birthdate": "2999-01-01"})
    assert r.status_code == 422 and [d["loc"][-1] for d in r.json()["detail"]] == ["birthdate"]
    with Session(engine) as s:
        assert len(s.execute(select(Case.id)).all()) == before
    page = labour.post("/cases", data={"title": "", "citizenship": "ZZZ"})
    assert page.status_code == 422 and 'aria-invalid="true"' in page.text


def test_an_ngo_sends_a_return_and_reception_request_on_the_instruments_terms(
    app: FastAPI, engine: Engine
) -> None:
    """The instrument's data decide it all: an NGO may send a return-and-reception request (the
    decision in docs/domain.md), it reaches the origin state's TRM contact point (the national
    coordinator in the demo), its clock is the instrument's 21 days, and the channel and legal
    basis it carries are shown in the reader's language."""
    ngo = signed_in_client(app, "it.ngo")
    case_id = new_case(ngo, "Return to Egypt", citizenship="EGY")
    offered = {
        i["type"]: i
        for i in ngo.get(f"/api/v1/cases/{case_id}/instruments", params={"receiver": "EGY"}).json()
    }
    assert set(offered) == {
        "family_safety_check",
        "pre_return_risk_assessment",
        "return_and_reception",
    }
    assert offered["return_and_reception"]["due_days"] == 21
    r = ngo.post(
        f"/api/v1/cases/{case_id}/requests",
        json={
            "type": "return_and_reception",
            "receiver_state": "EGY",
            "subject": "Reception at Cairo airport",
            "body": "Assisted voluntary return; reception and first assistance needed.",
        },
    )
    assert r.status_code == 201, r.text
    req = r.json()
    assert req["receiver_agency_id"] == agency(ngo, "EGY", "national_coordinator")
    with Session(engine) as s:
        row = s.get(CrossBorderRequest, req["id"])
        assert row is not None and (row.due_at - row.sent_at).days == 21
        assert row.channel == "transnational referral contact points"
        assert row.legal_basis == "ICMPD TRM guidelines (2010)"
    page = ngo.get(f"/requests/{req['id']}?lang=fr")
    assert page.status_code == 200
    assert "points de contact de l’orientation transnationale" in page.text
    assert "Retour et accueil" in page.text
