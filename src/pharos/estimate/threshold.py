"""Stepwise selection by a p-value threshold, for sparse tables (Chan, Silverman & Vincent 2021).

Chan, L., Silverman, B. W. & Vincent, K. (2021), "Multiple systems estimation for sparse capture
data: inferential challenges when there are nonoverlapping lists", Journal of the American
Statistical Association 116(535):1297-1306, Sections 2.6-3.2. The method, as its authors describe
it (and as the SparseMSE R package documents ``stepwisefit``):

* Start from the main-effects model.
* For each two-list interaction ij not yet in the model, the statistic is N*_ij, the number of
  people on both lists (whatever other lists they are on). Under the current model it is Poisson
  with mean the model's fitted total of those cells; its p-value is the smaller of the two
  one-sided Poisson tail probabilities, min(P(X <= N*), P(X >= N*)).
* Candidates whose model would fail the existence test (Fienberg & Rinaldo 2012: a linear
  programme) or the identifiability test (full column rank) are set aside. The candidate with the
  smallest p-value is added if that p-value is below the threshold (0.02, the value the paper's
  simulation study over the seven SparseMSE tables chose, Section 4.3); otherwise the search stops.
* A pair of lists that nobody is on together (non-overlapping) may enter the model: its
  interaction's extended maximum likelihood estimate is minus infinity, so the fitted counts of
  every pattern holding both lists are 0. Those cells leave the fit and the column goes with them.

The estimate of the people on no list is exp(intercept) of the chosen model. Fits here are
Newton-Raphson on the (small) Poisson log-likelihood, fast enough to repeat the whole selection
in every replication of a bootstrap (:mod:`pharos.estimate.bootstrap`); a unit test checks them
against statsmodels' GLM.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache

import numba
import numpy as np
from numpy.typing import NDArray
from scipy.special import gammaln, pdtr, pdtrc

from pharos.estimate.models import Exclusion, Fit, Model, Pair, all_pairs, mle_exists
from pharos.estimate.table import OverlapTable, all_patterns

#: The p-value below which an interaction enters the model (Chan, Silverman & Vincent 2021, 4.3).
PTHRESH = 0.02
#: The bootstrap draws its populations from the model the same search chooses at this looser
#: threshold (:mod:`pharos.estimate.bootstrap`): it holds the dependences that the 0.02 choice
#: may have missed on the data, so the replications show how much missing them costs. Chosen by
#: simulation (docs/hidden-figure.md, "Coverage measured"): 0.02 (the estimate's own model)
#: covered 88% on the five-list UK table, 0.1 93%, 0.3 96%.
GENERATING_PTHRESH = 0.3
#: Newton-Raphson stops when no parameter moves by more than this.
NEWTON_TOL = 1e-10
NEWTON_MAX_ITER = 100
#: An intercept above this (exp(50) people) is taken as a fit that ran away.
MAX_INTERCEPT = 50.0
#: A main effect or interaction beyond this in size (an odds ratio of e^25, 7e10) is a fit running
#: toward a boundary: the maximum likelihood estimate does not exist. Newton's steps can shrink
#: there once the fitted counts underflow, so the size of the parameters is checked too.
MAX_EFFECT = 25.0


@dataclass(frozen=True)
class Layout:
    """The observable patterns of L lists (in :func:`all_patterns` order) and pair products."""

    n_lists: int
    z: NDArray[np.float64]
    pairs: tuple[Pair, ...]
    pair_columns: NDArray[np.float64]  # cells x pairs, z_i * z_j
    full: NDArray[np.float64]  # intercept, main effects, every pair

    def pair_index(self, pair: Pair) -> int:
        return self.pairs.index(pair)


@cache
def layout(n_lists: int) -> Layout:
    z = np.array(all_patterns(n_lists), dtype=float)
    pairs = tuple(all_pairs(n_lists))
    cols = np.column_stack([z[:, i] * z[:, j] for i, j in pairs])
    full = np.column_stack([np.ones(len(z)), z, cols])
    return Layout(n_lists, z, pairs, cols, full)


def counts_vector(table: OverlapTable) -> NDArray[np.float64]:
    """The table's counts in :func:`all_patterns` order."""
    return np.array([table.counts[p] for p in all_patterns(table.n_lists)], dtype=float)


