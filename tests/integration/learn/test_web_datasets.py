"""The dataset picker of the learn pages: real data by default, simulated data only when
chosen, always under a banner, never mixed with real data, unknown ids refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from pharos.learn.importing import import_file
from pharos.learn.schema import conform
from pharos.learn.store import Store
from pharos.web.testing import database_url, fresh_database, make_app, signed_in_client

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "learn"
LABEL = "SIMULATED (scenario mediterranean-baseline, overlay none, seed 3)"


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FastAPI]:
    folder = tmp_path_factory.mktemp("learn-picker")
    url = database_url(request.param, folder)
    engine = fresh_database(url)
    store = Store(folder / "data" / "learn")
    for name in ("ctdc_global_quirks.csv", "htcds_variants.csv"):
        assert import_file(store, FIXTURES / name).written
    # 2021: 37 simulated victims, 2022: 23 (both above k = 11, so the counts are shown)
    victims = [
        {
            "source": "simulation",
            "year": 2021,
            "gender": "feminine",
            "citizenship": "NGA",
            "exploitation_country": "ITA",
        }
    ] * 37
    victims += [{"source": "simulation", "year": 2022, "gender": "masculine",
                 "citizenship": "EGY", "exploitation_country": "ITA"}] * 23  # fmt: skip
    cases = [{"source": "simulation", "gender": "feminine", "identified": True}] * 40
    store.add(kind="simulation", file="s/baseline", digest="f" * 64, origin="simulation",
              tables={"victims": conform(pl.DataFrame(victims), "victims"),
                      "case_outcomes": conform(pl.DataFrame(cases), "case_outcomes")},
              details={"scenario": "mediterranean-baseline", "seed": 3})  # fmt: skip
    yield make_app(url, data_dir=folder / "data")
    engine.dispose()


def _ids(app: FastAPI) -> dict[str, str]:
    store = Store(Path(app.state.settings.data_dir) / "learn")
    return {str(m.get("origin", "real")) + ":" + str(m["kind"]): m["id"] for m in store.datasets()}


def _simulated(app: FastAPI) -> str:
    return next(v for k, v in _ids(app).items() if k.startswith("simulation:"))


def test_default_view_is_real_data_only_and_offers_the_picker(app: FastAPI) -> None:
    client = signed_in_client(app, "it.labour")
    page = client.get("/learn?focus=all")
    assert page.status_code == 200
    assert 'name="dataset"' in page.text and LABEL in page.text  # offered in the picker
    assert "NOT REAL DATA" not in page.text and "origin-banner" not in page.text
    csv = client.get("/learn/data/victims_by_year.csv?focus=all").text
    assert csv.startswith("year,victims") and "2021,37" not in csv
    for path in ("/learn/trends", "/learn/equity"):
        r = client.get(path)
        assert r.status_code == 200 and "origin-banner" not in r.text and 'name="dataset"' in r.text
    assert client.get("/learn/equity.csv").text.startswith("dimension,group,cases")


def test_a_simulated_dataset_shows_its_banner_and_its_numbers(app: FastAPI) -> None:
    client = signed_in_client(app, "it.labour")
    sim = _simulated(app)
    page = client.get(f"/learn?focus=all&dataset={sim}")
    assert page.status_code == 200
    assert "origin-banner" in page.text and f"NOT REAL DATA: {LABEL}" in page.text
    assert f'value="{sim}" selected' in page.text
    # the chart title names the origin, in the caption and inside the figure
    assert f"Victims registered per year — NOT REAL DATA: {LABEL}" in page.text
    csv = client.get(f"/learn/data/victims_by_year.csv?focus=all&dataset={sim}")
    lines = csv.text.splitlines()
    assert csv.status_code == 200 and "NOT REAL DATA" in lines[0] and LABEL in lines[0]
    assert lines[1] == "year,victims" and "2021,37" in lines and "2022,23" in lines
    equity = client.get(f"/learn/equity?dataset={sim}")
    assert equity.status_code == 200 and f"NOT REAL DATA: {LABEL}" in equity.text
    assert "Cases from the chosen datasets only: 40 in all." in equity.text
    ecsv = client.get(f"/learn/equity.csv?dimension=gender&dataset={sim}").text.splitlines()
    assert "NOT REAL DATA" in ecsv[0] and ecsv[1].startswith("dimension,group,cases")
    # 40 of 40 identified: a share of 100 % says it of each one, so it is hidden (issue 16)
    assert any(line.startswith("gender,feminine,40,,,,") for line in ecsv)
    trends = client.get(f"/learn/trends?dataset={sim}")
    assert trends.status_code == 200 and f"NOT REAL DATA: {LABEL}" in trends.text
    tcsv = client.get(f"/learn/trends.csv?dataset={sim}").text.splitlines()
    assert "NOT REAL DATA" in tcsv[0] and tcsv[1].startswith("dimension,category,since")


def test_real_and_simulated_datasets_are_never_mixed(app: FastAPI) -> None:
    client = signed_in_client(app, "it.labour")
    ids = _ids(app)
    real = next(v for k, v in ids.items() if k.startswith("real:"))
    query = f"dataset={real}&dataset={_simulated(app)}"
    for path in ("/learn", "/learn/trends", "/learn/equity"):
        r = client.get(f"{path}?{query}")
        assert r.status_code == 400 and "never shown together" in r.text, path
        assert "plot" not in r.text.split("</form>", 1)[1], path  # no chart is drawn
    for path in ("/learn/data/victims_by_year.csv", "/learn/trends.csv", "/learn/equity.csv"):
        r = client.get(f"{path}?{query}")
        assert r.status_code == 400 and "never shown together" in r.text, path
    fr = client.get(f"/learn?{query}&lang=fr")
    assert fr.status_code == 400 and "ne sont jamais montrées ensemble" in fr.text


def test_unknown_dataset_is_refused(app: FastAPI) -> None:
    client = signed_in_client(app, "it.labour")
    for path in ("/learn", "/learn/trends", "/learn/equity"):
        r = client.get(f"{path}?dataset=nope-123")
        assert r.status_code == 400 and "No dataset nope-123" in r.text, path
        assert "<script>" not in r.text
    for path in ("/learn/data/flows.csv", "/learn/trends.csv", "/learn/equity.csv"):
        r = client.get(f"{path}?dataset=nope-123")
        assert r.status_code == 400 and "No dataset nope-123" in r.text, path


def test_the_picker_keeps_the_pages_permissions(app: FastAPI) -> None:
    anonymous = TestClient(app)
    sim = _simulated(app)
    for path in ("/learn", "/learn/trends", "/learn/equity.csv"):
        r = anonymous.get(f"{path}?dataset={sim}", follow_redirects=False)
        assert r.status_code in (302, 303, 401, 403), path
        assert LABEL not in r.text
