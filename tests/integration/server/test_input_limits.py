"""No input yields a server error (issue 14, finding 8): ids beyond the database's range in any
path, unknown codes, and cases opened at the same moment (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import re

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from pharos.store.base import ID_MAX
from pharos.web.testing import PharosClient, app_routes, run_async, signed_in_client

#: Larger than any 64-bit integer: SQLite raised OverflowError on it (a 500).
HUGE = 2**64


def _client(app: FastAPI, username: str) -> PharosClient:
    client = signed_in_client(app, username)
    client.raise_server_exceptions = False
    return client


def _paths(app: FastAPI) -> list[tuple[str, str, str]]:
    """(method, template, path with every id placeholder beyond the range) for each route."""
    out = []
    for route in app_routes(app):
        if (
            not isinstance(getattr(route, "original_route", route), APIRoute)
            or "{" not in route.path
        ):
            continue
        ints = {p.name for p in route.dependant.path_params if p.field_info.annotation is int}
        path = route.path
        for name in re.findall(r"{(\w+)}", route.path):
            value = str(HUGE) if name in ints else "x"
            path = path.replace("{" + name + "}", value)
        out += [(m, route.path, path) for m in sorted(route.methods or ())]
    return out


def test_every_id_in_a_path_is_checked_against_the_databases_range(app: FastAPI) -> None:
    client = _client(app, "it.coordinator")
    failures = []
    checked = 0
    for method, template, path in _paths(app):
        if str(HUGE) not in path:
            continue
        checked += 1
        r = client.request(method, path, data={"status": "done", "action": "accept"})
        if r.status_code >= 500 or r.status_code not in (404, 422):
            failures.append((method, template, r.status_code))
    assert checked >= 25, checked  # cases, referrals, requests, screenings, plan items, ...
    assert failures == []


@pytest.mark.parametrize("value", [ID_MAX + 1, 2**63, HUGE])
def test_an_id_just_beyond_the_range_is_422_and_the_last_one_is_404(
    app: FastAPI, value: int
) -> None:
    client = _client(app, "it.police")
    for path in ("/api/v1/cases/{}", "/api/v1/requests/{}", "/api/v1/screenings/{}"):
        r = client.get(path.format(value))
        assert r.status_code == 422, (path, r.text)
        assert r.json()["detail"][0]["loc"][0] == "path"
        assert client.get(path.format(ID_MAX)).status_code == 404
    pages = client.get(f"/cases/{value}")
    assert pages.status_code == 422 and "<html" in pages.text
    body_ids = [
        ("/api/v1/cases", {"title": "T", "screening_id": value}),
        ("/api/v1/cases/1/referrals", {"to_agency_id": value, "stage": 1}),
        ("/api/v1/cases/1/duplicates", {"flag": value, "resolution": "dismissed"}),
    ]
    for path, body in body_ids:
        r = client.post(path, json=body)
        assert r.status_code == 422, (path, r.text)


def test_an_unknown_or_empty_receiver_state_is_refused(app: FastAPI) -> None:
    client = _client(app, "it.police")
    case = client.post("/api/v1/cases", json={"title": "Receiver codes"})
    assert case.status_code == 201, case.text
    url = f"/api/v1/cases/{case.json()['id']}/instruments"
    for receiver in ("XX", "", "egy", "X" * 500, "ITA\x00"):
        r = client.get(url, params={"receiver": receiver})
        assert r.status_code == 422, (receiver, r.status_code, r.text[:200])
        assert r.json()["detail"][0]["loc"] == ["query", "receiver"]
    assert client.get(url).status_code == 422
    ok = client.get(url, params={"receiver": "EGY"})
    assert ok.status_code == 200 and ok.json()


def _token(app: FastAPI, username: str) -> str:
    client = signed_in_client(app, username)
    page = client.post("/account/tokens", data={"name": "parallel"})
    found = re.search(r"ph_[A-Za-z0-9_-]+", page.text)
    assert found, page.text[:500]
    return found.group(0)


def test_cases_opened_at_the_same_moment_get_distinct_references(app: FastAPI) -> None:
    """8 openings at once, each in its own worker thread and transaction (2 of 8 failed with
    a UNIQUE violation on case_file.reference when the number was read before the insert)."""
    headers = {"Authorization": f"Bearer {_token(app, 'gr.police')}"}

    async def open_all(n: int) -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://testserver", headers=headers
        ) as client:
            return await asyncio.gather(
                *(client.post("/api/v1/cases", json={"title": f"Parallel {i}"}) for i in range(n))
            )

    for _round in range(3):
        answers = run_async(open_all(8))
        assert [r.status_code for r in answers] == [201] * 8, [r.text[:200] for r in answers]
        refs = [r.json()["reference"] for r in answers]
        assert len(set(refs)) == 8, refs
        assert all(re.fullmatch(r"GRC-\d{4}-\d{4}", ref) for ref in refs), refs
    listed = TestClient(app).get("/api/v1/cases", headers=headers).json()["cases"]
    numbers = sorted(int(c["reference"].rsplit("-", 1)[1]) for c in listed)
    assert numbers == list(range(1, len(numbers) + 1))  # no gaps, no repeats
