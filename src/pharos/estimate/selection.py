"""Choosing among log-linear models by an information criterion.

For up to :data:`MAX_EXHAUSTIVE_LISTS` lists every subset of the two-list interactions is tried
(5 lists: 10 pairs, 1,024 models). Beyond that the number of subsets explodes (8 lists: 28 pairs,
2**28 models), so a bidirectional stepwise search is used: from the main-effects model, at each
step the single addition or removal of an interaction that most lowers the criterion is made,
until no move lowers it. Every model the search fitted is kept as an alternative considered.

The default criterion is AIC. BIC's heavier penalty drops interactions more readily, and a
missing positive dependence between lists biases the hidden figure downwards — the main danger
in MSE (Silverman 2020; Chan, Silverman & Vincent 2021). AIC is also the criterion closest to
the procedure behind the UK 2013 estimate (Silverman 2014, stepwise fitting of main effects and
two-list effects). BIC is offered for very sparse tables, where extra interactions mostly add
variance.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from pharos.estimate.models import (
    Excluded,
    Exclusion,
    Fit,
    Model,
    Pair,
    all_pairs,
    empty_pairs,
    fit,
)
from pharos.estimate.options import DELTA, Criterion
from pharos.estimate.table import OverlapTable
from pharos.estimate.threshold import (
    PTHRESH,
    Fitter,
    Step,
    ThresholdSelection,
    as_fit,
    counts_vector,
    select_threshold,
)

MAX_EXHAUSTIVE_LISTS = 5
#: Reasonable alternatives whose totals differ by more than this ratio make the estimate unstable.
INSTABILITY_RATIO = 1.5
MAX_STEPS = 100


class Search(StrEnum):
    EXHAUSTIVE = "exhaustive"
    STEPWISE = "stepwise"


class NoModelError(ValueError):
    """No model could be fitted (every one was excluded)."""


@dataclass
class Selection:
    """The outcome of model selection: the chosen fit, every fit tried, the exclusions."""

    criterion: Criterion
    search: Search
    best: Fit
    fits: list[Fit]
    excluded: list[Excluded]
    empty: tuple[Pair, ...]
    delta: float = DELTA
    instability_ratio: float = INSTABILITY_RATIO
    reasonable: list[Fit] = field(default_factory=list)
    #: the threshold method's additions, in order, and its threshold (empty for AIC and BIC)
    steps: list[Step] = field(default_factory=list)
    pthresh: float | None = None
    #: the smallest p-value left when the threshold search stopped (None: no candidate left)
    stopped_at: float | None = None

    @property
    def unstable(self) -> bool:
        """True when reasonable models (within ``delta``) disagree by more than the ratio."""
        totals = [f.total for f in self.reasonable]
        return len(totals) > 1 and max(totals) > self.instability_ratio * min(totals)


def _evaluator(
    table: OverlapTable,
) -> tuple[Callable[[Model], Fit | Excluded], dict[Model, Fit | Excluded]]:
    cache: dict[Model, Fit | Excluded] = {}

    def evaluate(model: Model) -> Fit | Excluded:
        if model not in cache:
            cache[model] = fit(table, model)
        return cache[model]

    return evaluate, cache


def _exhaustive(table: OverlapTable, evaluate: Callable[[Model], Fit | Excluded]) -> None:
    pairs = all_pairs(table.n_lists)
    for size in range(len(pairs) + 1):
        for subset in itertools.combinations(pairs, size):
            evaluate(frozenset(subset))


def _stepwise(
    table: OverlapTable, evaluate: Callable[[Model], Fit | Excluded], criterion: Criterion
) -> None:
    pairs = all_pairs(table.n_lists)
    current = evaluate(frozenset())
    if not isinstance(current, Fit):
        return
    for _step in range(MAX_STEPS):
        moves = [current.model | {p} for p in pairs if p not in current.model]
        moves += [current.model - {p} for p in current.model]
        candidates = [r for r in (evaluate(m) for m in moves) if isinstance(r, Fit)]
        if not candidates:
            return
        best = min(candidates, key=lambda f: (f.criterion(criterion), len(f.model)))
        if best.criterion(criterion) >= current.criterion(criterion) - 1e-9:
            return
        current = best


def select(
    table: OverlapTable,
    criterion: Criterion | str = Criterion.AIC,
    *,
    max_exhaustive_lists: int = MAX_EXHAUSTIVE_LISTS,
    delta: float = DELTA,
    instability_ratio: float = INSTABILITY_RATIO,
    progress: Callable[[int], None] | None = None,
) -> Selection:
    """Fit the candidate models of ``table`` and choose the one with the lowest criterion."""
    criterion = Criterion(criterion)
    evaluate, cache = _evaluator(table)
    if progress is not None:
        inner = evaluate

        def evaluate(model: Model) -> Fit | Excluded:
            known = model in cache
            result = inner(model)
            if not known:
                progress(1)
            return result

    search = Search.EXHAUSTIVE if table.n_lists <= max_exhaustive_lists else Search.STEPWISE
    if search is Search.EXHAUSTIVE:
        _exhaustive(table, evaluate)
    else:
        _stepwise(table, evaluate, criterion)
        # tell the user about the interactions the search could not consider
        for pair in sorted(empty_pairs(table)):
            evaluate(frozenset({pair}))
    fits = [r for r in cache.values() if isinstance(r, Fit)]
    excluded = [r for r in cache.values() if isinstance(r, Excluded)]
    if not fits:
        raise NoModelError("no log-linear model can be fitted to this table")
    fits.sort(key=lambda f: (f.criterion(criterion), len(f.model)))
    excluded.sort(key=lambda e: (len(e.model), sorted(e.model)))
    best = fits[0]
    reasonable = [f for f in fits if f.criterion(criterion) - best.criterion(criterion) <= delta]
    return Selection(
        criterion=criterion,
        search=search,
        best=best,
        fits=fits,
        excluded=excluded,
        empty=tuple(sorted(empty_pairs(table))),
        delta=delta,
        instability_ratio=instability_ratio,
        reasonable=reasonable,
    )


def select_by_threshold(
    table: OverlapTable, pthresh: float = PTHRESH
) -> tuple[Selection, Fitter, ThresholdSelection]:
    """The threshold method (Chan, Silverman & Vincent 2021) as a :class:`Selection`.

    ``fits`` are the models on the search's path (main effects first, the chosen one last), each
    with its AIC and BIC for information; ``excluded`` the candidates set aside because they have
    no maximum likelihood estimate or are not identifiable.
    """
    fitter = Fitter(table.n_lists, counts_vector(table))
    chosen = select_threshold(fitter, pthresh)
    if chosen is None:
        raise NoModelError("no log-linear model can be fitted to this table")
    path = []
    for model in chosen.path:
        pfit = fitter.fit(model)
        assert pfit is not None  # every model on the path was fitted
        path.append(as_fit(fitter, model, pfit))
    best = path[-1]
    excluded = [
        Excluded(model, reason)
        for model, reason in sorted(fitter.rejected.items(), key=lambda mr: sorted(mr[0]))
    ]
    selection = Selection(
        criterion=Criterion.THRESHOLD,
        search=Search.STEPWISE,
        best=best,
        fits=list(reversed(path)),
        excluded=excluded,
        empty=tuple(sorted(fitter.empty)),
        reasonable=[],
        steps=chosen.steps,
        pthresh=pthresh,
        stopped_at=chosen.stopped_at,
    )
    return selection, fitter, chosen


def exclusion_summary(excluded: list[Excluded]) -> dict[Exclusion, int]:
    """How many models were excluded for each reason."""
    out: dict[Exclusion, int] = {}
    for e in excluded:
        out[e.reason] = out.get(e.reason, 0) + 1
    return out