@dataclass
class PoissonFit:
    """A maximum likelihood fit on the cells kept (those not fixed at 0 by minus-infinity terms)."""

    beta: NDArray[np.float64]
    mu: NDArray[np.float64]  # fitted mean of every observable cell (0 where fixed)
    loglik: float
    converged: bool
    n_params: int  # finite parameters plus the minus-infinity ones (as counted for AIC)

    @property
    def unseen(self) -> float:
        return math.exp(self.beta[0])


@numba.njit(cache=True, nogil=True)
def _cholesky_solve(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    """Solve a x = b for a symmetric positive definite (empty result if it is not)."""
    n = a.shape[0]
    low = np.zeros((n, n))
    for j in range(n):
        d = a[j, j]
        for k in range(j):
            d -= low[j, k] * low[j, k]
        if not d > 1e-300:
            return np.empty(0)
        low[j, j] = np.sqrt(d)
        for i in range(j + 1, n):
            v = a[i, j]
            for k in range(j):
                v -= low[i, k] * low[j, k]
            low[i, j] = v / low[j, j]
    z = np.empty(n)
    for i in range(n):
        v = b[i]
        for k in range(i):
            v -= low[i, k] * z[k]
        z[i] = v / low[i, i]
    x = np.empty(n)
    for i in range(n - 1, -1, -1):
        v = z[i]
        for k in range(i + 1, n):
            v -= low[k, i] * x[k]
        x[i] = v / low[i, i]
    return x


@numba.njit(cache=True, nogil=True)
def _newton(
    x: NDArray[np.float64], y: NDArray[np.float64], beta: NDArray[np.float64]
) -> tuple[NDArray[np.float64], bool]:
    n, p = x.shape
    eta = x @ beta
    ll = np.dot(y, eta) - np.exp(eta).sum()
    for _it in range(NEWTON_MAX_ITER):
        mu = np.exp(eta)
        grad = x.T @ (y - mu)
        hess = np.zeros((p, p))
        for c in range(n):
            for i in range(p):
                xi = x[c, i] * mu[c]
                if xi != 0.0:
                    for j in range(i + 1):
                        hess[i, j] += xi * x[c, j]
        for i in range(p):
            for j in range(i):
                hess[j, i] = hess[i, j]
        step = _cholesky_solve(hess, grad)
        if step.shape[0] == 0:
            return beta, False
        t = 1.0
        while True:
            new = beta + t * step
            new_eta = x @ new
            if np.all(new_eta < 700.0):
                new_ll = np.dot(y, new_eta) - np.exp(new_eta).sum()
                if new_ll >= ll - 1e-12 * max(1.0, abs(ll)):
                    break
            t /= 2.0
            if t < 1e-8:
                return beta, False
        moved = np.max(np.abs(new - beta))
        beta, eta, ll = new, new_eta, new_ll
        if moved < NEWTON_TOL:
            return beta, True
    return beta, False


def newton_poisson(
    x: NDArray[np.float64], y: NDArray[np.float64], start: NDArray[np.float64] | None = None
) -> tuple[NDArray[np.float64], bool]:
    """Maximise the Poisson log-likelihood sum(y * x @ b - exp(x @ b)) by Newton-Raphson.

    Starts from ``start`` or from least squares on log(y + 0.5); halves a step that lowers the
    likelihood; compiled by numba (thousands of fits per bootstrap).
    """
    if start is None:
        start = np.asarray(np.linalg.lstsq(x, np.log(y + 0.5), rcond=None)[0], dtype=float)
    return _newton(np.ascontiguousarray(x), np.ascontiguousarray(y), np.asarray(start, dtype=float))


@cache
def _full_rank(n_lists: int, model: Model, infinite: frozenset[Pair]) -> bool:
    """Identifiability depends only on the model and which of its pairs are minus infinity."""
    lay = layout(n_lists)
    keep, cols = _shape(lay, model, infinite)
    x = lay.full[keep][:, cols]
    return bool(np.linalg.matrix_rank(x) == x.shape[1])


def _shape(
    lay: Layout, model: Model, infinite: frozenset[Pair]
) -> tuple[NDArray[np.bool_], list[int]]:
    keep = np.ones(len(lay.z), dtype=bool)
    cols = list(range(1 + lay.n_lists))
    for pair in sorted(model):
        idx = lay.pair_index(pair)
        if pair in infinite:
            keep &= lay.pair_columns[:, idx] == 0
        else:
            cols.append(1 + lay.n_lists + idx)
    return keep, cols


class Fitter:
    """Fits, checks and caches models of one table (counts in :func:`all_patterns` order).

    ``exact`` (the default) checks existence by Fienberg & Rinaldo's linear programme before a
    fit. Without it — in bootstrap replications, where thousands of tables are fitted — a model is
    taken to have no maximum likelihood estimate when Newton-Raphson does not converge: where the
    estimate does not exist the likelihood rises along a direction without end, and Newton's steps
    along it stay of order one instead of shrinking (a unit test checks that the two tests agree
    on sparse tables).
    """

    def __init__(self, n_lists: int, y: NDArray[np.float64], *, exact: bool = True) -> None:
        self.layout = layout(n_lists)
        self.y = y
        self.exact = exact
        self.observed = round(float(y.sum()))
        self.overlaps = y @ self.layout.pair_columns
        self.empty: frozenset[Pair] = frozenset(
            p for p, n in zip(self.layout.pairs, self.overlaps, strict=True) if n == 0
        )
        self._fits: dict[Model, PoissonFit | None] = {}
        self._ok: dict[Model, bool] = {}
        #: models set aside, and why (identifiability, existence)
        self.rejected: dict[Model, Exclusion] = {}
        self._lgf = float(gammaln(y + 1.0).sum())

    def _system(self, model: Model) -> tuple[NDArray[np.bool_], NDArray[np.float64]]:
        keep, cols = _shape(self.layout, model, model & self.empty)
        return keep, self.layout.full[keep][:, cols]

    def admissible(self, model: Model, parent: Model | None = None) -> bool:
        """Identifiable and with an (extended) maximum likelihood estimate."""
        if model not in self._ok:
            ok = _full_rank(self.layout.n_lists, model, model & self.empty)
            if not ok:
                self.rejected[model] = Exclusion.NOT_IDENTIFIABLE
            elif self.exact and not mle_exists(*self._lp_system(model)):
                ok = False
                self.rejected[model] = Exclusion.NO_MLE
            elif self.fit(model, parent) is None:
                ok = False
                self.rejected[model] = Exclusion.NOT_CONVERGED if self.exact else Exclusion.NO_MLE
            self._ok[model] = ok
        return self._ok[model]

    def _lp_system(self, model: Model) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        keep, x = self._system(model)
        return x, self.y[keep]

    def fit(self, model: Model, parent: Model | None = None) -> PoissonFit | None:
        """The fit of a model (None if Newton-Raphson did not converge or ran away).

        A ``parent`` already fitted (the model without the newest interaction) gives the start.
        """
        if model not in self._fits:
            keep, x = self._system(model)
            start = None
            base = self._fits.get(parent) if parent is not None else None
            if base is not None:
                start = np.zeros(x.shape[1])
                start[: len(base.beta)] = base.beta
            beta, converged = newton_poisson(x, self.y[keep], start)
            result: PoissonFit | None = None
            if (
                converged
                and np.all(np.isfinite(beta))
                and beta[0] < MAX_INTERCEPT
                and np.all(np.abs(beta[1:]) < MAX_EFFECT)
            ):
                mu = np.zeros(len(self.y))
                mu[keep] = np.exp(x @ beta)
                yk = self.y[keep]
                loglik = float(yk @ np.log(np.maximum(mu[keep], 1e-300)) - mu.sum() - self._lgf)
                n_infinite = len(model & self.empty)
                result = PoissonFit(beta, mu, loglik, True, x.shape[1] + n_infinite)
            self._fits[model] = result
        return self._fits[model]


@dataclass(frozen=True)
class Step:
    """One addition of the search: the interaction, its p-value, observed and expected overlap."""

    pair: Pair
    p_value: float
    observed: int
    expected: float


@dataclass
class ThresholdSelection:
    """The chosen model, the steps that built it and the tests that stopped the search."""

    model: Model
    fit: PoissonFit
    steps: list[Step] = field(default_factory=list)
    #: the smallest p-value among admissible candidates when the search stopped (None: none left)
    stopped_at: float | None = None
    path: list[Model] = field(default_factory=list)


def p_values(observed: NDArray[np.float64], expected: NDArray[np.float64]) -> NDArray[np.float64]:
    """min(P(X <= n), P(X >= n)) for X ~ Poisson(expected), elementwise."""
    lower = pdtr(observed, expected)
    upper = np.where(observed > 0, pdtrc(observed - 1, expected), 1.0)
    return np.where(expected > 0, np.minimum(lower, upper), 1.0)


def select_threshold(fitter: Fitter, pthresh: float = PTHRESH) -> ThresholdSelection | None:
    """Forward stepwise selection; None when not even the main-effects model can be fitted."""
    model: Model = frozenset()
    if not fitter.admissible(model):
        return None
    current = fitter.fit(model)
    if current is None:
        return None
    steps: list[Step] = []
    path: list[Model] = [model]
    lay = fitter.layout
    stopped_at: float | None = None
    while True:
        open_idx = [i for i, pair in enumerate(lay.pairs) if pair not in model]
        if not open_idx:
            stopped_at = None
            break
        expected = current.mu @ lay.pair_columns[:, open_idx]
        observed = fitter.overlaps[open_idx]
        pvals = p_values(observed, expected)
        order = np.lexsort((np.array(open_idx), pvals))
        chosen = None
        stopped_at = None
        for k in order:
            p = float(pvals[k])
            if p >= pthresh:
                stopped_at = p
                break
            pair = lay.pairs[open_idx[k]]
            trial = model | {pair}
            if not fitter.admissible(trial, model):
                continue
            trial_fit = fitter.fit(trial, model)
            if trial_fit is None:
                continue
            chosen = (pair, p, float(observed[k]), float(expected[k]), trial, trial_fit)
            break
        if chosen is None:
            break
        pair, p, obs, exp_, model, current = chosen
        steps.append(Step(pair, p, round(obs), exp_))
        path.append(model)
    return ThresholdSelection(model, current, steps, stopped_at, path)


def _deviance(y: NDArray[np.float64], mu: NDArray[np.float64]) -> float:
    ratio = np.where(y > 0, y / np.maximum(mu, 1e-300), 1.0)
    return float(2 * np.sum(y * np.log(ratio) - (y - mu)))


def as_fit(fitter: Fitter, model: Model, pfit: PoissonFit) -> Fit:
    """The fit in the form the report uses (AIC and BIC counting minus-infinity terms)."""
    k = pfit.n_params
    n_cells = len(fitter.y)
    return Fit(
        model=model,
        aic=-2 * pfit.loglik + 2 * k,
        bic=-2 * pfit.loglik + k * math.log(max(fitter.observed, 2)),
        deviance=_deviance(fitter.y, pfit.mu),
        df_resid=n_cells - k,
        n_params=k,
        loglik=pfit.loglik,
        unseen=pfit.unseen,
        intercept=float(pfit.beta[0]),
        observed=fitter.observed,
    )
