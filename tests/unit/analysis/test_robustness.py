"""Regret of interventions across scenarios."""

from __future__ import annotations

import pytest

from pharos.analysis.robustness import regret_table
from pharos.analysis.runner import run_experiment
from pharos.analysis.spec import parse_experiment


def test_regret_against_the_best_policy_in_each_scenario(ishigami) -> None:
    data = ishigami("latin_hypercube", 200)
    data["uncertainties"] = data["uncertainties"][:2]
    data["levers"] = [{"name": "x3", "path": "ishigami.x3", "options": {"zero": 0, "two": 2}}]
    result = run_experiment(parse_experiment(data))
    table = regret_table(result, "y", better="lower")
    # y = sin x1 (1 + 0.1 x3^4) + 7 sin^2 x2: x3 = 2 lowers y exactly when sin x1 < 0
    runs = result.runs[result.runs["policy"] == "baseline"]
    share_negative = (runs["x1"].map(lambda v: __import__("math").sin(v)) < 0).mean()
    assert table.loc["x3=two", "share_best"] == pytest.approx(share_negative)
    assert table.loc["x3=two", "share_improves"] == pytest.approx(share_negative)
    assert table.loc["baseline", "share_improves"] == 0
    assert (table["max_regret"] >= table["p90_regret"]).all()
    assert (table["mean_regret"] >= 0).all()
    higher = regret_table(result, "y", better="higher")
    assert higher.loc["x3=two", "share_best"] == pytest.approx(1 - share_negative)
