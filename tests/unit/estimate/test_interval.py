"""Profile-likelihood intervals for the hidden figure."""

from __future__ import annotations

import math

import pytest

from pharos.estimate.interval import profile_interval
from pharos.estimate.models import Fit, fit
from pharos.estimate.table import parse_overlap_csv

TABLE = parse_overlap_csv(
    "A,B,C,count\n1,0,0,60\n0,1,0,45\n0,0,1,50\n1,1,0,15\n1,0,1,18\n0,1,1,12\n1,1,1,4\n"
)


def _best() -> Fit:
    result = fit(TABLE, frozenset())
    assert isinstance(result, Fit)
    return result


def test_the_interval_contains_the_estimate_and_widens_with_the_level() -> None:
    best = _best()
    narrow = profile_interval(TABLE, best, 0.80)
    wide = profile_interval(TABLE, best, 0.95)
    assert narrow.lower < best.unseen < narrow.upper
    assert wide.lower < narrow.lower and wide.upper > narrow.upper
    assert math.isfinite(wide.upper)


def test_the_bounds_are_where_the_deviance_rises_by_the_chi_square_quantile() -> None:
    from pharos.estimate.models import profile_loglik

    best = _best()
    interval = profile_interval(TABLE, best, 0.95)
    top = profile_loglik(TABLE, best.model, best.intercept)
    for bound in (interval.lower, interval.upper):
        drop = 2 * (top - profile_loglik(TABLE, best.model, math.log(bound)))
        assert drop == pytest.approx(3.841, abs=1e-3)


def test_an_impossible_level_is_refused() -> None:
    with pytest.raises(ValueError):
        profile_interval(TABLE, _best(), 1.0)
