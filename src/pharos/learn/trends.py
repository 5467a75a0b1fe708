"""Emerging trends: categories rising beyond what their own history predicts, without false alarms.

For each category (an exploitation type, a recruitment method, a nationality, a route) the yearly
count ``y_st`` among the ``n_st`` people with information in year ``t`` and source ``s`` is
modelled as a quasi-Poisson GLM with offset ``log n_st``: one level per source (each dataset
imported is a source), a linear trend in the year, and a step ``d * [t >= tau]`` for a candidate
change year ``tau`` among the recent years. Within-source comparisons mean that a change in the
mix of sources (a file that covers only the later years, say, with more of one category) is not
mistaken for a change in the category: it is detected and reported as such (:class:`SourceMix`).

The test of a step is the likelihood-ratio (deviance) test of the model with the step against the
model without it, scaled by the dispersion -- Pearson's chi-square over the residual degrees of
freedom, *floored at 1* (fewer than Poisson's variance is not evidence of anything) -- and read
against Student's t with the residual degrees of freedom (signed root; the same as F(1, df)). The
p-values of every category and candidate year tested together are corrected by Holm's method, so
the chance that *any* category is flagged on data with no change is at most ``TREND_ALPHA``
(5 %; measured in ``tests/unit/learn/test_trends_false_alarms.py``). ``exp(d)`` says how many
times the history's prediction the recent level is.

The GLM is fitted here by iteratively reweighted least squares (hundreds of fits a page);
``tests/unit/learn/test_trends.py`` checks its estimates, deviances and Pearson chi-square
against statsmodels' GLM.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import duckdb
import numpy as np
from babel.numbers import format_decimal
from scipy import stats

from pharos.i18n import _, current_locale, format_list, ngettext
from pharos.learn import codes
from pharos.learn.analytics import Filters, has_cube
from pharos.learn.labels import country_label, label
from pharos.learn.options import (
    TREND_ALPHA,
    TREND_DIMENSIONS,
    TREND_MIN_HISTORY,
    TREND_RECENT,
    TREND_TOP,
)

#: Share of a year's rows by which a source's share must move (with p < 0.001) for the mix of
#: sources to count as changed when every source covers every year.
MIX_SHIFT = 0.05


@dataclass(frozen=True)
class StepFit:
    """One candidate change year of one category: ``ratio`` = exp(step), ``t`` the signed root
    of the scaled deviance difference, ``p_value`` two-sided against Student's t (unadjusted)."""

    since: int
    ratio: float
    t: float
    df: int
    dispersion: float
    p_value: float
    #: The share each year that the history predicts (the fit without the step), per year of
    #: ``years``; None for a year without data.
    expected: tuple[float | None, ...] = ()


