"""Scenario discovery with PRIM finds the box where outcomes are bad."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pharos.analysis.discovery import bad_runs, find_box


def test_prim_finds_the_planted_box() -> None:
    rng = np.random.default_rng(3)
    x = pd.DataFrame(rng.uniform(0, 1, (3000, 4)), columns=["a", "b", "c", "d"])
    bad = ((x["a"] > 0.7) & (x["b"] < 0.4)).to_numpy()
    box = find_box(x, bad)
    assert box is not None
    limits = {r.uncertainty: (r.low, r.high) for r in box.restrictions}
    assert set(limits) == {"a", "b"}
    assert abs(limits["a"][0] - 0.7) < 0.05 and abs(limits["b"][1] - 0.4) < 0.05
    assert box.coverage >= 0.6 and box.density > 0.9
    assert abs(box.bad_share - bad.mean()) < 1e-12
    assert abs(box.mass - ((x["a"] >= limits["a"][0]) & (x["b"] <= limits["b"][1])).mean()) < 0.01


def test_nothing_to_explain() -> None:
    x = pd.DataFrame({"a": np.linspace(0, 1, 50)})
    assert find_box(x, np.zeros(50, dtype=bool)) is None
    assert find_box(x, np.ones(50, dtype=bool)) is None


def test_bad_runs_above_below_and_missing() -> None:
    v = np.array([1.0, 5.0, np.nan, 3.0])
    assert bad_runs(v, 3.0, "above").tolist() == [False, True, True, False]
    assert bad_runs(v, 3.0, "below").tolist() == [True, False, True, False]
