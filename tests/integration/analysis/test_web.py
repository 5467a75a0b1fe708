"""The analysis pages on a real app: experiments run into ``<data dir>/experiments`` are listed
and shown (design, resume state, Sobol table, PRIM box, regret, the offline report); users
without the permission are refused; names that are not a plain folder name are 404."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pharos.analysis.runner import run_experiment
from pharos.analysis.spec import parse_experiment
from pharos.cli import app as cli
from pharos.web.routes.analysis import REPORT_CSP
from pharos.web.testing import database_url, fresh_database, make_app, signed_in_client

LEVERS = {
    "model": "ishigami",
    "design": "sobol",
    "n": 16,
    "seed": 5,
    "uncertainties": [
        {"name": "x1", "path": "ishigami.x1", "low": -3.14, "high": 3.14},
        {"name": "x2", "path": "ishigami.x2", "low": -3.14, "high": 3.14},
    ],
    "levers": [{"name": "x3", "path": "ishigami.x3", "options": {"zero": 0, "two": 2}}],
    "robustness": {"outcome": "y", "better": "lower"},
}


class _Stop(Exception):
    pass


def _interrupted(folder: Path) -> None:
    """An experiment stopped after its first batch, as an interrupted ``pharos experiment``."""
    spec = parse_experiment({**LEVERS, "batch_size": 32})

    def progress(done: int, total: int) -> None:
        if 0 < done < total:
            raise _Stop

    with pytest.raises(_Stop):
        run_experiment(spec, folder=folder, progress=progress)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    data = tmp_path_factory.mktemp("data")
    experiments = data / "experiments"
    result = CliRunner().invoke(
        cli,
        [
            "experiment",
            "ishigami",
            "--n",
            "32",
            "--backend",
            "serial",
            "--out",
            str(experiments / "ishigami"),
        ],
    )
    assert result.exit_code == 0, result.output
    spec_file = data / "levers.yaml"
    import yaml

    spec_file.write_text(yaml.safe_dump({"experiment": LEVERS}))
    result = CliRunner().invoke(
        cli,
        ["experiment", str(spec_file), "--backend", "serial", "--out", str(experiments / "lev")],
    )
    assert result.exit_code == 0, result.output
    _interrupted(experiments / "half")
    (experiments / "not-an-experiment").mkdir()
    (data / "secret").mkdir()
    (data / "secret" / "experiment.json").write_text("{}")
    url = database_url(request.param, tmp_path_factory.mktemp("db"))
    engine = fresh_database(url)
    yield make_app(url, data_dir=data)
    engine.dispose()


@pytest.mark.parametrize("user", ["it.coordinator", "admin", "iom"])
def test_analysts_see_the_list_with_resume_state(app: Any, user: str) -> None:
    client = signed_in_client(app, user)
    page = client.get("/analysis")
    assert page.status_code == 200
    html = page.text
    assert 'href="/analysis/ishigami"' in html and 'href="/analysis/lev"' in html
    assert "not-an-experiment" not in html
    # Sobol designs carry the dummy factor (noise floor) next to the declared uncertainties:
    assert "320 of 320" in html  # 32 x (2 x (3 + 1) + 2) Sobol runs
    # 16 x (2 x (2 + 1) + 2) scenarios x 2 policies, stopped after one batch of 32
    assert "32 of 256" in html and "resume" in html
    assert 'href="/analysis"' in client.get("/account").text  # the navigation entry


def test_one_experiment_shows_sobol_prim_and_the_report_link(app: Any) -> None:
    client = signed_in_client(app, "it.coordinator")
    html = client.get("/analysis/ishigami").text
    assert "ishigami.x1" in html and "320 of 320" in html  # with the dummy factor
    assert "Total index ST" in html and " ± " in html
    assert "coverage: share of bad runs inside the box" in html
    assert 'href="/analysis/ishigami/report.html"' in html
    report = client.get("/analysis/ishigami/report.html")
    assert report.status_code == 200
    assert report.headers["content-security-policy"] == REPORT_CSP
    assert "plotly-graph-div" in report.text


def test_regret_table_and_french(app: Any) -> None:
    client = signed_in_client(app, "it.coordinator")
    html = client.get("/analysis/lev").text
    assert "90th percentile regret" in html and "zero" in html and "two" in html
    # the lever's effect against the baseline policy, with its interval and relative change
    assert "Which intervention helps most" in html and "Relative change" in html
    assert "x3=zero" in html  # yaml.safe_dump sorted the options: "two" is the first, the baseline
    html = client.get("/analysis/half").text
    assert "32 of 256" in html and "once every run is done" in html  # with the dummy factor
    fr = client.get("/analysis/lev", headers={"Accept-Language": "fr"}).text
    assert "Expériences" in fr


@pytest.mark.parametrize("user", ["it.police", "eg.ngo", "gr.journalist"])
def test_other_users_are_refused(app: Any, user: str) -> None:
    client = signed_in_client(app, user)
    assert client.get("/analysis").status_code == 403
    assert client.get("/analysis/ishigami").status_code == 403
    assert client.get("/analysis/ishigami/report.html").status_code == 403
    assert 'href="/analysis"' not in client.get("/account").text


def test_signed_out_is_sent_to_login(app: Any) -> None:
    from fastapi.testclient import TestClient

    r = TestClient(app, follow_redirects=False).get("/analysis")
    assert r.status_code in (303, 307) and "/login" in r.headers["location"]


@pytest.mark.parametrize(
    "path",
    [
        "/analysis/..%2Fsecret",
        "/analysis/%2E%2E",
        "/analysis/%2E%2E%2Fsecret",
        "/analysis/.hidden",
        "/analysis/not-an-experiment",
        "/analysis/missing",
        "/analysis/..%2Fsecret/report.html",
        "/analysis/half/report.html",
    ],
)
def test_names_outside_the_experiments_folder_are_404(app: Any, path: str) -> None:
    client = signed_in_client(app, "admin")
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("name", ["..", ".", "../secret", "/etc", "a/../../secret", "lev/..", ""])
def test_find_experiment_takes_plain_folder_names_only(tmp_path: Path, name: str) -> None:
    from fastapi import HTTPException

    from pharos.web.routes.analysis import find_experiment

    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "experiment.json").write_text("{}")
    root = tmp_path / "experiments"
    (root / "lev").mkdir(parents=True)
    with pytest.raises(HTTPException) as refused:
        find_experiment(root, name)
    assert refused.value.status_code == 404
