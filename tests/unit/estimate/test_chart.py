"""The chart of the estimate across models."""

from __future__ import annotations

from pharos.estimate.chart import models_chart
from pharos.estimate.report import estimate
from pharos.estimate.simulate import simulate_table
from pharos.estimate.table import parse_overlap_csv


def test_the_chart_marks_the_chosen_model_with_its_interval() -> None:
    result = estimate(simulate_table(1500, [0.3, 0.2, 0.25], seed=8))
    chart = models_chart(result)
    assert chart is not None
    others, reasonable, chosen = chart["data"]
    assert chosen["y"] == [round(result.total)]
    assert chosen["x"] == [0]
    low, _high = result.total_interval
    assert chosen["error_y"]["arrayminus"] == [round(result.total - low)]
    assert len(others["x"]) + len(reasonable["x"]) + 1 == len(result.selection.fits)
    assert all(x <= result.selection.delta for x in reasonable["x"])


def test_no_chart_when_the_estimate_is_withheld() -> None:
    result = estimate(parse_overlap_csv("A,B,count\n1,0,4\n0,1,3\n1,1,2\n"))
    assert models_chart(result) is None
