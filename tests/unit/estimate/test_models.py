"""Fitting one log-linear model and the checks that exclude models that cannot be fitted."""

from __future__ import annotations

import pytest

from pharos.estimate.models import Excluded, Exclusion, Fit, check, fit, model_label
from pharos.estimate.table import parse_overlap_csv


def test_two_lists_main_effects_is_the_lincoln_petersen_estimate() -> None:
    # n10 * n01 / n11 = 60 * 40 / 20 = 120 people on neither list
    table = parse_overlap_csv("A,B,count\n1,0,60\n0,1,40\n1,1,20\n")
    result = fit(table, frozenset())
    assert isinstance(result, Fit)
    assert result.unseen == pytest.approx(120.0, rel=1e-6)
    assert result.total == pytest.approx(240.0, rel=1e-6)


def test_an_interaction_between_lists_that_share_no_one_is_excluded() -> None:
    table = parse_overlap_csv("A,B,C,count\n1,0,0,30\n0,1,0,20\n0,0,1,25\n1,0,1,5\n0,1,1,3\n")
    result = fit(table, frozenset({(0, 1)}))
    assert isinstance(result, Excluded)
    assert result.reason is Exclusion.EMPTY_OVERLAP
    assert result.pairs == ((0, 1),)


def test_a_model_whose_mle_does_not_exist_is_excluded_by_the_linear_program() -> None:
    # every pair overlaps, but with all three interactions the fit must put 0 in cell A+B+C
    table = parse_overlap_csv(
        "A,B,C,count\n1,0,0,10\n0,1,0,10\n0,0,1,10\n1,1,0,5\n1,0,1,5\n0,1,1,5\n"
    )
    everything = frozenset({(0, 1), (0, 2), (1, 2)})
    assert check(table, everything) == Excluded(everything, Exclusion.NO_MLE)
    assert check(table, frozenset({(0, 1), (0, 2)})) is None


def test_a_model_with_more_parameters_than_cells_is_not_identifiable() -> None:
    table = parse_overlap_csv("A,B,count\n1,0,60\n0,1,40\n1,1,20\n")
    result = fit(table, frozenset({(0, 1)}))
    assert isinstance(result, Excluded)
    assert result.reason is Exclusion.NOT_IDENTIFIABLE


def test_positive_dependence_raises_the_estimate_when_modelled() -> None:
    table = parse_overlap_csv(
        "A,B,C,count\n1,0,0,40\n0,1,0,40\n0,0,1,40\n1,1,0,30\n1,0,1,8\n0,1,1,8\n1,1,1,6\n"
    )
    independent = fit(table, frozenset())
    with_ab = fit(table, frozenset({(0, 1)}))
    assert isinstance(independent, Fit) and isinstance(with_ab, Fit)
    assert with_ab.total > independent.total
    assert with_ab.aic < independent.aic
    assert model_label(with_ab.model, table.lists) == "main effects + A:B"
