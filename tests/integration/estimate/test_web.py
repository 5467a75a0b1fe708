"""The hidden-figure page and API on a real app (SQLite; PostgreSQL when configured)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from pharos.store.models.accounts import Agency, User
from pharos.store.models.cases import Case, Person
from pharos.web.testing import database_url, fresh_database, make_app, signed_in_client


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    url = database_url(request.param, tmp_path_factory.mktemp("db"))
    engine = fresh_database(url)
    _add_cases(engine)
    yield make_app(url)
    engine.dispose()


def _add_cases(engine: Any) -> None:
    """Victims registered by three Italian agencies, some by several (same match key)."""
    with Session(engine) as s:
        agencies = {
            a.kind: a
            for a in s.execute(select(Agency).where(Agency.state == "ITA")).scalars()
            if a.kind in {"law_enforcement", "ngo", "labour_inspector"}
        }
        owner = s.execute(select(User).where(User.username == "it.coordinator")).scalar_one()
        n = 0
        # (lists, how many people): an overlap table police/ngo/labour
        plan = [
            (("law_enforcement",), 40),
            (("ngo",), 30),
            (("labour_inspector",), 25),
            (("law_enforcement", "ngo"), 12),
            (("law_enforcement", "labour_inspector"), 8),
            (("ngo", "labour_inspector"), 6),
            (("law_enforcement", "ngo", "labour_inspector"), 3),
        ]
        people = [kinds for kinds, count in plan for _ in range(count)]
        for person_no, kinds in enumerate(people, start=1):
            for kind in kinds:
                n += 1
                case = Case(
                    reference=f"EST-{n}",
                    state="ITA",
                    owner_agency_id=agencies[kind].id,
                    owner_user_id=owner.id,
                    created_by_id=owner.id,
                    exploitation_types=["forced_labour"],
                    created_at=datetime(2025, 3, 1, tzinfo=UTC),
                )
                case.persons.append(
                    Person(
                        role="victim",
                        gender="feminine" if person_no % 2 else "masculine",
                        birthdate=date(1990, 1, 1),
                        match_key=f"key-{person_no}",
                    )
                )
                s.add(case)
        s.commit()


def test_the_page_is_in_the_navigation_and_offers_the_published_tables(app: Any) -> None:
    client = signed_in_client(app, "it.labour")
    page = client.get("/estimate")
    assert page.status_code == 200
    assert 'href="/estimate"' in page.text
    assert "United Kingdom 2013" in page.text
    # a labour inspector may not build tables from the cases
    assert 'value="cases"' not in page.text


def test_estimating_a_published_table_shows_estimate_chart_and_explanation(app: Any) -> None:
    client = signed_in_client(app, "it.labour")
    r = client.post(
        "/estimate",
        data={"source": "example", "example": "UKdat_5", "criterion": "aic", "k": "11"},
    )
    assert r.status_code == 200, r.text
    assert "11,313" in r.text
    assert "9,908" in r.text and "13,064" in r.text
    assert 'id="estimate-chart-data"' in r.text and "/estimate/plotly.min.js" in r.text
    assert "What this estimate rests on" in r.text
    assert "&lt;11" in r.text  # suppressed cells
    js = client.get("/estimate/plotly.min.js")
    assert js.status_code == 200 and "plotly" in js.text[:2000].lower()
    css = client.get("/estimate/plotly.css")
    assert css.status_code == 200 and ".js-plotly-plot .plotly .main-svg" in css.text


def test_an_uploaded_bad_table_is_refused_naming_line_and_field(app: Any, tmp_path: Path) -> None:
    client = signed_in_client(app, "it.labour")
    r = client.post(
        "/estimate",
        data={"source": "upload", "criterion": "aic", "k": "11"},
        files={"table": ("t.csv", b"A,B,count\n1,0,4\n2,1,3\n", "text/csv")},
    )
    assert r.status_code == 422
    assert "line 3" in r.text and "field A" in r.text


def test_the_page_in_arabic_is_right_to_left(app: Any) -> None:
    client = signed_in_client(app, "it.labour")
    r = client.get("/estimate?lang=ar")
    assert 'dir="rtl"' in r.text
    assert "الرقم الخفي" in r.text


def test_a_coordinator_estimates_from_the_cases_of_their_state(app: Any) -> None:
    client = signed_in_client(app, "it.coordinator")
    page = client.get("/estimate")
    assert 'value="cases"' in page.text
    r = client.post(
        "/estimate",
        data={"source": "cases", "state": "ITA", "list_by": "kind", "year": "2025", "k": "2"},
    )
    assert r.status_code == 200, r.text
    assert "law_enforcement" in r.text and "labour_inspector" in r.text
    # 124 people seen; the model estimates more
    assert "124" in r.text
    other_state = client.post("/estimate", data={"source": "cases", "state": "GRC", "k": "11"})
    assert other_state.status_code == 422


def test_the_api_answers_json_and_requires_sign_in(app: Any) -> None:
    client = signed_in_client(app, "gr.ngo")
    r = client.post("/api/v1/estimate", json={"example": "Western", "criterion": "bic"})
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["criterion"] == "bic" and data["estimate"]["total"] > 345
    bad = client.post("/api/v1/estimate", json={"csv": "A,count\n1,3\n"})
    assert bad.status_code == 422
    from fastapi.testclient import TestClient

    anonymous = TestClient(app)
    assert anonymous.post("/api/v1/estimate", json={"example": "UKdat"}).status_code in (401, 403)