@dataclass(frozen=True)
class Trend:
    """One category's best change year: ``ratio`` = recent level / the history's prediction
    (times); ``p_value`` adjusted (Holm, across every category and candidate year tested);
    ``pooled_p`` the same test with the sources pooled, when there are several sources."""

    dimension: str
    category: str
    since: int
    ratio: float
    p_value: float
    years: tuple[int, ...]
    counts: tuple[int, ...]
    totals: tuple[int, ...]
    p_raw: float = 1.0
    dispersion: float = 1.0
    pooled_since: int | None = None
    pooled_ratio: float | None = None
    pooled_p: float | None = None
    alpha: float = TREND_ALPHA
    #: The share each year that the history predicts (``StepFit.expected``).
    expected: tuple[float | None, ...] = ()

    @property
    def significant(self) -> bool:
        return self.p_value < self.alpha

    @property
    def rising(self) -> bool:
        return self.ratio > 1 and self.significant

    @property
    def mix_only(self) -> bool:
        """Pooled, the sources show a change that is not there within each source."""
        return not self.significant and self.pooled_p is not None and self.pooled_p < self.alpha

    def certainty(self) -> str:
        if self.p_value < self.alpha / 5:
            return _("very likely a real change")
        if self.p_value < self.alpha:
            return _("likely a real change")
        return _("could be chance")

    def label(self) -> str:
        if self.dimension == "citizenship":
            return _("Victims from %(country)s") % {"country": country_label(self.category)}
        if self.dimension == "route":
            origin, _sep, dest = self.category.partition(">")
            return _("Route %(origin)s to %(destination)s") % {
                "origin": country_label(origin),
                "destination": country_label(dest),
            }
        return label(self.dimension, self.category)

    def sentence(self) -> str:
        """What changed, since when, and how sure, in the current language."""
        if self.ratio > 100:  # absent (or nearly) before: no finite "times the expected level"
            text = _(
                "%(category)s: recorded since %(year)d, hardly ever before, beyond what its "
                "history predicts (p %(p)s, %(certainty)s)."
            )
        elif self.ratio > 1:
            text = _(
                "%(category)s: higher since %(year)d than its history predicts, %(ratio).1f "
                "times the expected level (p %(p)s, %(certainty)s)."
            )
        else:
            text = _(
                "%(category)s: lower since %(year)d than its history predicts, %(ratio).1f "
                "times the expected level (p %(p)s, %(certainty)s)."
            )
        return text % {
            "category": self.label(),
            "year": self.since,
            "ratio": self.ratio,
            "p": _p_text(self.p_value),
            "certainty": self.certainty(),
        }

    def mix_sentence(self) -> str:
        """The change that pooling the sources would show, and why it is not a trend."""
        if (self.pooled_ratio or 1.0) > 1:
            text = _(
                "%(category)s: with the sources pooled it would look higher since %(year)d "
                "(%(ratio)s times, p %(p)s), but within each source it did not change: a "
                "change in the mix of sources, not a trend."
            )
        else:
            text = _(
                "%(category)s: with the sources pooled it would look lower since %(year)d "
                "(%(ratio)s times, p %(p)s), but within each source it did not change: a "
                "change in the mix of sources, not a trend."
            )
        return text % {
            "category": self.label(),
            "year": self.pooled_since or 0,
            "ratio": _ratio_text(self.pooled_ratio or 1.0),
            "p": _p_text(self.pooled_p if self.pooled_p is not None else 1.0),
        }


def _ratio_text(ratio: float) -> str:
    """``ratio`` for a sentence: a category absent before its change year has no finite ratio."""
    return "> 100" if ratio > 100 else f"{ratio:.1f}"


def source_name(key: str, names: dict[str, str] | None = None) -> str:
    """A source in words: the dataset's file (``names``: id -> file), and the CTDC data source
    within it when the file records one."""
    dataset, _sep, data_source = key.partition("/")
    name = (names or {}).get(dataset, dataset)
    if data_source == "hotline":
        return _("%(file)s, hotline records") % {"file": name}
    if data_source == "case_management":
        return _("%(file)s, case management records") % {"file": name}
    return name


def _p_text(p: float) -> str:
    return "< 0.001" if p < 0.001 else f"= {p:.3f}"


@dataclass(frozen=True)
class SourceCoverage:
    """One source (a dataset) of the data tested: the years it covers and its rows."""

    key: str
    years: tuple[int, ...]
    rows: int

    @property
    def first(self) -> int:
        return self.years[0]

    @property
    def last(self) -> int:
        return self.years[-1]


@dataclass(frozen=True)
class SourceMix:
    """The sources of the rows tested, and whether their mix changes from year to year: a
    source that does not cover every year, or whose share of the rows moves by more than
    ``MIX_SHIFT`` (chi-square p < 0.001)."""

    sources: tuple[SourceCoverage, ...] = ()
    changed: bool = False
    p_value: float | None = None

    def sentence(self, names: dict[str, str] | None = None) -> str:
        """What changed in the mix, naming each source (``names``: dataset id -> file)."""
        items = [
            _("%(source)s (%(first)d–%(last)d, %(rows)s)")
            % {"source": source_name(s.key, names), "first": s.first, "last": s.last,
               "rows": ngettext("%(n)s row", "%(n)s rows", s.rows)
               % {"n": format_decimal(s.rows, locale=current_locale())}}
            for s in self.sources
        ]  # fmt: skip
        return _(
            "The mix of sources changes from year to year: %(sources)s. Each category is "
            "compared within each source, so a change in the mix is not reported as a trend."
        ) % {"sources": format_list(items)}


