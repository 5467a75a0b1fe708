"""Profile-likelihood confidence interval for the hidden figure.

The number of people on no list is exp(intercept) of the log-linear model. Holding the intercept
fixed at b and maximising the Poisson likelihood over every other parameter gives the profile
log-likelihood l_p(b); the interval at level 1 - alpha is the set of b with
2 (l_max - l_p(b)) <= chi2_1(1 - alpha) (Cormack 1992; Baillargeon & Rivest 2007). It is
conditional on the chosen model: it does not include the uncertainty of model selection.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from scipy.optimize import brentq
from scipy.stats import chi2

from pharos.estimate.models import Fit, profile_loglik
from pharos.estimate.table import OverlapTable

#: How far (in log people) from the estimate the search for a bound goes before giving up.
SEARCH_SPAN = 25.0


class IntervalMethod(StrEnum):
    PROFILE = "profile likelihood"
    BOOTSTRAP = "parametric bootstrap with model selection"


@dataclass(frozen=True)
class Interval:
    """Bounds of the unseen count (people); ``upper`` is inf when the likelihood stays flat."""

    lower: float
    upper: float
    level: float
    method: IntervalMethod = IntervalMethod.PROFILE


def profile_interval(table: OverlapTable, best: Fit, level: float = 0.95) -> Interval:
    """The profile-likelihood interval of the unseen count for the fitted model ``best``."""
    if not 0 < level < 1:
        raise ValueError(f"level must be strictly between 0 and 1, got {level}")
    threshold = float(chi2.ppf(level, df=1)) / 2.0
    b_hat = best.intercept
    l_max = profile_loglik(table, best.model, b_hat)

    def excess(b: float) -> float:
        return (l_max - profile_loglik(table, best.model, b)) - threshold

    def bound(direction: float) -> float | None:
        step = 0.05
        inner = b_hat
        while step <= SEARCH_SPAN:
            outer = b_hat + direction * step
            if excess(outer) > 0:
                lo, hi = sorted((inner, outer))
                return float(brentq(excess, lo, hi, xtol=1e-6))
            inner = outer
            step *= 2
        return None

    low_b = bound(-1.0)
    high_b = bound(+1.0)
    lower = math.exp(low_b) if low_b is not None else 0.0
    upper = math.exp(high_b) if high_b is not None else math.inf
    return Interval(lower=lower, upper=upper, level=level)
