"""An eighth state of the region, added as data only.

``tests/fixtures/eighth_state/data`` is an extra domain data folder (``PHAROS_DOMAIN_DATA``) that
makes Libya a partner state, with its powers, a place and the demo's agencies; no code knows of
it. With it: the command line's demo walks through eight states, a screening and a small
simulation run with Libya in them, and the main pages let a Libyan practitioner screen a person
and open a case, and an Italian one send a request to Libya, in English and in French, and an
exercise offers its teams instruments towards Libya. The names are CLDR's ("Libye", "ليبيا").
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from fastapi import FastAPI
from typer.testing import CliRunner

from pharos.cli import app as cli
from pharos.domain.geography import country_name, region_state_codes
from pharos.exercise.runtime.service import Hub
from pharos.web.testing import (
    app_on,
    extra_domain_data,
    signed_in_client,
    start_exercise,
)

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "eighth_state"
RAGUSA = ROOT / "examples" / "screening" / "01_agriculture_ragusa_greenhouse.yaml"
runner = CliRunner()
#: The shipped region's states, read before the fixture adds Libya (a state added by the recipe
#: "A new state" of docs/architecture.md must not fail this test).
SHIPPED = region_state_codes()


@pytest.fixture(scope="module", autouse=True)
def eighth_state() -> Iterator[None]:
    with extra_domain_data(FIXTURE / "data"):
        yield


def _cli(*args: str) -> str:
    result = runner.invoke(cli, list(args), env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_region_has_an_eighth_state() -> None:
    assert "LBY" not in SHIPPED
    # in the order of countries.yaml, where Libya's record already stands
    assert sorted(region_state_codes()) == sorted((*SHIPPED, "LBY"))
    assert [country_name("LBY", lang) for lang in ("en", "fr", "ar")] == ["Libya", "Libye", "ليبيا"]


def test_the_demo_walks_through_eight_states() -> None:
    out = _cli("--lang", "en", "demo")
    states = out[out.index("The states of the region") : out.index("2. Who may do what")]
    assert re.search(r"LBY\s+│\s+Libya\s+│", states)
    powers = out[out.index("2. Who may do what") : out.index("3. Cooperation")]
    assert "Libya" in powers
    instruments = out[out.index("3. Cooperation") : out.index("4. Screening")]
    assert re.search(r"ITA\s+│\s+LBY\s+│\s+Police information exchange \(Interpol\)", instruments)
    assert _cli("--lang", "fr", "reference", "states").count("Libye") == 1


def test_a_screening_of_a_person_from_the_new_state(tmp_path: Path) -> None:
    vignette = RAGUSA.read_text(encoding="utf-8").replace("nationality: EGY", "nationality: LY")
    path = tmp_path / "libyan.yaml"
    path.write_text(vignette, encoding="utf-8")
    data = json.loads(_cli("--lang", "en", "screen", "--json", str(path)))
    assert data["presumption"] == "trafficking_for_labour_exploitation"
    assert "nationality LBY" in _cli("--lang", "en", "screen", str(path))


def test_a_small_simulation_with_the_new_state(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _cli(
        "--lang", "en", "simulate", str(FIXTURE / "scenario.yaml"), "--seed", "3", "--out", str(out)
    )
    summary = pl.read_csv(out / "baseline" / "summary.csv")
    libya = summary.filter((pl.col("dimension") == "state") & (pl.col("level") == "LBY"))
    identified = libya.filter(pl.col("indicator") == "share_identified")["mean"].item()
    assert 0 < identified < 1
    requests = pl.read_csv(out / "baseline" / "requests.csv")
    assert "LBY" in set(requests["sender"]) | set(requests["receiver"])
    # the same scenario without the extra data is refused while Libya is not a state of the
    # shipped region (once it is, the fixture's countries.yaml adds nothing)
    with extra_domain_data(None):
        shipped = region_state_codes()
        refused = tmp_path / "refused"
        args = ["--lang", "en", "simulate", str(FIXTURE / "scenario.yaml"), "--out", str(refused)]
        result = runner.invoke(cli, args)
    if "LBY" not in shipped:
        assert result.exit_code != 0 and "'LBY' is not one of" in result.output
        assert not refused.exists()


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FastAPI]:
    with app_on(request.param, tmp_path_factory.mktemp("db")) as app:
        yield app


def _id(response: object, prefix: str) -> int:
    m = re.match(prefix + r"(\d+)", response.headers["location"])  # type: ignore[attr-defined]
    assert m, response.headers["location"]  # type: ignore[attr-defined]
    return int(m.group(1))


def test_the_main_pages_with_the_new_state(app: FastAPI) -> None:
    libyan = signed_in_client(app, "ly.police")  # a demo account of the new state
    assert "Libya" in libyan.get("/").text
    r = libyan.post(
        "/screenings",
        data={
            "person_label": "Worker B, Benghazi",
            "age": "31",
            "gender": "masculine",
            "nationality": "ERI",
            "exploitation": "forced_labour",
            "ind_dr_nature_of_job": "present",
            "ind_dr_conditions_of_work": "present",
        },
    )
    assert r.status_code == 303, r.text[:300]
    screening = _id(r, "/screenings/")
    r = libyan.post(
        "/cases",
        data={
            "screening_id": str(screening),
            "title": "Worker, Benghazi",
            "first_name": "Yonas",
            "second_name": "Tesfay",
            "birthdate": "1993-01-15",
            "citizenship": "ERI",
            "gender": "masculine",
            "exploitation_types": "forced_labour",
        },
    )
    assert r.status_code == 303, r.text[:300]
    case = _id(r, "/cases/")
    page = libyan.get(f"/cases/{case}")
    assert page.status_code == 200 and "LBY-" in page.text and "Libya" in page.text
    listing = libyan.get("/cases").text
    assert "Libya" in listing
    directory = libyan.get("/directory", params={"state": "LBY"}).text
    assert "Law enforcement — Tripoli (demo)" in directory
    assert '<option value="LBY" selected>Libya</option>' in directory

    italian = signed_in_client(app, "it.police")
    r = italian.post(
        "/cases",
        data={"title": "Courier, Catania", "first_name": "Sara", "citizenship": "NGA"},
    )
    assert r.status_code == 303, r.text[:300]
    ita_case = _id(r, "/cases/")
    assert '<option value="LBY">Libya</option>' in italian.get(f"/cases/{ita_case}").text
    compose = italian.get(f"/cases/{ita_case}/requests/new", params={"receiver": "LBY"})
    assert "Request to Libya" in compose.text
    assert "Police information exchange" in compose.text
    assert "European Investigation Order" not in compose.text  # Libya is not in the EU
    r = italian.post(
        f"/cases/{ita_case}/requests",
        data={
            "receiver_state": "LBY",
            "type": "police_information_exchange",
            "subject": "Boat organiser in Zuwara",
            "body": "Please check the phone number the passengers were given.",
        },
    )
    assert r.status_code == 303, r.text[:300]
    request_id = _id(r, "/requests/")
    detail = libyan.get(f"/requests/{request_id}")
    assert detail.status_code == 200 and "Sara" not in detail.text  # pseudonymised
    french = italian.get(f"/requests/{request_id}", headers={"Accept-Language": "fr"}).text
    assert "(Libye)" in french and "(Italie)" in french
    arabic = libyan.get(f"/cases/{case}", headers={"Accept-Language": "ar"}).text
    assert "ليبيا" in arabic
    lessons = italian.get("/learn/lessons").text
    assert '<option value="LBY">Libya</option>' in lessons


def test_an_exercise_offers_instruments_towards_the_new_state(app: FastAPI) -> None:
    director = signed_in_client(app, "it.coordinator")
    ex = start_exercise(director)
    assert director.get("/exercises").status_code == 200
    police = signed_in_client(app, "it.police")
    play = police.get(f"/exercises/{ex}/play").text
    assert 'value="LBY:police_information_exchange"' in play and "Libya" in play
    session = Hub.for_engine(app.state.engine).session(ex)
    session.advance_days(0.2)
    session.act(
        "ita-police",
        "marco",
        type="send_cross_border_request",
        to_state="LBY",
        instrument="police_information_exchange",
        persona="karim",
        question="Who organised the crossing?",
    )
    assert any(r.to_state == "LBY" for r in session.state.requests)