@dataclass(frozen=True)
class TrendReport:
    """Every category tested, the sources and their mix, and the size of the test family."""

    trends: list[Trend] = field(default_factory=list)
    mix: SourceMix = field(default_factory=SourceMix)
    tests: int = 0
    alpha: float = TREND_ALPHA

    @property
    def significant(self) -> list[Trend]:
        return [t for t in self.trends if t.significant]

    @property
    def mix_only(self) -> list[Trend]:
        return [t for t in self.trends if t.mix_only]

    def method(self) -> str:
        """How the categories were tested, with the size of the family corrected for."""
        return _(
            "Each category's yearly share is compared with what its own history predicts "
            "(quasi-Poisson model with a trend, a level for each source and a step; dispersion "
            "estimated from the data and at least 1; Student's t). Holm's correction across "
            "%(tests)s (categories × candidate years) keeps the chance of any false alarm at most "
            "%(alpha)s %%."
        ) % {
            "tests": ngettext("%(n)s test", "%(n)s tests", self.tests) % {"n": self.tests},
            "alpha": f"{100 * self.alpha:g}",
        }


# --- the model -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Fit:
    beta: np.ndarray
    deviance: float
    pearson: float


def _poisson_deviance(y: np.ndarray, mu: np.ndarray) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(y > 0, y * np.log(y / mu), 0.0)
    return float(2 * np.sum(term - (y - mu)))


def poisson_fit(
    x: np.ndarray, y: np.ndarray, offset: np.ndarray, *, tol: float = 1e-10, max_iter: int = 100
) -> _Fit | None:
    """Poisson GLM (log link) by iteratively reweighted least squares; None if it fails.

    Starts as statsmodels does (mu = (y + mean y) / 2) and stops when the deviance changes by
    less than ``tol`` relative. A coefficient that runs off to infinity (a category absent
    before a year) leaves the deviance converging all the same, which is what the test uses.
    """
    if y.sum() <= 0:
        return None
    mu = (y + y.mean()) / 2
    eta = np.log(mu)
    deviance = math.inf
    beta = np.zeros(x.shape[1])
    for _i in range(max_iter):
        z = eta - offset + (y - mu) / mu
        xw = x.T * mu
        try:
            beta = np.linalg.solve(xw @ x, xw @ z)
        except np.linalg.LinAlgError:
            return None
        eta = np.clip(x @ beta + offset, -700, 700)
        mu = np.maximum(np.exp(eta), 1e-300)
        new = _poisson_deviance(y, mu)
        if not math.isfinite(new):
            return None
        if abs(new - deviance) <= tol * (abs(new) + 0.1):
            deviance = new
            break
        deviance = new
    pearson = float(np.sum((y - mu) ** 2 / mu))
    return _Fit(beta, deviance, pearson)


def _as_matrix(values: Sequence[int] | Sequence[Sequence[int]]) -> np.ndarray:
    return np.atleast_2d(np.asarray(values, dtype=float))


