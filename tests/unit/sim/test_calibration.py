"""Calibration targets: shipped with their source; the comparison and the ranking."""

from functools import cache

import pandas as pd

from pharos.scenario import Scenario, load_scenario, set_params
from pharos.sim.calibration import TOLERANCE, compare, load_targets, ranking
from pharos.sim.runner import run_many


def test_every_target_has_a_source_and_years() -> None:
    targets = load_targets()
    assert len(targets) >= 30
    states = {t.state for t in targets if t.metric == "identified"}
    assert states == {"DZA", "EGY", "TUN", "ITA", "GRC", "MLT", "ESP"}
    for t in targets:
        assert t.source and t.years and t.value > 0


@cache
def _short() -> Scenario:
    return set_params(load_scenario("mediterranean-baseline"), {"horizon_days": 1825})


def test_compare_reports_relative_error_and_tolerance() -> None:
    tables = run_many(_short(), 2, 3)
    table = compare(tables, _short())
    assert set(table.columns) >= {"reference", "model", "relative_error", "source"}
    ita = table[(table.metric == "identified") & (table.state == "ITA")].iloc[0]
    assert ita["relative_error"] == (ita["model"] - ita["reference"]) / ita["reference"]
    assert ita["within_tolerance"] == (abs(ita["relative_error"]) <= TOLERANCE)
    ref, _model = ranking(table)
    assert ref[0] == "ITA" and ref[-1] == "MLT"


def test_ranking_compares_orders() -> None:
    t = pd.DataFrame(
        {
            "metric": ["identified"] * 3,
            "state": ["A", "B", "C"],
            "reference": [3.0, 2.0, 1.0],
            "model": [1.0, 2.0, 3.0],
        }
    )
    assert ranking(t) == (["A", "B", "C"], ["C", "B", "A"])
