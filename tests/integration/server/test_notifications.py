"""Notifications (issue 18, item 6): who is told what, in their own language, with a link only
while they may open what it is about; overdue requests are told by the server's clock, with no
page opened. On SQLite and PostgreSQL (the module's ``engine``)."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from pharos.store.base import utcnow
from pharos.store.models import Agency, CrossBorderRequest, Notification, User
from pharos.web.testing import PharosClient, make_app, signed_in_client


def _id(location: str) -> int:
    return int(location.rstrip("/").split("/")[-1].split("#")[0])


def told(client: PharosClient, **params: Any) -> list[dict[str, Any]]:
    r = client.get("/api/v1/notifications", params=params)
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


def keys(client: PharosClient, case_ref: str) -> list[str]:
    return [n["key"] for n in told(client) if n["case_reference"] == case_ref]


def agency_of(engine: Engine, username: str) -> tuple[int, str]:
    with Session(engine) as s:
        user = s.execute(select(User).where(User.username == username)).scalar_one()
        agency = s.get(Agency, user.agency_id)
        assert agency is not None
        return agency.id, agency.name


def open_case(client: PharosClient, title: str) -> tuple[int, str]:
    r = client.post(
        "/cases",
        data={
            "title": title,
            "first_name": "Amina",
            "second_name": "Haddad",
            "birthdate": "1998-04-02",
            "citizenship": "EGY",
        },
    )
    assert r.status_code == 303, r.text[:300]
    case_id = _id(r.headers["location"])
    ref = client.get(f"/api/v1/cases/{case_id}").json()["reference"]
    return case_id, ref


def consent(client: PharosClient, case_id: int, cross_border: bool = False) -> None:
    data = {"informed": "1", "consent_for_services": "1", "disclosure_other_orgs": "1"}
    if cross_border:
        data["disclosure_cross_border"] = "1"
    r = client.post(f"/cases/{case_id}/consent", data=data)
    assert r.status_code == 303, r.text[:300]


def refer(client: PharosClient, case_id: int, agency_id: int) -> int:
    r = client.post(
        f"/api/v1/cases/{case_id}/referrals",
        json={"to_agency_id": agency_id, "stage": 2, "reason": "additional_services_required"},
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def test_who_is_told_what(app: FastAPI, engine: Engine) -> None:
    labour = signed_in_client(app, "it.labour")
    ngo = signed_in_client(app, "it.ngo")
    social = signed_in_client(app, "it.social")
    police = signed_in_client(app, "it.police")
    eg_police = signed_in_client(app, "eg.police")
    case_id, ref = open_case(labour, "Told")
    consent(labour, case_id)
    ngo_id, ngo_name = agency_of(engine, "it.ngo")
    labour_name = agency_of(engine, "it.labour")[1]

    # A referral tells the receiving agency, not the sender, not a third agency.
    to_ngo = refer(labour, case_id, ngo_id)
    [received] = [n for n in told(ngo) if n["case_reference"] == ref]
    assert received["key"] == "referral_received" and not received["read"]
    assert received["text"] == f"New referral of case {ref} from {labour_name}."
    assert received["link"] == f"/referrals#referral-{to_ngo}"
    assert keys(labour, ref) == [] and keys(social, ref) == [] and keys(police, ref) == []

    # Accepting tells the sender's agency; declining too, with the decliner named.
    assert ngo.post(f"/referrals/{to_ngo}/respond", data={"action": "accept"}).status_code == 303
    assert keys(labour, ref) == ["referral_accepted"]
    assert told(labour)[0]["text"] == f"{ngo_name} accepted the referral of case {ref}."
    to_social = refer(labour, case_id, agency_of(engine, "it.social")[0])
    # consent recorded while the social services may read the case: they are told of it
    consent(labour, case_id)
    social_consent = next(n for n in told(social) if n["key"] == "consent_changed")
    assert social_consent["link"] == f"/cases/{case_id}#consent"
    r = social.post(
        f"/referrals/{to_social}/respond", data={"action": "reject", "reason": "No place"}
    )
    assert r.status_code == 303
    assert keys(labour, ref)[0] == "referral_rejected"
    # ... and once the rejection closed their access, the link to the case is gone
    again = next(n for n in told(social) if n["id"] == social_consent["id"])
    assert again["link"] is None
    r = social.get(f"/notifications/{social_consent['id']}")
    assert r.status_code == 303
    assert r.headers["location"] == f"/notifications#notification-{social_consent['id']}"
    assert "(no longer yours to open)" in social.get("/notifications").text

    # A cross-border request's answer tells the sending agency (the police) and the agency
    # holding the case (the inspectorate: issue 18's story, "the inspector is notified").
    to_police = refer(labour, case_id, agency_of(engine, "it.police")[0])
    assert police.post(f"/referrals/{to_police}/respond", data={"action": "accept"}).status_code
    r = police.post(
        f"/api/v1/cases/{case_id}/requests",
        json={
            "type": "police_information_exchange",
            "receiver_state": "EGY",
            "subject": "Recruiter",
            "body": "Who is he?",
        },
    )
    assert r.status_code == 201, r.text
    request_id = r.json()["id"]
    before = keys(labour, ref)
    r = eg_police.post(f"/api/v1/requests/{request_id}/replies", json={"text": "Known to us."})
    assert r.status_code == 201
    answered = [n for n in told(police) if n["key"] == "request_answered"]
    assert answered and answered[0]["link"] == f"/requests/{request_id}"
    assert answered[0]["text"].startswith(f"{agency_of(engine, 'eg.police')[1]} answered request")
    owner_told = [n for n in told(labour) if n["key"] == "request_answered"]
    assert keys(labour, ref) == ["request_answered", *before] and keys(eg_police, ref) == []
    assert owner_told[0]["link"] == f"/requests/{request_id}"
    assert labour.get(f"/requests/{request_id}").status_code == 200  # the link opens

    # A change of consent tells every agency holding the case (the NGO and police it was
    # referred to, Egypt's police through its request), never the one who recorded it.
    counts = {c: len(keys(c, ref)) for c in (ngo, police, eg_police, labour, social)}
    consent(labour, case_id, cross_border=True)
    assert keys(ngo, ref)[0] == keys(police, ref)[0] == "consent_changed"
    assert keys(eg_police, ref)[0] == "consent_changed"
    assert len(keys(labour, ref)) == counts[labour]
    assert len(keys(social, ref)) == counts[social]  # the social services declined: no more


def test_stored_as_a_key_and_shown_in_the_readers_language(app: FastAPI, engine: Engine) -> None:
    labour = signed_in_client(app, "it.labour")
    case_id, ref = open_case(labour, "Languages")
    consent(labour, case_id)
    ngo_id = agency_of(engine, "it.ngo")[0]
    refer(labour, case_id, ngo_id)
    with Session(engine) as s:
        row = (
            s.execute(
                select(Notification)
                .where(Notification.case_id == case_id)
                .order_by(Notification.id.desc())
            )
            .scalars()
            .first()
        )
        assert row is not None
        assert row.key == "referral_received"
        assert row.params == {"agency": agency_of(engine, "it.labour")[0]}  # an id, no text
    ngo = signed_in_client(app, "it.ngo")
    texts = {}
    for lang in ("en", "fr", "ar"):
        ngo.cookies.set("pharos_lang", lang)
        texts[lang] = next(n["text"] for n in told(ngo) if n["case_reference"] == ref)
    assert texts["en"].startswith("New referral of case")
    assert texts["fr"].startswith(f"Nouvelle orientation du dossier {ref}")
    assert texts["ar"].startswith(f"إحالة جديدة للحالة {ref}")


def test_unread_count_in_the_header_and_marking_read(app: FastAPI, engine: Engine) -> None:
    labour = signed_in_client(app, "it.labour")
    mediator = signed_in_client(app, "it.mediator")
    mediator.post("/notifications/read-all")
    header = re.compile(r'<a href="/notifications"[^>]*aria-label="([^"]*)"[^>]*>(.*?)</a>')
    label, inner = header.search(mediator.get("/").text).groups()  # type: ignore[union-attr]
    assert label == "Notifications: none unread" and "badge" not in inner
    case_id, _ref = open_case(labour, "Header")
    consent(labour, case_id)
    mediator_agency = agency_of(engine, "it.mediator")[0]
    refer(labour, case_id, mediator_agency)
    second, _ref2 = open_case(labour, "Header 2")
    consent(labour, second)
    refer(labour, second, mediator_agency)
    label, inner = header.search(mediator.get("/").text).groups()  # type: ignore[union-attr]
    assert (
        label == "Notifications: 2 unread" and '<span class="badge" aria-hidden="true">2<' in inner
    )
    mediator.cookies.set("pharos_lang", "ar")
    label, _inner = header.search(mediator.get("/").text).groups()  # type: ignore[union-attr]
    assert label == "الإشعارات: إشعاران غير مقروءين"
    mediator.cookies.set("pharos_lang", "en")

    first = told(mediator, unread="true")[-1]
    # somebody else may neither read nor mark it
    other = signed_in_client(app, "eg.police")
    assert other.post(f"/api/v1/notifications/{first['id']}/read").status_code == 404
    assert other.post(f"/notifications/{first['id']}/read").status_code == 404
    assert other.get(f"/api/v1/notifications/{first['id']}").status_code == 404
    assert other.post("/api/v1/notifications/all/read").status_code == 200
    assert mediator.get("/api/v1/notifications").json()["unread"] == 2
    # opening it marks it read and leads to what it is about
    r = mediator.get(f"/notifications/{first['id']}")
    assert r.status_code == 303 and r.headers["location"] == first["link"]
    assert mediator.get("/api/v1/notifications").json()["unread"] == 1
    assert mediator.post("/api/v1/notifications/all/read").json() == {"marked": 1}
    page = mediator.get("/notifications").text
    assert "Nothing unread" not in page and "Mark all as read" not in page
    assert 'aria-label="Notifications: none unread"' in page
    assert told(mediator, unread="true") == []


def test_overdue_requests_are_told_by_the_clock_with_no_page_opened(
    app: FastAPI, engine: Engine
) -> None:
    police = signed_in_client(app, "it.police")
    case_id, _ref = open_case(police, "Overdue")
    r = police.post(
        f"/api/v1/cases/{case_id}/requests",
        json={
            "type": "police_information_exchange",
            "receiver_state": "TUN",
            "subject": "Recruiter",
            "body": "Who is he?",
        },
    )
    assert r.status_code == 201, r.text
    request_id = r.json()["id"]
    with Session(engine) as s:
        row = s.get(CrossBorderRequest, request_id)
        assert row is not None
        row.sent_at = utcnow() - timedelta(days=30)
        row.due_at = utcnow() - timedelta(days=1)
        s.commit()

    def told_of_it() -> dict[str, set[str]]:
        with Session(engine) as s:
            rows = s.execute(
                select(User.username, Notification.key)
                .join(User, User.id == Notification.user_id)
                .where(Notification.subject == "request", Notification.subject_id == request_id)
            ).all()
        out: dict[str, set[str]] = {}
        for user, key in rows:
            out.setdefault(key, set()).add(user)
        return out

    assert told_of_it() == {}
    # A server with its clock on, started, and nobody opening any page.
    clocked = make_app(engine.url.render_as_string(hide_password=False), request_clock_minutes=1)
    with TestClient(clocked):
        deadline = time.monotonic() + 30
        while not told_of_it() and time.monotonic() < deadline:
            time.sleep(0.2)
    found = told_of_it()
    # every account of the two agencies: the demo's second police officers too
    assert found.get("request_overdue") == {"it.police", "it.police2", "tn.police", "tn.police2"}
    assert found.get("request_escalated") == {"tn.coordinator"}
    tn = signed_in_client(app, "tn.coordinator")
    [n] = [n for n in told(tn) if n["key"] == "request_escalated" and n["link"]]
    assert n["link"] == f"/requests/{request_id}"
    assert f"Request #{request_id} about case" in n["text"]


def test_the_migration_goes_down_and_up(engine: Engine) -> None:
    """0012_notifications on this backend: down to 0011 (the table and the address column
    gone, the accounts kept), and up again (every account without an address)."""
    from alembic import command
    from sqlalchemy import inspect

    from pharos.store.db import alembic_config

    cfg = alembic_config(engine)
    command.downgrade(cfg, "0011_record_versions")
    seen = inspect(engine)
    assert "notification" not in seen.get_table_names()
    assert "email" not in {c["name"] for c in seen.get_columns("user_account")}
    command.upgrade(cfg, "heads")
    assert "notification" in inspect(engine).get_table_names()
    with Session(engine) as s:
        assert set(s.execute(select(User.email)).scalars()) == {""}