def step_fits(
    years: Sequence[int],
    counts: Sequence[int] | Sequence[Sequence[int]],
    totals: Sequence[int] | Sequence[Sequence[int]],
    *,
    recent: int = TREND_RECENT,
    min_history: int = TREND_MIN_HISTORY,
) -> list[StepFit]:
    """The step test at every candidate year (unadjusted p-values).

    ``years`` ascending; ``counts`` and ``totals`` one row per source (or one list for a single
    source), one column per year; ``totals`` are the people with information (offset). A
    candidate year needs ``min_history`` years of data before it; a year where no source spans
    both sides of it (the step is then the mix of sources) is not tested.
    """
    t_all = np.asarray(years, dtype=float)
    y_m, n_m = _as_matrix(counts), _as_matrix(totals)
    if y_m.shape != n_m.shape or y_m.shape[1] != len(t_all):
        raise ValueError("counts and totals need one column per year")
    keep_source = y_m.sum(axis=1) > 0  # a source without the category tells nothing of it
    y_m, n_m = y_m[keep_source], n_m[keep_source]
    cells = np.argwhere(n_m > 0)
    if len(cells) == 0:
        return []
    y = y_m[cells[:, 0], cells[:, 1]]
    offset = np.log(n_m[cells[:, 0], cells[:, 1]])
    t = t_all[cells[:, 1]]
    data_years = sorted({int(v) for v in t})
    sources = sorted({int(s) for s in cells[:, 0]})
    dummies = np.column_stack([(cells[:, 0] == s).astype(float) for s in sources])
    base = np.column_stack([dummies, t - t.mean()])
    df = len(y) - base.shape[1] - 1
    if len(data_years) < min_history + 2 or df < 2:
        return []
    null = poisson_fit(base, y, offset)
    if null is None:
        return []
    out: list[StepFit] = []
    for tau in data_years[min_history:][-recent:]:
        step = (t >= tau).astype(float)
        x = np.column_stack([base, step])
        # the step must be seen within a source: a source on both sides of tau
        if not any(
            (step[cells[:, 0] == s] == 1).any() and (step[cells[:, 0] == s] == 0).any()
            for s in sources
        ):
            continue
        if np.linalg.matrix_rank(x) < x.shape[1]:
            continue
        fit = poisson_fit(x, y, offset)
        if fit is None:
            continue
        dispersion = max(1.0, fit.pearson / df)
        drop = max(0.0, null.deviance - fit.deviance) / dispersion
        d = float(fit.beta[-1])
        signed = math.copysign(math.sqrt(drop), d)
        p = float(2 * stats.t.sf(abs(signed), df))
        ratio = math.exp(min(d, 700.0))
        # what the history predicts each year: the fit with the step taken out, all sources
        history = np.exp(np.clip(x[:, :-1] @ fit.beta[:-1] + offset, -700, 700))
        predicted = np.bincount(cells[:, 1], weights=history, minlength=len(t_all))
        people = np.bincount(cells[:, 1], weights=np.exp(offset), minlength=len(t_all))
        expected = tuple(
            float(e / n) if n > 0 else None for e, n in zip(predicted, people, strict=True)
        )
        out.append(StepFit(int(tau), ratio, signed, df, dispersion, p, expected))
    return out


