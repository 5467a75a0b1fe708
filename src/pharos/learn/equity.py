"""The equal-protection monitor: does every vulnerable group fare as well as the others?

For each group of a dimension (gender, age band, children unaccompanied or not, nationality,
exploitation type) it gives the share of cases identified, referred and protected, with Wilson
95 % intervals, and the mean days each step took, with Student-t 95 % intervals. Each shown cell
is compared with all other cases of the same dimension (Fisher's exact test for shares, Welch's
t-test for days; two-sided). The p-values of every cell of the monitor -- every group, outcome,
share and time, of all the default dimensions, whichever one is shown -- are corrected together
by Holm's method, and a cell is flagged when its adjusted p is below ``EQUITY_ALPHA`` (5 %) and
the group fares worse: on data where no group fares worse, the chance of *any* flag is at most
5 % (measured in ``tests/unit/learn/test_equity_false_alarms.py``). The CLI and the page use
the same family, so they flag the same cells.

Small cells are never shown (``pharos.domain.disclosure``): a group with fewer than k cases is
suppressed whole; a share is suppressed when the cases with or without the outcome number fewer
than k, zeros included (either would let a reader count a handful of people, and 0 % or 100 %
says something of every member; ``disclosure.share_shown``); a mean time is suppressed when
fewer than k cases have it.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field, replace

import numpy as np
import polars as pl
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from pharos.domain.disclosure import DEFAULT_K, check_k, protect, share_shown
from pharos.learn import codes
from pharos.learn.options import EQUITY_ALPHA, EQUITY_DIMENSIONS

OUTCOMES = ("identified", "referred", "protected")
TIMES = {
    "identified": "days_to_identification",
    "referred": "days_to_referral",
    "protected": "days_to_protection",
}
#: The level of the 95 % intervals (the flags use ``EQUITY_ALPHA`` after correction).
ALPHA = 0.05


@dataclass(frozen=True)
class Share:
    """Share of the group's cases with an outcome (0-1), its interval, and the comparison."""

    count: int | None
    share: float | None
    low: float | None
    high: float | None
    worse: bool = False
    #: Fisher's exact test against the other cases (two-sided), and after Holm's correction.
    p_value: float | None = None
    p_adjusted: float | None = None
    #: False when the data do not record the outcome at all (e.g. simulated referrals).
    recorded: bool = True

    @property
    def suppressed(self) -> bool:
        return self.share is None


@dataclass(frozen=True)
class Duration:
    """Mean days an outcome took in the group, its interval, and the comparison."""

    n: int | None
    mean_days: float | None
    low: float | None
    high: float | None
    slower: bool = False
    #: Welch's t-test against the other cases (two-sided), and after Holm's correction.
    p_value: float | None = None
    p_adjusted: float | None = None

    @property
    def suppressed(self) -> bool:
        return self.mean_days is None


@dataclass(frozen=True)
class GroupResult:
    dimension: str
    group: str
    cases: int | None
    shares: dict[str, Share] = field(default_factory=dict)
    durations: dict[str, Duration] = field(default_factory=dict)

    @property
    def suppressed(self) -> bool:
        return self.cases is None

    @property
    def flagged(self) -> bool:
        return any(s.worse for s in self.shares.values()) or any(
            d.slower for d in self.durations.values()
        )


def wilson(count: int, n: int) -> tuple[float, float]:
    """Wilson score 95 % interval for ``count`` of ``n``."""
    low, high = proportion_confint(count, n, alpha=ALPHA, method="wilson")
    return float(low), float(high)


def _share(count: int, n: int, rest_count: int, rest_n: int, k: int) -> Share:
    if not share_shown(count, n, k):
        return Share(None, None, None, None)
    low, high = wilson(count, n)
    p_value: float | None = None
    if rest_n > 0 and count / n < rest_count / rest_n:
        # only a group faring worse can be flagged; the test itself is two-sided
        table = [[count, n - count], [rest_count, rest_n - rest_count]]
        p_value = float(stats.fisher_exact(table).pvalue)
    elif rest_n > 0:
        p_value = 1.0
    return Share(count, count / n, low, high, False, p_value)


def _duration(days: list[float], rest: list[float], k: int) -> Duration:
    n = len(days)
    if n < k:
        return Duration(None, None, None, None)
    mean = sum(days) / n
    sd = math.sqrt(sum((d - mean) ** 2 for d in days) / (n - 1)) if n > 1 else 0.0
    half = float(stats.t.ppf(1 - ALPHA / 2, n - 1)) * sd / math.sqrt(n)
    p_value: float | None = None
    if len(rest) >= 2 and n >= 2:
        if mean > sum(rest) / len(rest):
            p_value = float(stats.ttest_ind(days, rest, equal_var=False).pvalue)
            if math.isnan(p_value):
                p_value = None
        else:
            p_value = 1.0
    return Duration(n, mean, mean - half, mean + half, False, p_value)


def _keys(cases: pl.DataFrame, dimension: str) -> pl.Series:
    if dimension == "unaccompanied":
        return (
            pl.when(pl.col("minor").fill_null(False) & pl.col("unaccompanied").is_not_null())
            .then(
                pl.when(pl.col("unaccompanied"))
                .then(pl.lit("unaccompanied_children"))
                .otherwise(pl.lit("accompanied_children"))
            )
            .otherwise(None)
            .alias("key")
        ).pipe(lambda e: cases.select(e).to_series())
    return cases.get_column(dimension).cast(pl.String).alias("key")


