"""Experiment designs: sizes, ranges, policies and seeds."""

from __future__ import annotations

import numpy as np
import pytest

from pharos.analysis.designs import (
    DUMMY,
    design_warnings,
    make_design,
    policies,
    run_seed,
    run_table,
)
from pharos.analysis.spec import ExperimentSpecError, parse_experiment


def test_design_sizes(ishigami) -> None:
    # Sobol and Morris designs carry one more factor than the declared uncertainties, the dummy
    # (the noise floor; issue 15 item 4): Saltelli N x (2(D+1) + 2), Morris r x (D+2)
    d = 3
    sobol = make_design(parse_experiment(ishigami("sobol", 64)))
    assert len(sobol.scenarios) == 64 * (2 * (d + 1) + 2)
    assert list(sobol.scenarios.columns) == ["x1", "x2", "x3", DUMMY]
    assert len(make_design(parse_experiment(ishigami("morris", 10))).scenarios) == 10 * (d + 2)
    assert len(make_design(parse_experiment(ishigami("latin_hypercube", 50))).scenarios) == 50
    assert len(make_design(parse_experiment(ishigami("full_factorial", 4))).scenarios) == 4**d
    # an experiment run before the dummy (design version 1) is read back with its own design
    assert len(make_design(parse_experiment(ishigami("sobol", 64)), 1).scenarios) == 64 * 8


def test_common_random_numbers_by_default(ishigami) -> None:
    # LHS and full factorial: one seed for every run
    spec = parse_experiment(ishigami("latin_hypercube", 30))
    assert run_table(spec, make_design(spec))["seed"].nunique() == 1
    # without common random numbers each design point has its own seed (the old behaviour)
    spec = parse_experiment(ishigami("latin_hypercube", 30, common_random_numbers=False))
    assert run_table(spec, make_design(spec))["seed"].nunique() == 30


def test_the_dummy_alone_chooses_the_seed_in_sobol_and_morris(ishigami) -> None:
    # Saltelli: the run that swaps in column i of B (i a real factor) keeps A's dummy value, so
    # its difference from A measures factor i on the same random numbers; only the dummy's own
    # swap changes the seed
    spec = parse_experiment(ishigami("sobol", 16))
    design = make_design(spec)
    table = run_table(spec, design)
    k = 4  # factors, the dummy last
    seeds = table["seed"].to_numpy().reshape(16, 2 * k + 2)
    a, ab, b = seeds[:, 0], seeds[:, 1 : k + 1], seeds[:, -1]
    for i in range(k - 1):
        assert (ab[:, i] == a).all()
    assert (ab[:, k - 1] == b).all() and (a != b).all()
    # Morris: along a trajectory the seed changes exactly at the dummy's step
    spec = parse_experiment(ishigami("morris", 6))
    design = make_design(spec)
    table = run_table(spec, design)
    dummy_moves = np.diff(design.unit[:, -1].reshape(6, 5), axis=1) != 0
    seed_moves = np.diff(table["seed"].to_numpy().reshape(6, 5).astype(float), axis=1) != 0
    assert (dummy_moves == seed_moves).all()


def test_the_name_dummy_is_kept(ishigami) -> None:
    data = ishigami("sobol", 8)
    data["uncertainties"][2]["name"] = "dummy"
    with pytest.raises(ExperimentSpecError, match="noise-floor factor"):
        parse_experiment(data)
    parse_experiment({**data, "design": "latin_hypercube"})  # no dummy there: the name is free


def test_warnings_for_designs_too_small(ishigami) -> None:
    assert design_warnings(parse_experiment(ishigami("morris", 2)))[0].startswith(
        "only 2 Morris trajectories"
    )
    assert design_warnings(parse_experiment(ishigami("morris", 10))) == []
    assert "power of two" in design_warnings(parse_experiment(ishigami("sobol", 100)))[0]
    assert design_warnings(parse_experiment(ishigami("sobol", 128))) == []


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


def test_a_toy_rests_on_no_default(ishigami) -> None:
    from pharos.analysis.report import outcome_defaults
    from pharos.analysis.runner import run_experiment

    assert outcome_defaults(run_experiment(parse_experiment(ishigami("latin_hypercube", 4)))) == {}
