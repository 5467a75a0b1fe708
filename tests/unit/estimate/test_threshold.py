"""The threshold method's parts: Newton fits, existence, minus-infinity terms, p-values."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from scipy.stats import poisson

from pharos.estimate.models import design, mle_exists
from pharos.estimate.simulate import simulate_table
from pharos.estimate.table import parse_overlap_csv
from pharos.estimate.threshold import (
    Fitter,
    counts_vector,
    newton_poisson,
    p_values,
    select_threshold,
)


def test_newton_matches_statsmodels_glm() -> None:
    table = simulate_table(2000, [0.3, 0.2, 0.25, 0.15], dependence={(0, 1): 3.0}, seed=4)
    model = frozenset({(0, 1), (2, 3)})
    x, y = design(table, model)
    glm = sm.GLM(y, x, family=sm.families.Poisson()).fit(tol=1e-12)
    beta, converged = newton_poisson(x, y)
    assert converged
    np.testing.assert_allclose(beta, glm.params, rtol=1e-7, atol=1e-8)
    fitted = Fitter(table.n_lists, counts_vector(table)).fit(model)
    assert fitted is not None
    assert fitted.loglik == pytest.approx(glm.llf, rel=1e-10)


def test_p_value_is_the_smaller_poisson_tail() -> None:
    observed = np.array([0.0, 3.0, 12.0])
    expected = np.array([2.5, 3.0, 4.0])
    got = p_values(observed, expected)
    for n, m, p in zip(observed, expected, got, strict=True):
        want = min(poisson.cdf(n, m), poisson.sf(n - 1, m))
        assert p == pytest.approx(want, rel=1e-12)


def test_a_non_overlapping_pair_is_fitted_at_minus_infinity() -> None:
    # nobody is on both A and B; far more would be expected if they were independent
    table = parse_overlap_csv("A,B,C,count\n1,0,0,300\n0,1,0,250\n0,0,1,200\n1,0,1,60\n0,1,1,50\n")
    fitter = Fitter(3, counts_vector(table))
    assert fitter.empty == {(0, 1)}
    chosen = select_threshold(fitter)
    assert chosen is not None and (0, 1) in chosen.model
    # every pattern holding both A and B is fitted at exactly 0
    z = fitter.layout.z
    both = (z[:, 0] == 1) & (z[:, 1] == 1)
    assert np.all(chosen.fit.mu[both] == 0) and np.all(chosen.fit.mu[~both] > 0)
    assert chosen.fit.mu.sum() == pytest.approx(table.observed, rel=1e-9)


def test_newton_convergence_agrees_with_the_linear_programme_on_sparse_tables() -> None:
    """The bootstrap's existence test (Newton converges) against Fienberg & Rinaldo's LP."""
    rng = np.random.default_rng(3)
    agree = total = 0
    for _ in range(60):
        n_lists = 4
        probs = rng.uniform(0.02, 0.15, n_lists)
        table = simulate_table(
            int(rng.integers(100, 400)), list(probs), seed=int(rng.integers(1e9))
        )
        if any(table.list_size(name) == 0 for name in table.lists):
            continue
        y = counts_vector(table)
        exact, fast = Fitter(n_lists, y), Fitter(n_lists, y, exact=False)
        pairs = [p for p in exact.layout.pairs if p not in exact.empty]
        for k in range(1, len(pairs) + 1):
            model = frozenset(pairs[:k])
            keep, x = exact._system(model)
            if np.linalg.matrix_rank(x) < x.shape[1]:
                continue
            total += 1
            agree += mle_exists(x, y[keep]) == fast.admissible(model)
    assert total > 100
    assert agree == total


def test_artificial_three_list_table_of_chan_silverman_vincent() -> None:
    """Table 2 of Chan, Silverman & Vincent (2021): models with AB have no estimate."""
    table = parse_overlap_csv("A,B,C,count\n1,0,0,40\n0,1,0,30\n0,0,1,20\n1,1,0,6\n")
    fitter = Fitter(3, counts_vector(table))
    assert fitter.admissible(frozenset())
    assert not fitter.admissible(frozenset({(0, 1)}))
    assert not fitter.admissible(frozenset({(0, 1), (0, 2)}))
    assert fitter.admissible(frozenset({(0, 2), (1, 2)}))
    assert not fitter.admissible(frozenset({(0, 1), (0, 2), (1, 2)}))  # not identifiable
