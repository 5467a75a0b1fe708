"""On the bundled baseline, a parameter that cannot affect the outcome ranks below the dummy's
upper bound (the noise floor) in a Morris and in a Sobol run (issue 15, item 4).

Before common random numbers each design point drew its own seed, and
``pharos experiment baseline-sobol --design morris --n 2`` gave the inert time of mutual legal
assistance mu* = 38 days on days to identification, above five real parameters. The inert
parameter here is Malta's conviction share: a Maltese verdict cannot change when Egyptians
exploited in Italy are identified, and the test first checks that on the model itself.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from pharos.analysis.model import build_model
from pharos.analysis.runner import model_ref, run_experiment
from pharos.analysis.sensitivity import morris_indices, noise_floor, sobol_indices
from pharos.analysis.spec import parse_experiment

INERT = "mt_conviction_share"
OUTCOME = "focus_days_to_identification"


def baseline(design: str, n: int) -> dict[str, Any]:
    return {
        "model": "pharos-fast",
        "model_options": {
            "scenario": "mediterranean-baseline",
            "focus": {"origin": "EGY", "state": "ITA", "online": True},
        },
        "design": design,
        "n": n,
        "seed": 20261205,
        "batch_size": 32,
        "outcomes": [OUTCOME, "share_identified"],
        "uncertainties": [
            {"name": "it_officers", "path": "states.ITA.identification.officers",
             "low": 10, "high": 40, "distribution": "integer"},
            {"name": "it_ident_days", "path": "states.ITA.identification.mean_days",
             "low": 15, "high": 90},
            {"name": "it_cooperation", "path": "states.ITA.protection.cooperation_share",
             "low": 0.15, "high": 0.6},
            {"name": "egy_ita_recruits", "path": "networks.egy-ita-labour.recruits_per_year",
             "low": 75, "high": 300},
            {"name": INERT, "path": "states.MLT.justice.conviction_share",
             "low": 0.05, "high": 0.6},
        ],
    }  # fmt: skip


def test_the_inert_parameter_is_inert_on_the_model() -> None:
    spec = parse_experiment(baseline("latin_hypercube", 2))
    model = build_model(model_ref(spec))
    seeds = np.array([11, 12], dtype=np.uint64)
    low = model.run_batch({"states.MLT.justice.conviction_share": np.full(2, 0.05)}, seeds, 1)
    high = model.run_batch({"states.MLT.justice.conviction_share": np.full(2, 0.6)}, seeds, 1)
    assert np.array_equal(low[OUTCOME], high[OUTCOME])


@pytest.mark.slow
@pytest.mark.parametrize(("design", "n"), [("morris", 10), ("sobol", 32)])
def test_the_inert_parameter_ranks_below_the_noise_floor(design: str, n: int) -> None:
    result = run_experiment(parse_experiment(baseline(design, n)))
    f = sobol_indices(result, OUTCOME) if design == "sobol" else morris_indices(result, OUTCOME)
    index = "ST" if design == "sobol" else "mu_star"
    floor = noise_floor(f)
    assert floor > 0  # the random numbers do move the outcome
    assert f.loc[INERT, index] < floor and not f.loc[INERT, "above_noise"]
    ranked = list(f.index)
    assert ranked.index(INERT) > ranked.index("dummy")
    # the capacity of formal identification in Italy (docs/analysis.md's finding) ranks first;
    # Morris (10 trajectories) puts both clear of the floor; Sobol at N = 32 cannot yet (the
    # random numbers make about 0.2 of the variance with one replication: measured
    # ST 0.35 +- 0.24 and 0.23 +- 0.12 against a floor of 0.30)
    assert set(ranked[:2]) == {"it_ident_days", "it_officers"}
    if design == "morris":
        assert f.loc[["it_ident_days", "it_officers"], "above_noise"].all()
