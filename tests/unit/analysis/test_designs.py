"""Experiment designs: sizes, ranges, policies and seeds."""

from __future__ import annotations

import numpy as np

from pharos.analysis.designs import make_design, policies, run_seed, run_table
from pharos.analysis.spec import parse_experiment


def test_design_sizes(ishigami) -> None:
    d = 3
    assert len(make_design(parse_experiment(ishigami("sobol", 64))).scenarios) == 64 * (2 * d + 2)
    assert len(make_design(parse_experiment(ishigami("morris", 10))).scenarios) == 10 * (d + 1)
    assert len(make_design(parse_experiment(ishigami("latin_hypercube", 50))).scenarios) == 50
    assert len(make_design(parse_experiment(ishigami("full_factorial", 4))).scenarios) == 4**d


def test_values_follow_each_distribution(ishigami) -> None:
    data = ishigami("latin_hypercube", 400)
    data["uncertainties"] = [
        {"name": "u", "path": "ishigami.x1", "low": 2, "high": 5},
        {"name": "g", "path": "ishigami.x2", "low": 1, "high": 100, "distribution": "loguniform"},
        {"name": "k", "path": "ishigami.x3", "low": 1, "high": 4, "distribution": "integer"},
    ]
    s = make_design(parse_experiment(data)).scenarios
    assert s["u"].between(2, 5).all() and s["g"].between(1, 100).all()
    assert set(s["k"]) == {1.0, 2.0, 3.0, 4.0}
    # log-uniform: about half the values below the geometric midpoint 10
    assert 0.4 < (s["g"] < 10).mean() < 0.6
    # Latin hypercube: exactly one value per stratum of each uncertainty
    strata = np.floor((s["u"] - 2) / 3 * 400).astype(int)
    assert sorted(strata) == list(range(400))


def test_policies_are_every_combination_of_lever_options(ishigami) -> None:
    spec = parse_experiment(
        ishigami(
            uncertainties=ishigami()["uncertainties"][:2],
            levers=[
                {"name": "a", "path": "ishigami.x3", "options": {"off": 0, "on": 1}},
            ],
        )
    )
    names = [p.name for p in policies(spec)]
    assert names == ["baseline", "a=on"]
    table = run_table(spec, make_design(spec))
    assert len(table) == 2 * len(make_design(spec).scenarios)
    # both policies of one scenario share the seed: common random numbers
    first = table[table["scenario"] == 0]
    assert first["seed"].nunique() == 1 and list(first["a"]) == [0.0, 1.0]


def test_seeds_depend_on_experiment_seed_and_scenario_only() -> None:
    seeds = [run_seed(5, s) for s in range(1000)]
    assert len(set(seeds)) == 1000
    assert seeds == [run_seed(5, s) for s in range(1000)]
    assert run_seed(6, 0) != run_seed(5, 0)


def test_same_seed_same_design(ishigami) -> None:
    a = make_design(parse_experiment(ishigami("latin_hypercube", 30)))
    b = make_design(parse_experiment(ishigami("latin_hypercube", 30)))
    c = make_design(parse_experiment(ishigami("latin_hypercube", 30, seed=12)))
    assert a.scenarios.equals(b.scenarios)
    assert not a.scenarios.equals(c.scenarios)
