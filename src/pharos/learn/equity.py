"""The equal-protection monitor: does every vulnerable group fare as well as the others?

For each group of a dimension (gender, age band, children unaccompanied or not, nationality,
exploitation type) it gives the share of cases identified, referred and protected, with Wilson
95 % intervals, and the mean days each step took, with Student-t 95 % intervals. A group is
flagged when it fares significantly worse than all other cases of the same dimension (Fisher's
exact test for shares, Welch's t-test for days; two-sided, alpha = 0.05).

Small cells are never shown (``pharos.domain.disclosure``): a group with fewer than k cases is
suppressed whole; a share is suppressed when the cases with or without the outcome number fewer
than k, zeros included (either would let a reader count a handful of people, and 0 % or 100 %
says something of every member; ``disclosure.share_shown``); a mean time is suppressed when
fewer than k cases have it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import polars as pl
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from pharos.domain.disclosure import DEFAULT_K, check_k, protect, share_shown
from pharos.learn.options import EQUITY_DIMENSIONS

OUTCOMES = ("identified", "referred", "protected")
TIMES = {
    "identified": "days_to_identification",
    "referred": "days_to_referral",
    "protected": "days_to_protection",
}
ALPHA = 0.05


@dataclass(frozen=True)
class Share:
    """Share of the group's cases with an outcome (0-1), its interval, and the comparison."""

    count: int | None
    share: float | None
    low: float | None
    high: float | None
    worse: bool = False
    p_value: float | None = None
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
    p_value: float | None = None

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
    worse = False
    p_value: float | None = None
    if rest_n > 0:
        table = [[count, n - count], [rest_count, rest_n - rest_count]]
        p_value = float(stats.fisher_exact(table).pvalue)
        worse = p_value < ALPHA and count / n < rest_count / rest_n
    return Share(count, count / n, low, high, worse, p_value)


def _duration(days: list[float], rest: list[float], k: int) -> Duration:
    n = len(days)
    if n < k:
        return Duration(None, None, None, None)
    mean = sum(days) / n
    sd = math.sqrt(sum((d - mean) ** 2 for d in days) / (n - 1)) if n > 1 else 0.0
    half = float(stats.t.ppf(1 - ALPHA / 2, n - 1)) * sd / math.sqrt(n)
    slower = False
    p_value: float | None = None
    if len(rest) >= 2 and n >= 2:
        p_value = float(stats.ttest_ind(days, rest, equal_var=False).pvalue)
        if math.isnan(p_value):
            p_value = None
        else:
            slower = p_value < ALPHA and mean > sum(rest) / len(rest)
    return Duration(n, mean, mean - half, mean + half, slower, p_value)


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
    cases: pl.DataFrame, dimensions: tuple[str, ...] = EQUITY_DIMENSIONS, k: int = DEFAULT_K
) -> list[GroupResult]:
    """The equal-protection table for ``cases`` (rows of the case_outcomes table)."""
    check_k(k)
    results: list[GroupResult] = []
    for dimension in dimensions:
        keyed = cases.with_columns(_keys(cases, dimension)).filter(pl.col("key").is_not_null())
        groups = sorted(keyed.get_column("key").unique().to_list())
        for group in groups:
            inside = keyed.filter(pl.col("key") == group)
            outside = keyed.filter(pl.col("key") != group)
            n = inside.height
            if protect(n, k).suppressed:
                results.append(GroupResult(dimension, group, None))
                continue
            shares: dict[str, Share] = {}
            durations: dict[str, Duration] = {}
            for outcome in OUTCOMES:
                if inside.get_column(outcome).null_count() == n:
                    shares[outcome] = Share(None, None, None, None, recorded=False)
                    durations[outcome] = Duration(None, None, None, None)
                    continue
                count = int(inside.get_column(outcome).fill_null(False).sum())
                rest = int(outside.get_column(outcome).fill_null(False).sum())
                shares[outcome] = _share(count, n, rest, outside.height, k)
                col = TIMES[outcome]
                days = inside.get_column(col).drop_nulls().to_list()
                rest_days = outside.get_column(col).drop_nulls().to_list()
                durations[outcome] = _duration(days, rest_days, k)
            results.append(GroupResult(dimension, group, n, shares, durations))
    return results
