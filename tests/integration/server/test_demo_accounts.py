"""The demo has someone to give a task to (issue 18): the police, labour inspectorate, NGO and
social welfare agencies of every state have a second caseworker, ``<iso2>.<kind>2``, in the
same agency as the first; the README's list of demo accounts names only accounts the demo loads.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from pharos.coordinate import demo, tasks
from pharos.domain.geography import country, region_state_codes
from pharos.domain.practitioners import PractitionerKind as K
from pharos.store.models import User
from pharos.web.testing import signed_in_client

pytestmark = pytest.mark.slow

README = Path(__file__).resolve().parents[3] / "README.md"
SECOND = {K.LAW_ENFORCEMENT, K.LABOUR_INSPECTOR, K.NGO, K.SOCIAL_WELFARE}


def test_every_state_has_second_caseworkers_in_the_same_agency(engine: Engine) -> None:
    assert set(demo.second_caseworkers()) == SECOND
    with Session(engine) as s:
        users = {u.username: u for u in s.execute(select(User)).scalars()}
        for code in region_state_codes():
            iso2 = country(code).iso2.lower()
            for kind in SECOND:
                first = users[f"{iso2}.{demo.SHORT[kind]}"]
                second = users[f"{iso2}.{demo.SHORT[kind]}2"]
                assert second.agency_id == first.agency_id, second.username
                assert (second.kind, second.state) == (kind.value, code)
                assert second.active and not second.is_admin
                # each is the other's colleague: the one a task or a case can be given to
                names = {u.username for u in tasks.colleagues(s, first.agency_id)}
                assert names == {first.username, second.username}
            # the other kinds keep one account per agency
            assert f"{iso2}.journalist2" not in users and f"{iso2}.prosecutor2" not in users


def test_a_second_caseworker_signs_in_and_is_offered_as_an_assignee(app: FastAPI) -> None:
    labour = signed_in_client(app, "it.labour")
    case = labour.post("/api/v1/cases", json={"title": "Someone to give a task to"}).json()
    page = labour.get(f"/cases/{case['id']}").text
    with Session(app.state.engine) as s:
        second = s.execute(select(User).where(User.username == "it.labour2")).scalar_one()
    assert re.search(rf'<option value="{second.id}"[^>]*>[^<]*Labour inspector \(2\)', page)
    assert signed_in_client(app, "it.labour2").get("/").status_code == 200


def test_the_readme_names_only_accounts_the_demo_loads(engine: Engine) -> None:
    text = README.read_text(encoding="utf-8")
    start = text.index("demo accounts")
    named = set(re.findall(r"`([a-z]{2}\.[a-z]+2?|admin)`", text[start : start + 1200]))
    assert {"it.labour", "it.labour2", "it.police2", "eg.police2", "admin"} <= named
    with Session(engine) as s:
        known = set(s.execute(select(User.username)).scalars())
    assert named <= known, sorted(named - known)


def test_a_kind_the_demo_does_not_have_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    real = demo.load_data_file

    def data(name: str, package: str) -> dict[str, object]:
        out = dict(real(name, package))
        out["second_caseworkers"] = ["ngo", "astronaut"]
        return out

    monkeypatch.setattr(demo, "load_data_file", data)
    with pytest.raises(demo.DemoDataError, match=r"demo\.yaml: second_caseworkers: 'astronaut'"):
        demo.second_caseworkers()
