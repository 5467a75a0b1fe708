"""Learn pages through the server: analytics, CSV downloads, trends, equity, lessons, plan."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI

from pharos.learn.importing import import_file
from pharos.learn.store import Store
from pharos.web.testing import database_url, fresh_database, make_app, signed_in_client

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "learn"


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    folder = tmp_path_factory.mktemp("learn-web")
    url = database_url(request.param, folder)
    engine = fresh_database(url)
    store = Store(folder / "data" / "learn")
    for name in ("ctdc_global_quirks.csv", "ctdc_synthetic_quirks.csv", "htcds_variants.csv"):
        assert import_file(store, FIXTURES / name).written
    yield make_app(url, data_dir=folder / "data")
    engine.dispose()


def test_analytics_page_and_csv(app: FastAPI) -> None:
    client = signed_in_client(app, "it.labour")
    page = client.get("/learn?focus=all")
    assert page.status_code == 200
    assert "Victims registered per year" in page.text and "/learn/plotly.min.js" in page.text
    # nothing loaded from another host (no CDN); not a search for "cdn" in the page, which a
    # random CSRF token can contain
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page.text), page.text
    csv = client.get("/learn/data/victims_by_year.csv?focus=all")
    assert csv.status_code == 200 and csv.text.startswith("year,victims")
    # 14 victims over 11 years: every year is below k = 11, so no count is shown
    assert all(line.endswith(",") for line in csv.text.strip().splitlines()[1:])
    assert client.get("/learn/data/nothing.csv").status_code == 404
    equity = client.get("/learn/equity.csv?dimension=gender")
    assert equity.status_code == 200 and equity.text.startswith("dimension,group,cases")
    trends = client.get("/learn/trends.csv")
    assert trends.status_code == 200 and trends.text.startswith("dimension,category,since")
    js = client.get("/learn/plotly.min.js")
    assert js.status_code == 200 and len(js.content) > 1_000_000


def test_pages_in_french_and_arabic(app: FastAPI) -> None:
    client = signed_in_client(app, "gr.ngo")
    fr = client.get("/learn/equity?lang=fr")
    assert fr.status_code == 200 and "Égalité de protection" in fr.text
    ar = client.get("/learn/trends?lang=ar")
    assert ar.status_code == 200 and 'dir="rtl"' in ar.text


def test_lessons_search_and_overdue_plan(app: FastAPI) -> None:
    client = signed_in_client(app, "it.coordinator")
    r = client.post(
        "/learn/lessons",
        data={
            "title": "Interpreters at disembarkation",
            "text": "Cultural mediators at the port of Lampedusa shortened identification.",
            "pillar": "protection",
            "state": "ITA",
            "source_kind": "after_action_report",
            "practitioner_kinds": ["interpreter_mediator", "law_enforcement"],
            "exploitation_types": ["sexual_exploitation"],
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    found = client.get("/learn/lessons?q=mediator")
    assert "Interpreters at disembarkation" in found.text
    assert "Interpreters at disembarkation" not in client.get("/learn/lessons?q=prosecutor").text
    bad = client.post("/learn/lessons", data={"title": "", "text": "x", "pillar": "magic",
                                              "source_kind": "manual"})  # fmt: skip
    assert bad.status_code == 422
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    r = client.post("/learn/plan", data={"title": "Train port police on indicators",
                                         "owner": "Questura", "due_date": yesterday},
                    follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    page = client.get("/learn/lessons")
    assert "1 action is overdue." in page.text and 'class="overdue"' in page.text


def test_everyone_must_sign_in(app: FastAPI) -> None:
    from fastapi.testclient import TestClient

    anonymous = TestClient(app)
    r = anonymous.get("/learn", follow_redirects=False)
    assert r.status_code == 303 and "/login" in r.headers["location"]
    assert anonymous.get("/learn/data/flows.csv", follow_redirects=False).status_code == 303


def test_import_page_refuses_by_size_and_reports_refusals(app: FastAPI) -> None:
    labour = signed_in_client(app, "it.labour")
    assert labour.get("/learn/import").status_code == 403  # only the coordinator imports
    client = signed_in_client(app, "it.coordinator")
    assert client.get("/learn/import").status_code == 200
    huge = client.post(
        "/learn/import",
        content=b"x" * 10,
        headers={
            "content-length": str(2 * 1024**3),
            "content-type": "multipart/form-data; boundary=b",
        },
    )
    assert huge.status_code == 413 and "more than the limit" in huge.text
    bad = (FIXTURES / "ctdc_synthetic_quirks.csv").read_text().replace("2019,Man,", "2019,Alien,")
    r = client.post("/learn/import", files={"file": ("upload.csv", bad.encode(), "text/csv")})
    assert r.status_code == 422
    assert "unknown gender code" in r.text and "Nothing was stored" in r.text
    r = client.post("/learn/import", files={"file": ("notes.pdf", b"%PDF", "application/pdf")})
    assert r.status_code == 422 and "CSV or Excel" in r.text


def test_simulated_data_is_labelled_and_not_mixed_in(app: FastAPI) -> None:
    import polars as pl

    from pharos.learn.schema import conform

    client = signed_in_client(app, "it.coordinator")
    before = client.get("/learn/equity.csv?dimension=gender").text
    store = Store(Path(app.state.settings.data_dir) / "learn")
    rows = [{"source": "simulation", "gender": "feminine", "identified": True}] * 40
    frame = conform(pl.DataFrame(rows), "case_outcomes")
    dataset = store.add(kind="simulation", file="s/baseline", digest="f" * 64,
                        tables={"case_outcomes": frame}, origin="simulation",
                        details={"scenario": "mediterranean-baseline", "seed": 3})  # fmt: skip
    try:
        page = client.get("/learn/import").text
        assert "SIMULATED (scenario mediterranean-baseline, overlay none, seed 3)" in page
        assert client.get("/learn/equity.csv?dimension=gender").text == before
    finally:
        store.remove(dataset)
