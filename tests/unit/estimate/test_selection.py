"""Model selection: exhaustive for few lists, stepwise for many, exclusions and instability."""

from __future__ import annotations

import pytest

from pharos.estimate.models import Exclusion
from pharos.estimate.options import Criterion
from pharos.estimate.selection import NoModelError, Search, select
from pharos.estimate.simulate import simulate_table
from pharos.estimate.table import parse_overlap_csv


def test_three_lists_are_searched_exhaustively_and_empty_overlaps_excluded() -> None:
    table = parse_overlap_csv("A,B,C,count\n1,0,0,30\n0,1,0,20\n0,0,1,25\n1,0,1,5\n0,1,1,3\n")
    result = select(table)
    assert result.search is Search.EXHAUSTIVE
    assert len(result.fits) + len(result.excluded) == 8
    # every model with A:B is excluded: A and B share no one
    reasons = {e.model: e.reason for e in result.excluded}
    assert [m for m, r in reasons.items() if r is Exclusion.EMPTY_OVERLAP] == [
        m for m in reasons if (0, 1) in m
    ]
    assert len([r for r in reasons.values() if r is Exclusion.EMPTY_OVERLAP]) == 4
    # A:C + B:C leaves the C = 0 slice saturated, forcing 0 people on A+B only: no MLE
    assert reasons[frozenset({(0, 2), (1, 2)})] is Exclusion.NO_MLE
    assert all((0, 1) not in f.model for f in result.fits)
    assert result.empty == ((0, 1),)
    assert result.best.aic == min(f.aic for f in result.fits)


def test_a_dependence_between_two_lists_is_found_by_aic() -> None:
    table = simulate_table(3000, [0.3, 0.3, 0.3], dependence={(0, 1): 4.0}, seed=3)
    result = select(table, Criterion.AIC)
    assert (0, 1) in result.best.model
    assert result.best.total == pytest.approx(3000, rel=0.15)


def test_bic_never_chooses_a_larger_model_than_aic_here() -> None:
    table = simulate_table(2000, [0.2, 0.25, 0.3, 0.2], seed=5)
    aic = select(table, "aic")
    bic = select(table, "bic")
    assert len(bic.best.model) <= len(aic.best.model)
    assert bic.best.bic == min(f.bic for f in bic.fits)


def test_many_lists_use_a_stepwise_search() -> None:
    table = simulate_table(3000, [0.2, 0.15, 0.25, 0.2, 0.1, 0.15], seed=7)
    result = select(table)
    assert result.search is Search.STEPWISE
    # far fewer than the 2**15 subsets were fitted
    assert len(result.fits) < 300
    assert result.best.total == pytest.approx(3000, rel=0.25)


def test_reasonable_alternatives_that_disagree_make_the_estimate_unstable() -> None:
    table = parse_overlap_csv("A,B,C,count\n1,0,0,30\n0,1,0,20\n0,0,1,25\n1,0,1,5\n0,1,1,3\n")
    stable = select(table, instability_ratio=1000.0)
    shaky = select(table, instability_ratio=1.0001, delta=1000.0)
    assert not stable.unstable
    assert shaky.unstable


def test_no_fittable_model_is_an_error() -> None:
    # two lists that share no one: only the main-effects model exists and its MLE does not
    table = parse_overlap_csv("A,B,count\n1,0,3\n0,1,4\n")
    with pytest.raises(NoModelError):
        select(table)
