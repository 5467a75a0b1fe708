"""Log-linear (Poisson) models of an overlap table and the checks that a model can be fitted.

A model has an intercept, one main effect per list and a chosen set of two-list interactions
(a positive interaction: being on list A makes being on list B more likely). The fitted count of
the all-zero pattern — exp(intercept) — is the number of people on no list.

Before fitting, each model is checked as in Chan, Silverman & Vincent (2021) after Fienberg &
Rinaldo (2012):

* *empty overlap*: an interaction between two lists that share no one has no finite maximum
  likelihood estimate (its estimate runs to minus infinity);
* *existence*: a linear program asks whether some strictly positive table has the same
  sufficient statistics as the data; if not, the maximum likelihood estimate does not exist;
* *identifiability*: the design matrix over the 2**L - 1 observable patterns must have full
  column rank.

Fitting uses statsmodels' GLM (Poisson family, log link).
"""

from __future__ import annotations

import itertools
import math
import warnings
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import statsmodels.api as sm
from numpy.typing import NDArray
from scipy.optimize import linprog

from pharos.estimate.table import OverlapTable, all_patterns
from pharos.i18n import _

Pair = tuple[int, int]
#: A model is the set of its two-list interactions (main effects are always in).
Model = frozenset[Pair]

#: The LP optimum below which the maximum likelihood estimate is taken not to exist.
LP_TOLERANCE = 1e-7


class Exclusion(StrEnum):
    """Why a model was not fitted."""

    EMPTY_OVERLAP = "empty_overlap"
    NO_MLE = "no_mle"
    NOT_IDENTIFIABLE = "not_identifiable"
    NOT_CONVERGED = "not_converged"


@dataclass(frozen=True)
class Fit:
    """One fitted model: criterion values, the hidden figure and its parameters."""

    model: Model
    aic: float
    bic: float
    deviance: float
    df_resid: int
    n_params: int
    loglik: float
    unseen: float
    intercept: float
    observed: int

    @property
    def total(self) -> float:
        """Estimated population: people seen plus people on no list."""
        return self.observed + self.unseen

    def criterion(self, name: str) -> float:
        """BIC for "bic"; AIC otherwise (the threshold method's models are shown with AIC)."""
        return self.bic if name == "bic" else self.aic


@dataclass(frozen=True)
class Excluded:
    """A model left out, the reason, and the list pairs at fault (empty overlaps)."""

    model: Model
    reason: Exclusion
    pairs: tuple[Pair, ...] = ()


def model_label(model: Model, lists: tuple[str, ...]) -> str:
    """Readable name: ``main effects + PF:NCA + NG:PF``."""
    terms = [f"{lists[i]}:{lists[j]}" for i, j in sorted(model)]
    return " + ".join([_("main effects"), *terms])


def all_pairs(n_lists: int) -> list[Pair]:
    return list(itertools.combinations(range(n_lists), 2))


def design(table: OverlapTable, model: Model) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Design matrix over every non-empty pattern (intercept, mains, pairs) and the counts."""
    patterns = all_patterns(table.n_lists)
    z = np.array(patterns, dtype=float)
    columns = [np.ones(len(patterns)), *(z[:, i] for i in range(table.n_lists))]
    columns += [z[:, i] * z[:, j] for i, j in sorted(model)]
    y = np.array([table.counts[p] for p in patterns], dtype=float)
    return np.column_stack(columns), y


def empty_pairs(table: OverlapTable) -> set[Pair]:
    """List pairs (by index) that share no one."""
    return {
        (i, j)
        for i, j in all_pairs(table.n_lists)
        if table.overlap(table.lists[i], table.lists[j]) == 0
    }


def mle_exists(x: NDArray[np.float64], y: NDArray[np.float64]) -> bool:
    """Fienberg & Rinaldo's test: is there a table m > 0 with X'm = X'y?

    Maximise s subject to X'm = X'y, m_i >= s, 0 <= s <= 1; the MLE exists iff the optimum is
    strictly positive (the observed margins lie in the relative interior of the marginal cone).
    Written with m = u + s (u >= 0) so that the only constraints are the few margin equations:
    X'u + (X'1) s = X'y.
    """
    n_cells, _ = x.shape
    c = np.zeros(n_cells + 1)
    c[-1] = -1.0  # minimise -s
    a_eq = np.hstack([x.T, x.sum(axis=0)[:, None]])
    b_eq = x.T @ y
    bounds = [(0, None)] * n_cells + [(0, 1)]
    res = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    return bool(res.status == 0 and -res.fun > LP_TOLERANCE)


def check(table: OverlapTable, model: Model, empties: set[Pair] | None = None) -> Excluded | None:
    """The reason ``model`` cannot be fitted to ``table``, or None if it can."""
    empties = empty_pairs(table) if empties is None else empties
    bad = tuple(sorted(model & empties))
    if bad:
        return Excluded(model, Exclusion.EMPTY_OVERLAP, bad)
    x, y = design(table, model)
    if np.linalg.matrix_rank(x) < x.shape[1]:
        return Excluded(model, Exclusion.NOT_IDENTIFIABLE)
    if not mle_exists(x, y):
        return Excluded(model, Exclusion.NO_MLE)
    return None


def _glm(
    y: NDArray[np.float64], x: NDArray[np.float64], offset: NDArray[np.float64] | None = None
) -> sm.GLM:
    return sm.GLM(y, x, family=sm.families.Poisson(), offset=offset)


def fit(table: OverlapTable, model: Model) -> Fit | Excluded:
    """Fit ``model`` by maximum likelihood (statsmodels GLM, Poisson, log link)."""
    reason = check(table, model)
    if reason is not None:
        return reason
    x, y = design(table, model)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = _glm(y, x).fit(maxiter=200, tol=1e-10)
    params = np.asarray(result.params, dtype=float)
    converged = bool(getattr(result, "converged", True))
    if not converged or not np.all(np.isfinite(params)) or params[0] > 50:
        return Excluded(model, Exclusion.NOT_CONVERGED)
    loglik = float(result.llf)
    k = x.shape[1]
    n_cells = x.shape[0]
    return Fit(
        model=model,
        aic=-2 * loglik + 2 * k,
        # BIC with log(number of people seen), the sample size of the capture data
        bic=-2 * loglik + k * math.log(max(table.observed, 2)),
        deviance=float(result.deviance),
        df_resid=n_cells - k,
        n_params=k,
        loglik=loglik,
        unseen=float(math.exp(params[0])),
        intercept=float(params[0]),
        observed=table.observed,
    )


def profile_loglik(table: OverlapTable, model: Model, intercept: float) -> float:
    """Maximised log-likelihood of ``model`` with the intercept (log unseen) held fixed."""
    x, y = design(table, model)
    offset = np.full(len(y), intercept)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = _glm(y, x[:, 1:], offset=offset).fit(maxiter=200, tol=1e-10)
    return float(result.llf)
