"""Coverage: on data simulated from a known population the interval holds the truth.

Each scenario draws capture data from a population of 1,000 people with a seed per replication,
selects a model by AIC (exhaustive search) and computes the 95% profile-likelihood interval of
the total. Measured when this test was written (seeds 0-79 per scenario):

* 3 independent lists (0.30, 0.25, 0.20): 70/80 = 88%;
* 3 lists, A-B positive dependence (odds ratio 3): 70/80 = 88%;
* 4 independent lists (0.30, 0.25, 0.20, 0.20), 40 replications: 34/40 = 85%.

Coverage below the nominal 95% is expected: the interval is conditional on the chosen model and
ignores the uncertainty of model selection. The test asks for at least 80% in each scenario.
"""

from __future__ import annotations

import pytest

from pharos.estimate.report import estimate
from pharos.estimate.simulate import simulate_table

POPULATION = 1000
SCENARIOS = [
    ("three independent lists", [0.30, 0.25, 0.20], None, 80),
    ("A-B positive dependence", [0.30, 0.25, 0.20], {(0, 1): 3.0}, 80),
    ("four independent lists", [0.30, 0.25, 0.20, 0.20], None, 40),
]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "probs", "dependence", "reps"), SCENARIOS)
def test_the_true_total_is_inside_the_interval_in_most_replications(
    name: str, probs: list[float], dependence: dict[tuple[int, int], float] | None, reps: int
) -> None:
    hits = 0
    for seed in range(reps):
        table = simulate_table(POPULATION, probs, dependence=dependence, seed=seed)
        low, high = estimate(table, "aic").total_interval
        hits += low <= POPULATION <= high
    coverage = hits / reps
    print(f"{name}: coverage {hits}/{reps} = {coverage:.0%}")
    assert coverage >= 0.80, f"{name}: coverage {coverage:.0%}"


# The default (threshold method, bootstrap interval drawn from the looser threshold's model) on
# populations shaped like real tables: the full figures for every table come from
# scripts/mse_coverage.py (docs/hidden-figure.md). A short seeded run: 40 simulations of 99
# replications each (seed 7: UKdat_5 40/40, NewOrl_5 40/40, Western 40/40 when written; the
# UK table is the one where the interval drawn from the chosen model fell short, 86.5% over 200
# simulations). With 40 simulations the Monte Carlo standard error is about 3.5 points, so the
# test asks for at least 85% (three standard errors below the nominal 95%).
@pytest.mark.slow
@pytest.mark.parametrize("name", ["UKdat_5", "NewOrl_5", "Western"])
def test_the_default_interval_covers_populations_shaped_like_real_tables(name: str) -> None:
    import importlib.util
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[3] / "scripts" / "mse_coverage.py"
    spec = importlib.util.spec_from_file_location("mse_coverage", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    result = module.simulate(name, simulations=40, replications=99, seed=7)
    print(f"{name}: {result.covered}/{result.simulations} = {result.share:.0%}")
    assert result.failed == 0
    assert result.share >= 0.85, f"{name}: coverage {result.share:.0%}"
