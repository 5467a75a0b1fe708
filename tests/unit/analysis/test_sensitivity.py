"""Global sensitivity through the whole pipeline recovers known Sobol indices (Ishigami)."""

from __future__ import annotations

import pytest

from pharos.analysis.runner import run_experiment
from pharos.analysis.sensitivity import SensitivityError, morris_indices, sobol_indices
from pharos.analysis.spec import parse_experiment
from pharos.analysis.toy import ishigami_indices

# With N = 1024 (8,192 runs) the Saltelli estimators of the Ishigami indices have a standard
# error of about 0.02-0.03; 0.06 is about two standard errors.
TOLERANCE = 0.06


def test_ishigami_sobol_indices_are_recovered(ishigami) -> None:
    result = run_experiment(parse_experiment(ishigami("sobol", 1024)))
    si = sobol_indices(result, "y")
    exact = ishigami_indices()
    for name in ("x1", "x2", "x3"):
        for kind in ("S1", "ST"):
            assert si.loc[name, kind] == pytest.approx(exact[kind][name], abs=TOLERANCE), (
                name,
                kind,
            )
        assert 0 < si.loc[name, "ST_conf"] < 0.15
    # ranked by total index; the Ishigami function draws no random numbers, so the dummy (which
    # changes only the seed) has an index of 0 and every real input is clear of the noise floor
    assert list(si.index) == ["x1", "x2", "x3", "dummy"]
    assert si.loc["dummy", "ST"] == pytest.approx(0.0, abs=1e-12)
    assert si.loc[["x1", "x2", "x3"], "above_noise"].all()


def test_morris_finds_the_inert_input(ishigami) -> None:
    # with b = 0 the Ishigami function does not depend on x3 at all
    result = run_experiment(parse_experiment(ishigami("morris", 40, model_options={"b": 0.0})))
    mi = morris_indices(result, "y")
    assert mi.loc["x3", "mu_star"] == pytest.approx(0.0, abs=1e-12)
    assert not mi.loc["x3", "above_noise"] and mi.loc[["x1", "x2"], "above_noise"].all()
    assert mi.loc["x2", "mu_star"] > mi.loc["x1", "mu_star"] > 0.1


def test_indices_need_the_matching_design(ishigami) -> None:
    result = run_experiment(parse_experiment(ishigami("latin_hypercube", 20)))
    with pytest.raises(SensitivityError, match="Sobol design"):
        sobol_indices(result, "y")
    with pytest.raises(SensitivityError, match="Morris design"):
        morris_indices(result, "y")
