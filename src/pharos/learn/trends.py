"""Emerging trends: categories rising beyond what their own history predicts.

For each category (an exploitation type, a recruitment method, a nationality, a route) the
yearly count ``y_t`` among the ``n_t`` people with information that year is modelled as a
quasi-Poisson GLM (statsmodels) with offset ``log n_t`` and a linear trend in the year, plus a
step ``d * [t >= tau]`` for a candidate change year ``tau`` among the recent years. The step
that is largest in |z| is kept; its two-sided p-value is multiplied by the number of candidate
years (Bonferroni) so that scanning does not make chance look like change, and Holm's method
then corrects the p-values across all the categories tested together. ``exp(d)`` says how many
times the history's prediction the recent level is.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, replace

import duckdb
import numpy as np
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.multitest import multipletests

from pharos.i18n import _
from pharos.learn import codes
from pharos.learn.analytics import Filters, has_cube
from pharos.learn.labels import country_label, label
from pharos.learn.options import TREND_DIMENSIONS


@dataclass(frozen=True)
class Trend:
    """One category's test: ``ratio`` = recent level / the history's prediction (times);
    ``p_value`` adjusted for the years scanned."""

    dimension: str
    category: str
    since: int
    ratio: float
    p_value: float
    years: tuple[int, ...]
    counts: tuple[int, ...]
    totals: tuple[int, ...]

    @property
    def rising(self) -> bool:
        return self.ratio > 1 and self.p_value < 0.05

    def certainty(self) -> str:
        if self.p_value < 0.01:
            return _("very likely a real change")
        if self.p_value < 0.05:
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
        if self.ratio > 1:
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
            "p": "< 0.001" if self.p_value < 0.001 else f"= {self.p_value:.3f}",
            "certainty": self.certainty(),
        }


def step_test(
    years: list[int], counts: list[int], totals: list[int], *, recent: int = 6, min_history: int = 4
) -> tuple[int, float, float] | None:
    """Best change year, ratio exp(d) and Bonferroni-adjusted two-sided p for a step.

    ``years`` ascending; ``totals`` are the people with information each year (offset). Needs at
    least ``min_history`` years before the change. Returns None if the series is too short.
    """
    y = np.asarray(counts, dtype=float)
    n = np.asarray(totals, dtype=float)
    t = np.asarray(years, dtype=float)
    keep = n > 0
    y, n, t = y[keep], n[keep], t[keep]
    if len(t) < min_history + 2 or y.sum() == 0:
        return None
    candidates = [int(c) for c in t[min_history:]][-recent:]
    best: tuple[int, float, float] | None = None
    best_z = -math.inf
    for tau in candidates:
        step = (t >= tau).astype(float)
        if step.sum() == len(step):
            continue
        x = sm.add_constant(np.column_stack([t - t.mean(), step]), has_constant="add")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                fit = sm.GLM(y, x, family=sm.families.Poisson(), offset=np.log(n)).fit(scale="X2")
            except (ValueError, np.linalg.LinAlgError):
                continue
        d = float(fit.params[2])
        se = float(fit.bse[2])
        if not math.isfinite(d) or not math.isfinite(se) or se <= 0:
            continue
        z = abs(d / se)
        if z > best_z:
            best_z = z
            p = 2 * float(stats.norm.sf(z))
            best = (tau, math.exp(d), min(1.0, p * len(candidates)))
    return best


def _series(
    con: duckdb.DuckDBPyConnection, dimension: str, f: Filters, top: int
) -> dict[str, tuple[list[int], list[int], list[int]]]:
    where, params = f.where()
    out: dict[str, tuple[list[int], list[int], list[int]]] = {}
    if dimension in codes.FLAG_GROUPS:
        cols = [f"{dimension}_{c}" for c in codes.FLAG_GROUPS[dimension]]
        if f.cube_ok and has_cube(con):
            cube_where, cube_params = f.where(cube=True)
            sums = ", ".join(f"sum({c})" for c in cols)
            sql = (
                f"SELECT year, sum(known_{dimension}), {sums} FROM victims_cube WHERE {cube_where}"
            )
            params = cube_params
        else:
            known = " OR ".join(f"coalesce({c}, FALSE)" for c in cols)
            sums = ", ".join(f"count_if(coalesce({c}, FALSE))" for c in cols)
            sql = f"SELECT year, count_if({known}), {sums} FROM victims WHERE {where}"
        rows = con.execute(
            f"{sql} AND year IS NOT NULL GROUP BY year ORDER BY year", params
        ).fetchall()
        years = [int(r[0]) for r in rows]
        totals = [int(r[1] or 0) for r in rows]
        for i, code in enumerate(codes.FLAG_GROUPS[dimension]):
            out[code] = (years, [int(r[2 + i] or 0) for r in rows], totals)
        return out
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
    rows = con.execute(
        f"WITH base AS (SELECT year, {key} AS cat FROM victims WHERE {where} AND {cond} "
        "AND year IS NOT NULL), "
        f"tops AS (SELECT cat FROM base GROUP BY cat ORDER BY count(*) DESC LIMIT {int(top)}), "
        "years AS (SELECT year, count(*) AS total FROM base GROUP BY year) "
        "SELECT t.cat, y.year, y.total, count(b.cat) FROM tops t CROSS JOIN years y "
        "LEFT JOIN base b ON b.cat = t.cat AND b.year = y.year "
        "GROUP BY t.cat, y.year, y.total ORDER BY t.cat, y.year",
        params,
    ).fetchall()
    for cat, year, total, n in rows:
        ys, cs, ts = out.setdefault(str(cat), ([], [], []))
        ys.append(int(year))
        ts.append(int(total))
        cs.append(int(n))
    return out


def emerging(
    con: duckdb.DuckDBPyConnection,
    dimensions: tuple[str, ...] = TREND_DIMENSIONS,
    f: Filters | None = None,
    *,
    recent: int = 6,
    top: int = 15,
) -> list[Trend]:
    """Every tested category, most significant rise first."""
    f = f or Filters()
    results: list[Trend] = []
    for dimension in dimensions:
        for category, (years, counts, totals) in _series(con, dimension, f, top).items():
            if sum(counts) == 0:
                continue
            found = step_test(years, counts, totals, recent=recent)
            if found is None:
                continue
            since, ratio, p = found
            results.append(
                Trend(
                    dimension, category, since, ratio, p, tuple(years), tuple(counts), tuple(totals)
                )
            )
    if results:
        # Holm's correction across every category tested (the years were already accounted for)
        adjusted = multipletests([t.p_value for t in results], method="holm")[1]
        results = [replace(t, p_value=float(p)) for t, p in zip(results, adjusted, strict=True)]
    results.sort(key=lambda tr: (not tr.rising, tr.p_value))
    return results
