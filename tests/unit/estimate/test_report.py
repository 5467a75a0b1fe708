"""The estimate as reported: disclosure control, dropped lists, notes and JSON."""

from __future__ import annotations

import json

from pharos.estimate.report import drop_empty_lists, estimate
from pharos.estimate.simulate import simulate_table
from pharos.estimate.table import parse_overlap_csv


def test_the_report_holds_estimate_interval_models_and_protected_cells() -> None:
    table = simulate_table(1500, [0.3, 0.2, 0.25], seed=11)
    result = estimate(table)
    data = result.to_dict()
    json.dumps(data)  # serialisable
    est = data["estimate"]
    assert est["interval"]["total_lower"] <= est["total"] <= est["interval"]["total_upper"]
    assert est["total"] == est["unseen"] + table.observed
    assert data["chosen_model"] == data["models"][0]["model"]
    assert data["models"][0]["delta"] == 0
    assert data["criterion"] == "aic" and data["search"] == "exhaustive"
    small = [c for c in data["table"] if c["suppressed"]]
    assert all(c["count"] is None for c in small)


def test_the_estimate_is_withheld_when_fewer_than_k_people_were_seen() -> None:
    table = parse_overlap_csv("A,B,count\n1,0,4\n0,1,3\n1,1,2\n")
    result = estimate(table, k=11)
    data = result.to_dict()
    assert not result.disclosed
    assert data["estimate"] is None and data["observed"] is None
    assert all(m["total"] is None for m in data["models"])
    assert any("withheld" in note for note in data["notes"])
    assert estimate(table, k=2).to_dict()["estimate"] is not None


def test_a_list_with_no_one_is_dropped_with_a_note() -> None:
    table = parse_overlap_csv("A,B,C,count\n1,0,0,60\n0,1,0,40\n1,1,0,20\n")
    cleaned, dropped = drop_empty_lists(table)
    assert cleaned.lists == ("A", "B") and dropped == ("C",)
    result = estimate(table)
    assert result.dropped_lists == ("C",)
    assert round(result.unseen) == 120


def test_an_unstable_estimate_carries_a_warning() -> None:
    table = parse_overlap_csv("A,B,C,count\n1,0,0,30\n0,1,0,20\n0,0,1,25\n1,0,1,5\n0,1,1,3\n")
    calm = estimate(table, instability_ratio=1000.0)
    shaky = estimate(table, instability_ratio=1.0001, delta=1000.0)
    assert calm.warnings == [] and not calm.to_dict()["unstable"]
    assert shaky.to_dict()["unstable"]
    assert "Unstable estimate" in shaky.to_dict()["warnings"][0]
