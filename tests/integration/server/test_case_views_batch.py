"""``cases.views_of`` (the case list's identity views, three queries for a page) says what
``cases.view_of`` says case by case, for readers of every kind in the case's state, across the
border, in a state a case moved away from and where an override disclosed it. On SQLite and
PostgreSQL."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from pharos.coordinate.accounts import principal
from pharos.coordinate.cases import view_of, views_of
from pharos.store.models import Case, User
from pharos.web.testing import signed_in_client


def _case(client, title: str, consent: dict[str, bool]) -> int:  # type: ignore[no-untyped-def]
    r = client.post("/api/v1/cases", json={"title": title, "first_name": "Amina"})
    assert r.status_code == 201, r.text
    case_id = int(r.json()["id"])
    if consent:
        r = client.post(f"/api/v1/cases/{case_id}/consent", json={"informed": True, **consent})
        assert r.status_code == 200, r.text
    return case_id


def _agency(client, state: str, kind: str) -> int:  # type: ignore[no-untyped-def]
    found = client.get("/api/v1/directory", params={"state": state}).json()
    return int(next(a["id"] for a in found if a["kind"] == kind))


def test_views_of_agrees_with_view_of(app: FastAPI, engine: Engine) -> None:
    labour = signed_in_client(app, "it.labour")
    police = signed_in_client(app, "it.police")
    everything = {
        "consent_for_services": True,
        "disclosure_other_orgs": True,
        "disclosure_cross_border": True,
    }
    _case(labour, "no consent", {})
    _case(labour, "across borders", everything)
    moved = _case(police, "moved to Egypt", everything)
    r = police.post(
        f"/api/v1/cases/{moved}/referrals",
        json={
            "kind": "transfer",
            "to_agency_id": _agency(police, "EGY", "law_enforcement"),
            "stage": 3,
            "reason": "other",
        },
    )
    assert r.status_code == 201, r.text
    eg = signed_in_client(app, "eg.police")
    assert eg.post(f"/api/v1/referrals/{r.json()['id']}/respond", json={"action": "accept"})
    # the consent withdrawn after the move: Italy now sees what it held
    eg.post(f"/api/v1/cases/{moved}/consent", json={"informed": True})
    overridden = _case(police, "override", {"informed": True, "consent_for_services": True})
    r = police.post(
        f"/api/v1/cases/{overridden}/referrals",
        json={
            "to_agency_id": _agency(police, "TUN", "ngo"),
            "stage": 2,
            "reason": "other",
            "override_reason": "Imminent danger",
        },
    )
    assert r.status_code == 201, r.text
    readers = ["it.labour", "it.police", "it.journalist", "eg.police", "tn.ngo", "tn.police"]
    with Session(engine) as s:
        cases = list(s.execute(select(Case).order_by(Case.id)).scalars())
        seen = set()
        for name in readers:
            p = principal(s.execute(select(User).where(User.username == name)).scalar_one())
            batch = views_of(s, p, cases)
            one_by_one = {c.id: view_of(s, p, c) for c in cases}
            assert batch == one_by_one, name
            seen |= set(batch.values())
    assert len(seen) == 4  # full, held, pseudonymised and none all occurred
