"""E-mail about notifications through an SMTP server, tested against a local SMTP sink
(aiosmtpd): sent by the server's mailer, not by the request that queued it; in the recipient's
language; carrying a case's reference and a link, never an identity field of the case; a
server that does not answer is logged and retried, and the request that made the
notification neither waits for it nor fails. Off by default. On SQLite and PostgreSQL."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from pharos.coordinate import notification_mail
from pharos.store.models import Notification, User
from pharos.web.testing import PharosClient, make_app, signed_in_client

BASE_URL = "https://pharos.example.org"


class Sink:
    """An SMTP server that keeps what it is sent."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        self.received.append((list(envelope.rcpt_tos), msg))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def sink() -> Iterator[tuple[Sink, int]]:
    handler = Sink()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


def mailing_app(engine: Engine, port: int, **extra: Any) -> FastAPI:
    return make_app(
        engine.url.render_as_string(hide_password=False),
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_from="pharos@example.org",
        base_url=BASE_URL,
        mail_poll_seconds=0.2,
        **extra,
    )


def refer_to_ngo(labour: PharosClient, case_id: int) -> int:
    ngo = labour.get("/api/v1/directory", params={"state": "ITA"}).json()
    to = next(a["id"] for a in ngo if a["kind"] == "ngo")
    r = labour.post(
        f"/api/v1/cases/{case_id}/referrals",
        json={
            "to_agency_id": to,
            "stage": 2,
            "reason": "additional_services_required",
            "details": "Needs shelter tonight in Vittoria; speaks Arabic only",
        },
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


IDENTITY = {
    "title": "Case of Amina Haddad at the Marsa farm",
    "first_name": "Amina",
    "second_name": "Haddad",
    "birthdate": "1998-04-02",
    "citizenship": "EGY",
}


def open_identified_case(labour: PharosClient) -> tuple[int, dict[str, Any]]:
    r = labour.post("/api/v1/cases", json=IDENTITY)
    assert r.status_code == 201, r.text
    case_id = int(r.json()["id"])
    r = labour.post(
        f"/api/v1/cases/{case_id}/consent",
        json={
            "informed": True,
            "consent_for_services": True,
            "disclosure_other_orgs": True,
            "note": "Does not want her family in Assiut to be contacted",
        },
    )
    assert r.status_code == 200, r.text
    case = labour.get(f"/api/v1/cases/{case_id}").json()
    return case_id, case


def test_the_email_carries_a_reference_and_a_link_and_no_identity(
    engine: Engine, sink: tuple[Sink, int]
) -> None:
    received, port = sink
    app = mailing_app(engine, port)
    labour = signed_in_client(app, "it.labour")
    ngo = signed_in_client(app, "it.ngo")
    assert ngo.post("/api/v1/me/email", json={"email": "ngo@example.org"}).json() == {
        "email": "ngo@example.org"
    }
    assert ngo.post("/language", data={"lang": "fr"}).status_code in (200, 303)
    case_id, case = open_identified_case(labour)
    refer_to_ngo(labour, case_id)
    with Session(engine) as s:
        queued = s.execute(
            select(Notification).where(
                Notification.case_id == case_id, Notification.email_status == "pending"
            )
        ).scalar_one()
    assert received.received == []  # queued by the request, not sent by it
    with TestClient(app):  # the server runs: its mailer sends
        deadline = time.monotonic() + 30
        while not received.received and time.monotonic() < deadline:
            time.sleep(0.1)
    [(to, msg)] = received.received
    assert to == ["ngo@example.org"] and msg["To"] == "ngo@example.org"
    text = msg.as_string() + msg.get_content()
    reference = case["reference"]
    assert reference in msg["Subject"] and f"{BASE_URL}/notifications/{queued.id}" in text
    assert msg["Subject"] == f"Pharos : une notification sur le dossier {reference}"  # French
    # No identity field of the case (nor its title, arrangements or consent note), anywhere in
    # the message, headers included.
    person = case["persons"][0]
    forbidden = [
        IDENTITY["title"],
        IDENTITY["first_name"],
        IDENTITY["second_name"],
        "1998",
        "02/04",
        "04/02",
        "Vittoria",
        "Arabic only",
        "Assiut",
        person["name"],
    ]
    for field in forbidden:
        assert field and field not in text, field
    assert "Labour" not in text  # not even who referred it: that is read in Pharos
    with Session(engine) as s:
        row = s.get(Notification, queued.id)
        assert row is not None and row.email_status == "sent"


def test_an_smtp_server_that_does_not_answer_neither_blocks_nor_fails_the_request(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    app = mailing_app(engine, free_port())  # nothing listens there
    labour = signed_in_client(app, "it.labour")
    ngo = signed_in_client(app, "it.ngo")
    ngo.post("/api/v1/me/email", json={"email": "ngo@example.org"})
    case_id, _case = open_identified_case(labour)
    refer_to_ngo(labour, case_id)  # answered 201: the referral is made
    listed = ngo.get("/api/v1/notifications").json()["items"]
    nid = listed[0]["id"]
    assert listed[0]["key"] == "referral_received"  # told in the application all the same
    mail = app.state.settings.mail()
    caplog.set_level(logging.WARNING, logger="pharos.notifications")
    counts = notification_mail.send_pending(app.state.sessions, mail)
    assert counts["retry"] >= 1 and counts["sent"] == 0
    assert any(f"notification {nid}: e-mail" in r.getMessage() for r in caplog.records)
    for _attempt in range(mail.max_attempts):
        notification_mail.send_pending(app.state.sessions, mail)
    with Session(engine) as s:
        row = s.get(Notification, nid)
        assert row is not None
        assert row.email_status == "failed" and row.email_attempts == mail.max_attempts
    assert any(r.levelno == logging.ERROR and "given up" in r.getMessage() for r in caplog.records)


def test_no_email_unless_an_smtp_server_is_configured(app: FastAPI, engine: Engine) -> None:
    ngo = signed_in_client(app, "it.ngo")
    assert ngo.post("/api/v1/me/email", json={"email": "ngo@example.org"}).status_code
    assert "This server sends no e-mail." in ngo.get("/notifications?lang=en").text
    labour = signed_in_client(app, "it.labour")
    case_id, _case = open_identified_case(labour)
    refer_to_ngo(labour, case_id)
    with Session(engine) as s:
        rows = s.execute(select(Notification).where(Notification.case_id == case_id)).scalars()
        # one notification per account of the NGO (the demo has two), none e-mailed
        statuses = [r.email_status for r in rows]
        assert statuses and set(statuses) == {None}
        user = s.execute(select(User).where(User.username == "it.ngo")).scalar_one()
        assert user.email == "ngo@example.org"


def test_an_address_is_checked(engine: Engine) -> None:
    ngo = signed_in_client(mailing_app(engine, free_port()), "it.ngo")
    r = ngo.post("/api/v1/me/email", json={"email": "not an address"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "email"]
    r = ngo.post("/notifications/email?lang=en", data={"email": "a@b"})
    assert r.status_code == 422 and 'aria-invalid="true"' in r.text
    assert "Enter an e-mail address such as name@example.org" in r.text
    assert ngo.post("/api/v1/me/email", json={"email": ""}).json() == {"email": ""}


def test_settings_refuse_smtp_without_a_link_address() -> None:
    from pharos.web.settings import Settings

    with pytest.raises(ValueError, match="PHAROS_BASE_URL"):
        Settings(smtp_host="mail.example.org", smtp_from="pharos@example.org")
    assert Settings().mail() is None  # off by default
