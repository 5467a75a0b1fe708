"""The hidden-figure estimate as shown and published: estimate, interval, models, exclusions.

Disclosure control follows the small-cell rule of :mod:`pharos.domain.disclosure`: cells of the
overlap table below k are suppressed in every display and export, and when fewer than k people
were seen in all, no estimate is shown at all (the total seen would itself be a small cell, and
the estimate with its interval would let a reader recover it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pharos.domain.disclosure import DEFAULT_K, check_k, protect
from pharos.estimate.bootstrap import BootstrapInterval, bootstrap_interval
from pharos.estimate.interval import Interval, IntervalMethod, profile_interval
from pharos.estimate.models import Excluded, Exclusion, Fit, model_label
from pharos.estimate.options import (
    DEFAULT_LEVEL,
    DEFAULT_REPLICATIONS,
    DEFAULT_SEED,
    DELTA,
    Criterion,
)
from pharos.estimate.selection import (
    INSTABILITY_RATIO,
    MAX_EXHAUSTIVE_LISTS,
    Selection,
    exclusion_summary,
    select,
    select_by_threshold,
)
from pharos.estimate.table import OverlapTable, OverlapTableError
from pharos.estimate.threshold import GENERATING_PTHRESH, PTHRESH, select_threshold
from pharos.i18n import _, format_list, ngettext


@dataclass
class HiddenFigure:
    """An estimate of the number of people on no list, and of the whole population."""

    table: OverlapTable
    selection: Selection
    interval: Interval
    k: int = DEFAULT_K
    dropped_lists: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)
    #: what should make a reader cautious (an unstable estimate)
    warnings: list[str] = field(default_factory=list)
    #: the bootstrap behind the interval (threshold method only)
    bootstrap: BootstrapInterval | None = None

    @property
    def observed(self) -> int:
        return self.table.observed

    @property
    def best(self) -> Fit:
        return self.selection.best

    @property
    def unseen(self) -> float:
        return self.best.unseen

    @property
    def total(self) -> float:
        return self.best.total

    @property
    def total_interval(self) -> tuple[float, float]:
        return (self.observed + self.interval.lower, self.observed + self.interval.upper)

    @property
    def disclosed(self) -> bool:
        """False when fewer than k people were seen: the estimate is then withheld."""
        return protect(self.observed, self.k).value is not None

    @property
    def unstable(self) -> bool:
        return self.selection.unstable

    def label(self, fit: Fit | Excluded) -> str:
        return model_label(fit.model, self.table.lists)

    def method_name(self) -> str:
        """How the model was chosen, in the user's language."""
        crit = self.selection.criterion
        if crit is Criterion.THRESHOLD:
            return _(
                "stepwise p-value threshold %(p)s with existence checks (Chan, Silverman & "
                "Vincent 2021)"
            ) % {"p": self.selection.pthresh}
        search = (
            _("exhaustive search")
            if self.selection.search.value == "exhaustive"
            else _("stepwise search")
        )
        return _("lowest %(criterion)s, %(search)s") % {
            "criterion": crit.value.upper(),
            "search": search,
        }

    def interval_name(self) -> str:
        """How the interval was made, in the user's language."""
        if self.interval.method is IntervalMethod.BOOTSTRAP and self.bootstrap is not None:
            return ngettext(
                "parametric bootstrap repeating the model selection (%(n)s replication)",
                "parametric bootstrap repeating the model selection (%(n)s replications)",
                self.bootstrap.replications,
            ) % {"n": self.bootstrap.replications}
        return _("profile likelihood, conditional on the chosen model")

    @staticmethod
    def reason_name(reason: Exclusion) -> str:
        """A short name of an exclusion reason, in the user's language."""
        return {
            Exclusion.EMPTY_OVERLAP: _("empty overlap"),
            Exclusion.NO_MLE: _("no maximum likelihood estimate"),
            Exclusion.NOT_IDENTIFIABLE: _("not identifiable"),
            Exclusion.NOT_CONVERGED: _("did not converge"),
        }[reason]

    def exclusion_reason(self, excluded: Excluded) -> str:
        """Why a model was excluded, in the user's language."""
        if excluded.reason is Exclusion.EMPTY_OVERLAP:
            pairs = ", ".join(
                f"{self.table.lists[i]}/{self.table.lists[j]}" for i, j in excluded.pairs
            )
            return _("no one is on both lists %(pairs)s (empty overlap): no estimate exists") % {
                "pairs": pairs
            }
        if excluded.reason is Exclusion.NO_MLE:
            return _("the maximum likelihood estimate does not exist (linear-programming test)")
        if excluded.reason is Exclusion.NOT_IDENTIFIABLE:
            return _("the parameters are not identifiable (design matrix not of full rank)")
        return _("the fit did not converge")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary that respects the small-cell rule."""

        def rounded(x: float) -> int | None:
            return None if x == float("inf") else round(x)

        shown = self.disclosed
        low, high = self.total_interval
        crit = self.selection.criterion
        boot = self.bootstrap
        return {
            "method": crit.value,
            "method_name": self.method_name(),
            "steps": [
                {
                    "interaction": [self.table.lists[step.pair[0]], self.table.lists[step.pair[1]]],
                    "p_value": step.p_value,
                    "observed_overlap": protect(step.observed, self.k).value if shown else None,
                    "expected_overlap": round(step.expected, 3) if shown else None,
                }
                for step in self.selection.steps
            ],
            "pthresh": self.selection.pthresh,
            "lists": list(self.table.lists),
            "dropped_lists": list(self.dropped_lists),
            "k": self.k,
            "observed": protect(self.observed, self.k).value,
            "disclosed": shown,
            "estimate": (
                {
                    "total": rounded(self.total),
                    "unseen": rounded(self.unseen),
                    "interval": {
                        "level": self.interval.level,
                        "method": self.interval.method.value,
                        "method_name": self.interval_name(),
                        "replications": boot.replications if boot else None,
                        "failed_replications": boot.failed if boot else None,
                        "seed": boot.seed if boot else None,
                        "same_model_share": round(boot.same_model_share, 3) if boot else None,
                        "generating_pthresh": boot.generating_pthresh if boot else None,
                        "generating_model": [
                            [self.table.lists[i], self.table.lists[j]]
                            for i, j in sorted(boot.generating_model)
                        ]
                        if boot
                        else None,
                        "total_lower": rounded(low),
                        "total_upper": rounded(high),
                        "unseen_lower": rounded(self.interval.lower),
                        "unseen_upper": rounded(self.interval.upper),
                    },
                    "ratio_to_observed": round(self.total / self.observed, 2),
                }
                if shown
                else None
            ),
            "criterion": crit.value,
            # the criterion shown beside each model (the threshold method's path shows AIC)
            "shown_criterion": "aic" if crit is Criterion.THRESHOLD else crit.value,
            "search": self.selection.search.value,
            "delta": self.selection.delta,
            "instability_ratio": self.selection.instability_ratio,
            "unstable": self.unstable,
            "chosen_model": self.label(self.best),
            "models": [
                {
                    "model": self.label(f),
                    "interactions": [
                        [self.table.lists[i], self.table.lists[j]] for i, j in sorted(f.model)
                    ],
                    "aic": round(f.aic, 3),
                    "bic": round(f.bic, 3),
                    "delta": round(f.criterion(crit) - self.best.criterion(crit), 3),
                    "total": rounded(f.total) if shown else None,
                    "reasonable": f in self.selection.reasonable,
                }
                for f in self.selection.fits
            ],
            "excluded": [
                {
                    "model": self.label(e),
                    "reason": e.reason.value,
                    "explanation": self.exclusion_reason(e),
                }
                for e in self.selection.excluded
            ],
            "excluded_summary": {
                r.value: n for r, n in exclusion_summary(self.selection.excluded).items()
            },
            "table": self.table.protected_rows(self.k),
            "notes": list(self.notes),
            "warnings": list(self.warnings),
        }


def drop_empty_lists(table: OverlapTable) -> tuple[OverlapTable, tuple[str, ...]]:
    """The table without lists nobody is on (they carry no information), and their names."""
    empty = tuple(name for name in table.lists if table.list_size(name) == 0)
    if not empty:
        return table, ()
    keep = [i for i, name in enumerate(table.lists) if name not in empty]
    if len(keep) < 2:
        raise OverlapTableError(
            _("fewer than two lists hold anyone: at least two are needed to estimate")
        )
    counts: dict[tuple[int, ...], int] = {}
    for pattern, count in table.counts.items():
        new = tuple(pattern[i] for i in keep)
        if any(new):
            counts[new] = counts.get(new, 0) + count
    return OverlapTable(tuple(table.lists[i] for i in keep), counts), empty


def estimate(
    table: OverlapTable,
    criterion: Criterion | str = Criterion.THRESHOLD,
    *,
    level: float = DEFAULT_LEVEL,
    k: int = DEFAULT_K,
    delta: float = DELTA,
    instability_ratio: float = INSTABILITY_RATIO,
    max_exhaustive_lists: int = MAX_EXHAUSTIVE_LISTS,
    pthresh: float = PTHRESH,
    replications: int = DEFAULT_REPLICATIONS,
    seed: int = DEFAULT_SEED,
    progress: Callable[[int], None] | None = None,
    generating_pthresh: float = GENERATING_PTHRESH,
) -> HiddenFigure:
    """Choose a log-linear model for ``table`` and estimate the hidden figure with its interval.

    The default (``threshold``) is the stepwise p-value method of Chan, Silverman & Vincent (2021)
    with a parametric bootstrap interval that repeats the selection (``replications`` draws from
    a generator seeded with ``seed``, populations drawn from the model chosen at the looser
    ``generating_pthresh``; ``progress`` is called once per replication). ``aic`` and
    ``bic`` choose by an information criterion, with a profile-likelihood interval conditional
    on the chosen model (``progress`` is called once per model fitted).
    """
    check_k(k)
    if not 0 < level < 1:
        raise ValueError(f"level must be strictly between 0 and 1, got {level}")
    criterion = Criterion(criterion)
    usable, dropped = drop_empty_lists(table)
    boot: BootstrapInterval | None = None
    if criterion is Criterion.THRESHOLD:
        selection, fitter, chosen = select_by_threshold(usable, pthresh)
        generator = select_threshold(fitter, max(generating_pthresh, pthresh)) or chosen
        boot = bootstrap_interval(
            usable.n_lists,
            generator.fit.mu,
            generator.fit.unseen,
            selection.best.total,
            chosen.model,
            observed=usable.observed,
            level=level,
            replications=replications,
            seed=seed,
            pthresh=pthresh,
            progress=progress,
            generating_model=generator.model,
            generating_pthresh=max(generating_pthresh, pthresh),
        )
        interval = Interval(
            lower=boot.lower - usable.observed,
            upper=boot.upper - usable.observed,
            level=level,
            method=IntervalMethod.BOOTSTRAP,
        )
    else:
        selection = select(
            usable,
            criterion,
            max_exhaustive_lists=max_exhaustive_lists,
            delta=delta,
            instability_ratio=instability_ratio,
            progress=progress,
        )
        interval = profile_interval(usable, selection.best, level)
    result = HiddenFigure(usable, selection, interval, k=k, dropped_lists=dropped, bootstrap=boot)
    if dropped:
        result.notes.append(
            _("Lists with no one on them were left out: %(lists)s") % {"lists": ", ".join(dropped)}
        )
    if selection.search.value == "stepwise" and criterion is not Criterion.THRESHOLD:
        result.notes.append(
            _(
                "With %(lists)s there are too many models to try them all: a stepwise search "
                "(adding or removing one interaction at a time) was used."
            )
            % {
                "lists": ngettext("%(n)s list", "%(n)s lists", usable.n_lists)
                % {"n": usable.n_lists}
            }
        )
    if result.unstable:
        result.warnings.append(
            _(
                "Unstable estimate: models within %(delta)s of the best criterion give totals that "
                "differ by more than a factor %(ratio)s. Treat the figure with caution."
            )
            % {"delta": delta, "ratio": instability_ratio}
        )
    if not result.disclosed:
        result.notes.append(
            _(
                "Fewer than %(k)s people were seen in all: the estimate is withheld under the "
                "small-cell rule."
            )
            % {"k": k}
        )
    if boot is not None:
        result.notes.append(
            _(
                "The bootstrap chose the same model as the data in %(share)s%% of "
                "%(replications)s; the interval includes that uncertainty."
            )
            % {
                "share": round(100 * boot.same_model_share),
                "replications": ngettext(
                    "%(n)s replication", "%(n)s replications", boot.replications
                )
                % {"n": boot.replications},
            }
        )
        added = sorted(boot.generating_model - selection.best.model)
        if added:
            result.notes.append(
                _(
                    "The replications are drawn from the model that a looser threshold "
                    "(p < %(p)s) chooses, which adds %(pairs)s: they include dependences that "
                    "the estimate's model may have missed."
                )
                % {
                    "p": boot.generating_pthresh,
                    "pairs": format_list(f"{usable.lists[i]}:{usable.lists[j]}" for i, j in added),
                }
            )
        else:
            result.notes.append(
                _(
                    "The replications are drawn from the chosen model: a looser threshold "
                    "(p < %(p)s) adds no interaction."
                )
                % {"p": boot.generating_pthresh}
            )
        if boot.failed:
            result.notes.append(
                ngettext(
                    "In %(failed)s of %(n)s replication no model could be fitted.",
                    "In %(failed)s of %(n)s replications no model could be fitted.",
                    boot.replications,
                )
                % {"failed": boot.failed, "n": boot.replications}
            )
    if interval.upper == float("inf"):
        result.notes.append(
            _("The likelihood gives no upper bound: the data cannot rule out a very large total.")
        )
    return result
