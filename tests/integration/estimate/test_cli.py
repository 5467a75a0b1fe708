"""``pharos estimate``: the printed estimate, --json, and exit code 2 on bad tables."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from pharos.cli import app
from pharos.estimate.simulate import simulate_table

runner = CliRunner()


def _table(tmp_path: Path) -> Path:
    path = tmp_path / "lists.csv"
    path.write_text(simulate_table(2000, [0.3, 0.2, 0.25], seed=2).to_csv(), encoding="utf-8")
    return path


def test_prints_estimate_interval_chosen_model_and_alternatives(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--lang", "en", "estimate", str(_table(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "Estimated total" in result.output
    assert "95% interval" in result.output
    assert "Method: stepwise p-value threshold 0.02" in result.output
    assert "Interval method: parametric bootstrap repeating the model selection" in result.output
    assert "Models on the search's path" in result.output
    aic = runner.invoke(
        app, ["--lang", "en", "estimate", str(_table(tmp_path)), "--criterion", "aic"]
    )
    assert aic.exit_code == 0, aic.output
    assert "Method: lowest AIC, exhaustive search" in aic.output
    assert "Models considered" in aic.output


def test_too_few_replications_are_refused(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["--lang", "en", "estimate", str(_table(tmp_path)), "--replications", "5"]
    )
    assert result.exit_code == 2
    assert "at least 19 bootstrap replications" in result.output


def test_json_output_and_bic(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["estimate", str(_table(tmp_path)), "--json", "--criterion", "bic", "--k", "20"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["criterion"] == "bic" and data["k"] == 20
    assert data["estimate"]["interval"]["method"] == "profile likelihood"
    assert all(c["count"] is None or c["count"] >= 20 for c in data["table"])


def test_french_output(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--lang", "fr", "estimate", str(_table(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "Total estimé" in result.output


def test_bad_table_exits_2_naming_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("A,B,count\n1,0,4\n0,1,-2\n", encoding="utf-8")
    result = runner.invoke(app, ["--lang", "en", "estimate", str(bad)])
    assert result.exit_code == 2
    assert "line 3" in result.output and "field count" in result.output
    missing = runner.invoke(app, ["estimate", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 2
    low_k = runner.invoke(app, ["estimate", str(bad), "--k", "1"])
    assert low_k.exit_code == 2
