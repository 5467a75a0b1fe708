"""Possible duplicates are confirmed or dismissed explicitly, by an authorised user, audited on
both cases, and the hidden-figure estimate counts confirmed registrations as one person."""

from __future__ import annotations

import itertools
import json

from fastapi import FastAPI
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from pharos.estimate.from_cases import records_from_cases
from pharos.store.models import AuditEntry, DuplicateFlag, Person
from pharos.web.testing import PharosClient, signed_in_client

_serial = itertools.count(1)


def registered_twice(app: FastAPI) -> tuple[PharosClient, PharosClient, int, int, int]:
    """The same person registered by Tunisia's labour inspectorate and its NGO; returns both
    clients, both case ids and the flag on the first case."""
    labour = signed_in_client(app, "tn.labour")
    ngo = signed_in_client(app, "tn.ngo")
    person = {
        "first_name": f"Samira{next(_serial)}",
        "second_name": "Haddad",
        "birthdate": "1999-03-04",
        "citizenship": "TUN",
    }
    ids = []
    for client in (labour, ngo):
        r = client.post("/api/v1/cases", json={"title": "Registration", **person})
        assert r.status_code == 201, r.text
        ids.append(int(r.json()["id"]))
    flags = labour.get(f"/api/v1/cases/{ids[0]}").json()["duplicates"]
    assert [f["resolution"] for f in flags] == [None]
    return labour, ngo, ids[0], ids[1], int(flags[0]["id"])


def persons_counted(engine: Engine, case_ids: set[int]) -> int:
    """How many persons the estimate's lists count among the victims of ``case_ids``."""
    with Session(engine) as s:
        victims = set(
            s.execute(
                select(Person.id).where(Person.case_id.in_(case_ids), Person.role == "victim")
            ).scalars()
        )
        records = records_from_cases(s, states={"TUN"})
    keys = {f"person:{i}" for i in victims}
    return len({r.person for r in records if r.person in keys})


def unresolved_on_dashboard(client: PharosClient, case_ids: set[int]) -> list[int]:
    flags = client.get("/api/v1/dashboard").json()["duplicates"]
    return [f["case_id"] for f in flags if f["case_id"] in case_ids]


def test_dismiss_splits_confirm_joins_both_agencies_see_it_and_it_is_audited(
    app: FastAPI, engine: Engine
) -> None:
    labour, ngo, first, second, flag = registered_twice(app)
    assert persons_counted(engine, {first, second}) == 1  # same match key, nobody decided yet
    assert unresolved_on_dashboard(ngo, {first, second})

    r = labour.post(
        f"/api/v1/cases/{first}/duplicates", json={"flag": flag, "resolution": "dismissed"}
    )
    assert r.status_code == 200, r.text
    assert persons_counted(engine, {first, second}) == 2  # different people
    other = ngo.get(f"/api/v1/cases/{second}").json()["duplicates"][0]
    assert other["resolution"] == "dismissed"
    assert other["resolved_by"] and other["resolved_at"]
    assert not unresolved_on_dashboard(ngo, {first, second})

    # the other agency corrects it: the same person after all
    r = ngo.post(
        f"/api/v1/cases/{second}/duplicates",
        json={"flag": other["id"], "resolution": "confirmed"},
    )
    assert r.status_code == 200, r.text
    assert persons_counted(engine, {first, second}) == 1
    assert labour.get(f"/api/v1/cases/{first}").json()["duplicates"][0]["resolution"] == (
        "confirmed"
    )

    with Session(engine) as s:
        entries = s.execute(
            select(AuditEntry.case_id, AuditEntry.detail).where(
                AuditEntry.action == "resolve_duplicate",
                AuditEntry.case_id.in_([first, second]),
            )
        ).all()
    details = [(c, json.loads(d) if isinstance(d, str) else d) for c, d in entries]
    assert sorted((c, d["resolution"], d["previous"] or "") for c, d in details) == sorted(
        [
            (first, "dismissed", ""),
            (second, "dismissed", ""),
            (first, "confirmed", "dismissed"),
            (second, "confirmed", "dismissed"),
        ]
    )


def test_only_those_who_may_change_the_case_resolve_and_refusals_change_nothing(
    app: FastAPI, engine: Engine
) -> None:
    labour, ngo, first, second, flag = registered_twice(app)
    body = {"flag": flag, "resolution": "confirmed"}
    # another state's police cannot even see the case; Tunisia's NGO may not change it
    assert (
        signed_in_client(app, "eg.police")
        .post(f"/api/v1/cases/{first}/duplicates", json=body)
        .status_code
        == 404
    )
    assert ngo.post(f"/api/v1/cases/{first}/duplicates", json=body).status_code in (403, 404)
    # a flag of another case, through this case
    other_flag = ngo.get(f"/api/v1/cases/{second}").json()["duplicates"][0]["id"]
    r = labour.post(
        f"/api/v1/cases/{first}/duplicates", json={"flag": other_flag, "resolution": "confirmed"}
    )
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "flag"
    with Session(engine) as s:
        rows = s.execute(
            select(DuplicateFlag.resolution, DuplicateFlag.resolved_by_id).where(
                DuplicateFlag.case_id.in_([first, second])
            )
        ).all()
    assert rows and all(row == (None, None) for row in rows)


def test_the_case_page_offers_confirm_and_dismiss(app: FastAPI) -> None:
    labour, _ngo, first, second, flag = registered_twice(app)
    page = labour.get(f"/cases/{first}")
    assert 'value="confirmed"' in page.text and 'value="dismissed"' in page.text
    bad = labour.post(f"/cases/{first}/duplicates", data={"flag": str(flag), "resolution": "x"})
    assert bad.status_code == 422 and 'role="alert"' in bad.text
    r = labour.post(
        f"/cases/{first}/duplicates",
        data={"flag": str(flag), "resolution": "confirmed"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"].endswith("#duplicates")
    page = labour.get(f"/cases/{first}")
    assert "duplicate-resolved" in page.text and 'value="confirmed"' not in page.text
    assert f"#{second}" in page.text