def monitor(
    cases: pl.DataFrame,
    dimensions: tuple[str, ...] = EQUITY_DIMENSIONS,
    k: int = DEFAULT_K,
    *,
    alpha: float = EQUITY_ALPHA,
) -> list[GroupResult]:
    """The equal-protection table for ``cases`` (rows of the case_outcomes table), the groups of
    ``dimensions`` in the order shown (:func:`ordered`). The cells of every default dimension
    are tested and corrected together (Holm), whichever dimensions are asked for."""
    check_k(k)
    family = tuple(dict.fromkeys((*EQUITY_DIMENSIONS, *dimensions)))
    results = [r for d in family for r in _dimension(cases, d, k)]
    results = _correct(results, alpha)
    return ordered([r for r in results if r.dimension in dimensions], dimensions)


def comparisons(results: list[GroupResult]) -> int:
    """How many comparisons a monitor's Holm correction covered (cells with a p-value)."""
    return sum(
        (s.p_value is not None) + (d.p_value is not None)
        for r in results
        for s, d in zip(r.shares.values(), r.durations.values(), strict=True)
    )


def _correct(results: list[GroupResult], alpha: float) -> list[GroupResult]:
    """Holm's correction across every cell with a p-value; flag the cells below ``alpha``."""
    from pharos.learn.trends import holm

    cells = [(i, kind, o, cell.p_value)
             for i, r in enumerate(results)
             for kind, cells in (("share", r.shares), ("duration", r.durations))
             for o, cell in cells.items() if cell.p_value is not None]  # fmt: skip
    adjusted = holm([c[3] for c in cells if c[3] is not None])
    out = list(results)
    for (i, kind, outcome, _p), p_adj in zip(cells, adjusted, strict=True):
        r = out[i]
        if kind == "share":
            s = r.shares[outcome]
            shares = {**r.shares, outcome: replace(s, p_adjusted=p_adj, worse=p_adj < alpha)}
            out[i] = replace(r, shares=shares)
        else:
            d = r.durations[outcome]
            durations = {**r.durations,
                         outcome: replace(d, p_adjusted=p_adj, slower=p_adj < alpha)}  # fmt: skip
            out[i] = replace(r, durations=durations)
    return out


def sort_key(text: str) -> str:
    """A name's place in an alphabetical list in any of Pharos' languages: accents and case
    ignored (``Égypte`` between ``Danemark`` and ``Espagne``)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


#: The groups' natural order where there is one (else alphabetical by the name shown).
_ORDER: dict[str, tuple[str, ...]] = {
    "gender": codes.GENDERS,
    "age_band": codes.AGE_BANDS,
    "unaccompanied": ("unaccompanied_children", "accompanied_children"),
    "exploitation_type": codes.EXPLOITATION,
}


def ordered(results: list[GroupResult], dimensions: tuple[str, ...]) -> list[GroupResult]:
    """Dimensions in the order asked; within one, age bands from the youngest, genders and
    exploitation types in the codebook's order, nationalities by their name in the current
    language."""
    from pharos.learn.labels import group_label

    def key(r: GroupResult) -> tuple[int, int, str]:
        order = _ORDER.get(r.dimension, ())
        at = order.index(r.group) if r.group in order else len(order)
        return dimensions.index(r.dimension), at, sort_key(group_label(r.dimension, r.group))

    return sorted(results, key=key)


def _dimension(cases: pl.DataFrame, dimension: str, k: int) -> list[GroupResult]:
    results: list[GroupResult] = []
    needed = ("minor", "unaccompanied") if dimension == "unaccompanied" else (dimension,)
    if any(c not in cases.columns for c in needed):
        return results  # a frame without the dimension's column (a test's minimal frame)
    keyed = cases.with_columns(_keys(cases, dimension)).filter(pl.col("key").is_not_null())
    keys = np.asarray(keyed.get_column("key").to_list(), dtype=object)
    columns: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    for outcome in OUTCOMES:
        values = keyed.get_column(outcome)
        times = keyed.get_column(TIMES[outcome]).cast(pl.Float64)
        columns[outcome] = (
            values.is_null().to_numpy(),
            values.fill_null(False).to_numpy().astype(bool),
            times.fill_null(float("nan")).to_numpy(),
        )
    for group in sorted(set(keys.tolist())):
        inside = keys == group
        n = int(inside.sum())
        if protect(n, k).suppressed:
            results.append(GroupResult(dimension, group, None))
            continue
        shares: dict[str, Share] = {}
        durations: dict[str, Duration] = {}
        for outcome in OUTCOMES:
            nulls, done, days = columns[outcome]
            if int(nulls[inside].sum()) == n:
                shares[outcome] = Share(None, None, None, None, recorded=False)
                durations[outcome] = Duration(None, None, None, None)
                continue
            count = int(done[inside].sum())
            rest = int(done[~inside].sum())
            shares[outcome] = _share(count, n, rest, len(keys) - n, k)
            group_days = days[inside]
            rest_days = days[~inside]
            durations[outcome] = _duration(
                group_days[~np.isnan(group_days)].tolist(),
                rest_days[~np.isnan(rest_days)].tolist(),
                k,
            )
        results.append(GroupResult(dimension, group, n, shares, durations))
    return results
