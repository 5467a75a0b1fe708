"""A screening done offline is synced once (issue 20, item 6): the device sends it with an
``Idempotency-Key``; a retried sync (the answer was lost, the network dropped) answers the
screening already stored and stores nothing twice, audits it once, and the same key with a
different screening is refused. The server checks the role and records the audit as for the
online form."""

from __future__ import annotations

import uuid

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from pharos.domain.indicators import Dimension
from pharos.store.models import AuditEntry, ScreeningRecord
from pharos.web.testing import signed_in_client

SCREENING = {
    "person_label": "Worker K, field 3",
    "age": 29,
    "present": ["cd_debt_bondage", "cd_violence_on_victims", "ec_excessive_hours"],
    "ruled_out": ["ec_low_no_salary"],
    "explored": [Dimension.DECEPTIVE_RECRUITMENT.value],
    "acts": ["recruitment"],
}


def _count(engine: Engine, key: str) -> tuple[int, int]:
    with Session(engine) as session:
        stored = session.scalar(
            select(func.count())
            .select_from(ScreeningRecord)
            .where(ScreeningRecord.client_key == key)
        )
        ids = session.scalars(
            select(ScreeningRecord.id).where(ScreeningRecord.client_key == key)
        ).all()
        audited = session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.resource == "screening", AuditEntry.action == "screen")
            .where(AuditEntry.resource_id.in_([str(i) for i in ids] or ["-"]))
        )
        return int(stored or 0), int(audited or 0)


def test_a_retried_sync_stores_one_screening(app: FastAPI, engine: Engine) -> None:
    inspector = signed_in_client(app, "it.labour")
    key = str(uuid.uuid4())
    first = inspector.post("/api/v1/screenings", json=SCREENING, headers={"Idempotency-Key": key})
    assert first.status_code == 201, first.text
    again = inspector.post("/api/v1/screenings", json=SCREENING, headers={"Idempotency-Key": key})
    assert again.status_code == 200, again.text
    assert again.json()["id"] == first.json()["id"]
    assert (first.json()["replayed"], again.json()["replayed"]) == (False, True)
    assert again.json()["result"] == first.json()["result"]
    assert _count(engine, key) == (1, 1)
    # the explored dimension reached the record through the API
    assert first.json()["result"]["explored"] == [Dimension.DECEPTIVE_RECRUITMENT.value]
    # without a key, each request is a new screening (the online form's behaviour)
    a = inspector.post("/api/v1/screenings", json=SCREENING).json()["id"]
    b = inspector.post("/api/v1/screenings", json=SCREENING).json()["id"]
    assert a != b


def test_a_key_used_for_another_screening_is_refused(app: FastAPI, engine: Engine) -> None:
    inspector = signed_in_client(app, "it.labour")
    key = str(uuid.uuid4())
    assert (
        inspector.post(
            "/api/v1/screenings", json=SCREENING, headers={"Idempotency-Key": key}
        ).status_code
        == 201
    )
    other = {**SCREENING, "person_label": "Worker L"}
    r = inspector.post("/api/v1/screenings", json=other, headers={"Idempotency-Key": key})
    assert r.status_code == 409, r.text
    assert r.json()["detail"][0]["loc"] == ["body", "client_key"]
    assert _count(engine, key) == (1, 1)
    bad = inspector.post("/api/v1/screenings", json=SCREENING, headers={"Idempotency-Key": "short"})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "client_key"]


def test_the_key_is_per_user_and_the_role_is_checked(app: FastAPI, engine: Engine) -> None:
    key = str(uuid.uuid4())
    one = signed_in_client(app, "it.labour").post(
        "/api/v1/screenings", json=SCREENING, headers={"Idempotency-Key": key}
    )
    two = signed_in_client(app, "it.police").post(
        "/api/v1/screenings", json=SCREENING, headers={"Idempotency-Key": key}
    )
    assert (one.status_code, two.status_code) == (201, 201)
    assert one.json()["id"] != two.json()["id"]
    # a lawyer may not screen (pharos.coordinate.permissions): refused, nothing stored
    key3 = str(uuid.uuid4())
    lawyer = signed_in_client(app, "it.lawyer").post(
        "/api/v1/screenings", json=SCREENING, headers={"Idempotency-Key": key3}
    )
    assert lawyer.status_code == 403
    assert _count(engine, key3) == (0, 0)
    # a session without the CSRF token is refused before anything is stored
    client = signed_in_client(app, "it.ngo")
    client.csrf_token = ""
    key2 = str(uuid.uuid4())
    r = client.post("/api/v1/screenings", json=SCREENING, headers={"Idempotency-Key": key2})
    assert r.status_code == 403
    assert _count(engine, key2) == (0, 0)


def test_two_syncs_at_the_same_moment_store_one(
    app: FastAPI, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second of two simultaneous syncs does not see the first before inserting (the look-up
    is made to miss, as it does when both look before either commits): the database's unique key
    refuses it, and it answers the stored screening."""
    from pharos.coordinate import screening

    inspector = signed_in_client(app, "it.labour")
    key = str(uuid.uuid4())
    first = inspector.post("/api/v1/screenings", json=SCREENING, headers={"Idempotency-Key": key})
    assert first.status_code == 201
    real = screening._by_key
    calls: list[str] = []

    def late(session: Session, p: object, client_key: str) -> ScreeningRecord | None:
        calls.append(client_key)
        return None if len(calls) == 1 else real(session, p, client_key)  # type: ignore[arg-type]

    monkeypatch.setattr(screening, "_by_key", late)
    again = inspector.post("/api/v1/screenings", json=SCREENING, headers={"Idempotency-Key": key})
    assert again.status_code == 200, again.text
    assert again.json()["id"] == first.json()["id"]
    assert calls == [key, key]
    assert _count(engine, key) == (1, 1)