def step_test(
    years: Sequence[int],
    counts: Sequence[int] | Sequence[Sequence[int]],
    totals: Sequence[int] | Sequence[Sequence[int]],
    *,
    recent: int = TREND_RECENT,
    min_history: int = TREND_MIN_HISTORY,
) -> tuple[int, float, float] | None:
    """One category alone: the best change year, its ratio and its p-value Holm-adjusted for
    the candidate years scanned; None if the series is too short to test."""
    fits = step_fits(years, counts, totals, recent=recent, min_history=min_history)
    if not fits:
        return None
    adjusted = holm([f.p_value for f in fits])
    best = min(range(len(fits)), key=lambda i: fits[i].p_value)
    return fits[best].since, fits[best].ratio, float(adjusted[best])


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values (Holm 1979), in the order given: the k-th smallest
    times (m - k + 1), made non-decreasing, at most 1. Rejecting where the adjusted p is below
    alpha keeps the chance of any false rejection at most alpha, whatever the dependence.
    (Checked against statsmodels' ``multipletests(method="holm")`` in the tests.)"""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [1.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted


# --- the data --------------------------------------------------------------------------------


@dataclass
class _Series:
    """A category's counts and totals, one row per source, one column per year."""

    counts: np.ndarray
    totals: np.ndarray


def _source_column(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """The SQL of a row's source: its dataset, and within a CTDC Global Dataset file its
    ``Datasource`` (case management or hotline), as ``dataset/hotline``."""
    columns = {r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()}
    key = "dataset" if "dataset" in columns else "source"
    if "data_source" in columns:
        return f"({key} || coalesce('/' || data_source, ''))"
    return key


def _grid(
    rows: list[tuple[object, ...]],
) -> tuple[list[str], list[int], dict[tuple[str, int], tuple[object, ...]]]:
    """Sources and years found in ``rows`` (first two columns) and the rows by (source, year)."""
    sources = sorted({str(r[0]) for r in rows})
    years = sorted({int(r[1]) for r in rows})  # type: ignore[call-overload]
    by_cell = {(str(r[0]), int(r[1])): r for r in rows}  # type: ignore[call-overload]
    return sources, years, by_cell


def _series(
    con: duckdb.DuckDBPyConnection, dimension: str, f: Filters, top: int
) -> tuple[list[str], list[int], dict[str, _Series]]:
    where, params = f.where()
    out: dict[str, _Series] = {}
    if dimension in codes.FLAG_GROUPS:
        cols = [f"{dimension}_{c}" for c in codes.FLAG_GROUPS[dimension]]
        if f.cube_ok and has_cube(con):
            cube_where, params = f.where(cube=True)
            src = _source_column(con, "victims_cube")
            sums = ", ".join(f"sum({c})" for c in cols)
            sql = (
                f"SELECT {src}, year, sum(known_{dimension}), {sums} FROM victims_cube "
                f"WHERE {cube_where}"
            )
        else:
            src = _source_column(con, "victims")
            known = " OR ".join(f"coalesce({c}, FALSE)" for c in cols)
            sums = ", ".join(f"count_if(coalesce({c}, FALSE))" for c in cols)
            sql = f"SELECT {src}, year, count_if({known}), {sums} FROM victims WHERE {where}"
        rows = con.execute(f"{sql} AND year IS NOT NULL GROUP BY 1, 2", params).fetchall()
        sources, years, by_cell = _grid(rows)
        shape = (len(sources), len(years))
        totals = np.zeros(shape)
        flags = np.zeros((len(cols), *shape))
        for (s, yr), r in by_cell.items():
            i, j = sources.index(s), years.index(yr)
            totals[i, j] = float(r[2] or 0)  # type: ignore[arg-type]
            flags[:, i, j] = [float(v or 0) for v in r[3:]]  # type: ignore[arg-type]
        for k, code in enumerate(codes.FLAG_GROUPS[dimension]):
            out[code] = _Series(flags[k], totals)
        return sources, years, out
    src = _source_column(con, "victims")
    key = (
        "citizenship"
        if dimension == "citizenship"
        else "citizenship || '>' || exploitation_country"
    )
    cond = (
        "citizenship IS NOT NULL"
        if dimension == "citizenship"
        else "citizenship IS NOT NULL AND exploitation_country IS NOT NULL"
    )
    base_rows = con.execute(
        f"SELECT {src}, year, count(*) FROM victims WHERE {where} AND {cond} "
        "AND year IS NOT NULL GROUP BY 1, 2",
        params,
    ).fetchall()
    sources, years, by_cell = _grid(base_rows)
    shape = (len(sources), len(years))
    totals = np.zeros(shape)
    for (s, yr), r in by_cell.items():
        totals[sources.index(s), years.index(yr)] = float(r[2])  # type: ignore[arg-type]
    rows = con.execute(
        f"WITH base AS (SELECT {src} AS src, year, {key} AS cat FROM victims WHERE {where} "
        f"AND {cond} AND year IS NOT NULL), "
        f"tops AS (SELECT cat FROM base GROUP BY cat ORDER BY count(*) DESC, cat LIMIT {int(top)}) "
        "SELECT b.cat, b.src, b.year, count(*) FROM base b JOIN tops USING (cat) "
        "GROUP BY 1, 2, 3",
        params,
    ).fetchall()
    for cat, s, yr, n in rows:
        series = out.setdefault(str(cat), _Series(np.zeros(shape), totals))
        series.counts[sources.index(str(s)), years.index(int(yr))] = float(n)
    return sources, years, out


def source_mix(con: duckdb.DuckDBPyConnection, f: Filters | None = None) -> SourceMix:
    """The sources (datasets) of the rows with a year, the years each covers, and whether the
    mix changes from year to year."""
    f = f or Filters()
    where, params = f.where()
    src = _source_column(con, "victims")
    rows = con.execute(
        f"SELECT {src}, year, count(*) FROM victims WHERE {where} AND year IS NOT NULL "
        "GROUP BY 1, 2",
        params,
    ).fetchall()
    sources, years, by_cell = _grid(rows)
    if not sources:
        return SourceMix()
    table = np.zeros((len(sources), len(years)))
    for (s, yr), r in by_cell.items():
        table[sources.index(s), years.index(yr)] = float(r[2])  # type: ignore[arg-type]
    coverage = tuple(
        SourceCoverage(s, tuple(y for j, y in enumerate(years) if table[i, j] > 0),
                       int(table[i].sum()))
        for i, s in enumerate(sources)
    )  # fmt: skip
    if len(sources) == 1:
        return SourceMix(coverage)
    gaps = bool((table == 0).any())
    p_value = float(stats.chi2_contingency(table).pvalue) if not gaps else 0.0
    shares = table / table.sum(axis=0, keepdims=True)
    shift = float((shares.max(axis=1) - shares.min(axis=1)).max())
    changed = gaps or (p_value < 0.001 and shift > MIX_SHIFT)
    return SourceMix(coverage, changed, p_value)


def scan(
    con: duckdb.DuckDBPyConnection,
    dimensions: tuple[str, ...] = TREND_DIMENSIONS,
    f: Filters | None = None,
    *,
    recent: int = TREND_RECENT,
    min_history: int = TREND_MIN_HISTORY,
    top: int = TREND_TOP,
    alpha: float = TREND_ALPHA,
) -> TrendReport:
    """Test every category of ``dimensions``; significant changes first, then the rest."""
    f = f or Filters()
    found: list[tuple[str, str, list[int], _Series, list[StepFit], list[StepFit]]] = []
    several = False
    for dimension in dimensions:
        sources, years, series = _series(con, dimension, f, top)
        several = several or len(sources) > 1
        for category, s in series.items():
            if s.counts.sum() == 0:
                continue
            kwargs = {"recent": recent, "min_history": min_history}
            fits = step_fits(years, s.counts.tolist(), s.totals.tolist(), **kwargs)
            pooled: list[StepFit] = []
            if len(sources) > 1:
                pooled = step_fits(
                    years, [s.counts.sum(axis=0).tolist()], [s.totals.sum(axis=0).tolist()],
                    **kwargs,
                )  # fmt: skip
            if fits or pooled:
                found.append((dimension, category, years, s, fits, pooled))
    within = _holm([fits for *_rest, fits, _pooled in found])
    pooled_adj = _holm([pooled for *_rest, pooled in found]) if several else None
    results: list[Trend] = []
    for i, (dimension, category, years, s, fits, pooled) in enumerate(found):
        counts = s.counts.sum(axis=0)
        totals = s.totals.sum(axis=0)
        base = Trend(
            dimension, category, years[-1], 1.0, 1.0, tuple(years),
            tuple(int(c) for c in counts), tuple(int(n) for n in totals), alpha=alpha,
        )  # fmt: skip
        if fits:
            best, p_adj = within[i]
            base = replace(base, since=best.since, ratio=best.ratio, p_value=p_adj,
                           p_raw=best.p_value, dispersion=best.dispersion,
                           expected=best.expected)  # fmt: skip
        if pooled and pooled_adj is not None:
            best, p_adj = pooled_adj[i]
            base = replace(base, pooled_since=best.since, pooled_ratio=best.ratio,
                           pooled_p=p_adj)  # fmt: skip
            if not fits:
                base = replace(base, since=best.since)
        results.append(base)
    results.sort(key=lambda tr: (not tr.significant, not tr.rising, tr.p_value))
    tests = sum(len(fits) for *_rest, fits, _pooled in found)
    return TrendReport(results, source_mix(con, f), tests, alpha)


def _holm(groups: list[list[StepFit]]) -> list[tuple[StepFit, float]]:
    """Holm's correction across every (category, year) test; per category, its best year and
    that year's adjusted p (1 for a category with nothing tested)."""
    flat = [p.p_value for fits in groups for p in fits]
    adjusted = holm(flat)
    out: list[tuple[StepFit, float]] = []
    at = 0
    for fits in groups:
        if not fits:
            out.append((StepFit(0, 1.0, 0.0, 0, 1.0, 1.0), 1.0))
            continue
        best = min(range(len(fits)), key=lambda j: fits[j].p_value)
        out.append((fits[best], float(adjusted[at + best])))
        at += len(fits)
    return out


def emerging(
    con: duckdb.DuckDBPyConnection,
    dimensions: tuple[str, ...] = TREND_DIMENSIONS,
    f: Filters | None = None,
    *,
    recent: int = TREND_RECENT,
    top: int = TREND_TOP,
) -> list[Trend]:
    """Every tested category, most significant rise first (``scan(...).trends``)."""
    return scan(con, dimensions, f, recent=recent, top=top).trends
