"""The analysis pages in Chromium: an Ishigami experiment in the data dir is listed and shown,
and its offline report draws its plotly charts under the report's sandboxed CSP.

Screenshots go to $PHAROS_SCREENSHOTS when set (to look at the pages), else to pytest's tmp dir.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pharos.web.testing import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def analysis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A live server whose data dir holds one finished Ishigami experiment (with its report)."""
    from pharos.analysis.report import write_report
    from pharos.analysis.runner import run_experiment
    from pharos.analysis.spec import load_experiment
    from pharos.cli.analysis import bundled_experiment
    from pharos.web.testing import fresh_database, make_app, served

    data = tmp_path_factory.mktemp("analysis-live")
    path = bundled_experiment("ishigami")
    assert path is not None
    spec, _doc = load_experiment(path)
    spec = spec.model_copy(update={"n": 16})
    folder = data / "experiments" / "ishigami"
    write_report(run_experiment(spec, folder=folder), folder)
    url = f"sqlite:///{data / 'pharos.db'}"
    fresh_database(url).dispose()
    with served(make_app(url, data_dir=data)) as base:
        yield base


def test_list_experiment_and_report_in_chromium(
    page: Any, analysis_server: str, tmp_path: Path
) -> None:
    shots = Path(os.environ.get("PHAROS_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, analysis_server, "it.coordinator")
    page.goto(analysis_server + "/analysis")
    page.screenshot(path=str(shots / "analysis-list.png"), full_page=True)
    page.click("text=ishigami")
    page.wait_for_url("**/analysis/ishigami")
    # header + x1, x2, x3 + the dummy factor (the noise floor), with the floor stated above
    assert page.locator("table.sensitivity tr").count() == 5
    assert page.locator("table.sensitivity tr.dummy").count() == 1
    assert "Noise floor" in page.locator("p.noise-floor").first.inner_text()
    page.screenshot(path=str(shots / "analysis-experiment.png"), full_page=True)
    page.goto(analysis_server + "/analysis/ishigami/report.html")
    page.wait_for_selector(".main-svg", timeout=30_000)
    assert page.locator(".js-plotly-plot").count() >= 2
    # the noise floor drawn on the sensitivity chart: a dashed line and its label
    assert page.locator("text=noise floor").count() >= 1
    page.screenshot(path=str(shots / "analysis-report.png"))
    assert errors == []
