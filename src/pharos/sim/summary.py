"""Indicators per replication, and their summaries across replications with 95 % intervals.

Indicators (shares in [0, 1], times in days, counts per simulated year after the warm-up):
``victims_per_year``, ``protected_per_year`` (victims who entered protection),
``share_prevented``, ``share_identified``, ``share_protected``,
``share_lost`` (of the detected), ``share_retrafficked`` (of the detected),
``days_to_rescue``, ``days_to_identification``, ``days_to_protection`` (means from the start
of exploitation), and per state ``investigations``, ``financial_investigations``,
``prosecuted``, ``convicted``, ``networks_disrupted`` per year and ``days_to_charge`` (mean
days from opening a case to charging, over the cases charged); per pair of states and
instrument, ``request_latency_days`` and ``share_requests_answered``.

Each is broken down by ``dimension``: ``total``, ``state``, ``route``, ``exploitation``,
``group`` (vulnerable group). Differences between an overlay and the baseline are taken per
replication (common random numbers) before averaging, which makes their intervals narrow.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from pharos.scenario.schema import Scenario

RATIOS: dict[str, tuple[str, str]] = {
    "share_prevented": ("prevented", "victims"),
    "share_identified": ("identified", "victims"),
    "share_protected": ("protected", "victims"),
    "share_lost": ("lost", "detected"),
    "share_retrafficked": ("retrafficked", "detected"),
    "days_to_rescue": ("days_to_rescue_sum", "detected"),
    "days_to_identification": ("days_to_identification_sum", "identified"),
    "days_to_protection": ("days_to_protection_sum", "protected"),
}
JUSTICE: dict[str, str] = {
    "investigation": "investigations",
    "financial_investigation": "financial_investigations",
    "prosecuted": "prosecuted",
    "convicted": "convicted",
    "disrupted": "networks_disrupted",
}
KEY = ["dimension", "level", "indicator"]


def _long(wide: Any) -> pd.DataFrame:
    """A wide (replication, level) x indicator frame as long rows."""
    out: pd.DataFrame = wide.stack(future_stack=True).rename("value").reset_index()
    return out


def _years(scenario: Scenario) -> tuple[int, int]:
    return math.ceil(scenario.warmup_days / 365), scenario.horizon_days // 365


def indicators(tables: dict[str, pd.DataFrame], scenario: Scenario) -> pd.DataFrame:
    """Every indicator of every replication: replication, dimension, level, indicator, value."""
    first, last = _years(scenario)
    nyears = max(last - first, 1)
    span_years = (scenario.horizon_days - scenario.warmup_days) / 365.0
    out = tables["outcomes"]
    parts = []
    for dim in ("total", "state", "route", "exploitation", "group"):
        sel = out if dim == "group" else out[out["group"] == "all"]
        level = sel["group"] if dim == "group" else (sel[dim] if dim != "total" else "all")
        frame = sel.assign(level=level)
        wide: Any = frame.pivot_table(
            index=["replication", "level"],
            columns="metric",
            values="value",
            aggfunc="sum",
            fill_value=0.0,
        )
        res = pd.DataFrame(index=wide.index)
        res["victims_per_year"] = wide["victims"] / span_years
        # victims protected a year: what an intervention's cost is divided by (pharos.sim.costs)
        res["protected_per_year"] = wide["protected"] / span_years
        with np.errstate(divide="ignore", invalid="ignore"):
            for name, (num, den) in RATIOS.items():
                res[name] = np.where(
                    wide[den] > 0, wide[num] / wide[den].where(wide[den] > 0), np.nan
                )
        long = _long(res)
        long.columns = ["replication", "level", "indicator", "value"]
        long.insert(1, "dimension", dim)
        parts.append(long)
    ann = tables["annual"]
    kept = [*JUSTICE, "days_to_charge_sum"]
    ann = ann[(ann["year"] >= first) & (ann["year"] < last) & ann["metric"].isin(kept)]
    reps = sorted(out["replication"].unique())
    for dim in ("total", "state", "route", "exploitation"):
        level = ann[dim] if dim != "total" else "all"
        g = ann.assign(level=level).groupby(["replication", "level", "metric"])["value"].sum()
        wide = g.unstack("metric").reindex(columns=kept, fill_value=0.0).fillna(0.0)
        levels = sorted(set(ann[dim])) if dim != "total" else ["all"]
        full = pd.MultiIndex.from_product([reps, levels], names=["replication", "level"])
        wide = wide.reindex(full, fill_value=0.0)
        charged = wide["disrupted"]
        days = wide.pop("days_to_charge_sum")
        wide = wide / nyears
        wide.columns = [JUSTICE[c] for c in wide.columns]
        # days from opening a case to charging, over the cases charged
        wide["days_to_charge"] = (days / charged.where(charged > 0)).to_numpy()
        long = _long(wide)
        long.columns = ["replication", "level", "indicator", "value"]
        long.insert(1, "dimension", dim)
        parts.append(long)
    req = tables["requests"]
    if not req.empty:
        pair = req["sender"] + "-" + req["receiver"] + " " + req["instrument"]
        gr: Any = (
            req.assign(level=pair)
            .groupby(["replication", "level"])[["requests", "successes", "latency_days_sum"]]
            .sum()
        )
        res = pd.DataFrame(index=gr.index)
        res["request_latency_days"] = gr["latency_days_sum"] / gr["requests"]
        res["share_requests_answered"] = gr["successes"] / gr["requests"]
        long = _long(res)
        long.columns = ["replication", "level", "indicator", "value"]
        long.insert(1, "dimension", "request")
        parts.append(long)
    df = pd.concat(parts, ignore_index=True)
    result: pd.DataFrame = df.sort_values(["replication", *KEY]).reset_index(drop=True)
    return result


def _ci(values: pd.Series) -> tuple[float, float, float, int]:
    v = values.dropna().to_numpy(dtype=float)
    n = len(v)
    if n == 0:
        return (math.nan, math.nan, math.nan, 0)
    mean = float(v.mean())
    if n < 2:
        return (mean, math.nan, math.nan, n)
    half = float(stats.t.ppf(0.975, n - 1) * v.std(ddof=1) / math.sqrt(n))
    return (mean, mean - half, mean + half, n)


def yearly(annual: pd.DataFrame, metric: str, years: int, replications: list[int]) -> pd.DataFrame:
    """A time series of one ``metric`` of the annual table (all states, routes and forms): for
    each simulated year 1 .. ``years``, the mean over the ``replications`` of the year's count
    and its 95 % interval (Student t over the replications, as every interval of the simulate
    report: the simulation's noise, not the inputs' uncertainty). A replication with no such
    event in a year counts 0."""
    sel = annual[annual["metric"] == metric]
    counts = sel.groupby(["replication", "year"])["value"].sum()
    grid = pd.MultiIndex.from_product([replications, range(years)], names=["replication", "year"])
    wide = counts.reindex(grid, fill_value=0.0).unstack("year")
    rows = []
    for y in range(years):
        mean, low, high, _n = _ci(wide[y])
        rows.append({"year": y + 1, "mean": mean, "low": low, "high": high})
    return pd.DataFrame(rows, columns=["year", "mean", "low", "high"])


def summarise(ind: pd.DataFrame) -> pd.DataFrame:
    """Mean and 95 % confidence interval (Student t) of each indicator across replications."""
    rows = []
    for key, g in ind.groupby(KEY, sort=True):
        mean, lo, hi, n = _ci(g["value"])
        rows.append((*key, mean, lo, hi, n))
    return pd.DataFrame(rows, columns=[*KEY, "mean", "ci_low", "ci_high", "replications"])


def differences(base: pd.DataFrame, other: pd.DataFrame) -> pd.DataFrame:
    """Overlay minus baseline, paired by replication (common random numbers), with 95 % CI."""
    cols = ["replication", *KEY]
    m = base.merge(other, on=cols, how="inner", suffixes=("_baseline", "_overlay"))
    m["difference"] = m["value_overlay"] - m["value_baseline"]
    rows = []
    for key, g in m.groupby(KEY, sort=True):
        b = g["value_baseline"].dropna()
        o = g["value_overlay"].dropna()
        mean, lo, hi, n = _ci(g["difference"])
        rows.append(
            (
                *key,
                float(b.mean()) if len(b) else math.nan,
                float(o.mean()) if len(o) else math.nan,
                mean,
                lo,
                hi,
                n,
            )
        )
    return pd.DataFrame(
        rows,
        columns=[*KEY, "baseline", "overlay", "difference", "ci_low", "ci_high", "replications"],
    )


def paired_effects(diffs: pd.DataFrame, base: Any, better: str = "higher") -> pd.DataFrame:
    """Which intervention helps most, by how much, how sure: ``diffs`` holds one column per
    intervention and one row per draw (a replication of a simulation, a scenario of an
    experiment), each the intervention's outcome minus the baseline's on the same random
    numbers; ``base`` the baseline's outcomes. One row per intervention: ``effect`` (the mean
    paired difference, in the outcome's units), ``low``/``high`` (its 95 % Student-t interval),
    ``relative`` (effect over the baseline's mean), ``p_value`` (two-sided t-test of no effect),
    ``n``; sorted from the most helpful (``better``: is a higher or a lower outcome better).
    The simulate report and the experiment report (pharos.analysis.effects) both rank by it."""
    b = np.asarray(base, dtype=float)
    b = b[np.isfinite(b)]
    base_mean = float(b.mean()) if len(b) else math.nan
    rows = []
    for name in diffs.columns:
        d = diffs[name].to_numpy(dtype=float)
        d = d[np.isfinite(d)]
        n = len(d)
        mean, low, high, _n = _ci(pd.Series(d))
        if n > 1 and float(d.std(ddof=1)) > 0:
            se = float(d.std(ddof=1)) / math.sqrt(n)
            p = float(2 * stats.t.sf(abs(mean) / se, n - 1))
        else:  # every draw the same difference: exactly that effect, no interval
            low = high = mean if n > 1 else math.nan
            p = 1.0 if mean == 0 or n <= 1 else 0.0
        rows.append(
            {
                "policy": str(name),
                "effect": mean,
                "low": low,
                "high": high,
                "relative": mean / base_mean if base_mean else math.nan,
                "p_value": p,
                "n": n,
            }
        )
    frame = pd.DataFrame(
        rows, columns=["policy", "effect", "low", "high", "relative", "p_value", "n"]
    ).set_index("policy")
    if frame.empty:
        return frame
    return frame.sort_values("effect", ascending=(better == "lower"), kind="stable")


#: the equal-protection check's flags on 2,000 experiments with no effect in any group (3
#: interventions x 4 groups, 50 draws; tests/unit/analysis/test_effects.py repeats 400 of them)
EQUAL_FALSE_ALARM = "0 / 2,000"


def unequal_protection(
    table: pd.DataFrame, p_values: pd.DataFrame, alpha: float = 0.05
) -> tuple[float, dict[str, tuple[list[str], list[str]]]]:
    """The equal-protection check: ``table`` and ``p_values`` are intervention x group (effect
    on the group's share protected, and its two-sided p of no effect). An intervention is
    flagged when it significantly raises one group's outcome and significantly lowers
    another's, each test at ``alpha / m`` with ``m`` the number of tests (Bonferroni). Returns
    the per-test level and intervention -> (groups helped, groups harmed)."""
    level = alpha / max(1, table.size)
    effect = table.to_numpy(dtype=float)
    significant = p_values.reindex_like(table).to_numpy(dtype=float) < level
    names = [str(g) for g in table.columns]
    flagged: dict[str, tuple[list[str], list[str]]] = {}
    for i, policy in enumerate(table.index):
        helped = [g for j, g in enumerate(names) if significant[i, j] and effect[i, j] > 0]
        harmed = [g for j, g in enumerate(names) if significant[i, j] and effect[i, j] < 0]
        if helped and harmed:
            flagged[str(policy)] = (helped, harmed)
    return level, flagged


def variant_effects(
    base: pd.DataFrame,
    others: dict[str, pd.DataFrame],
    key: tuple[str, str, str],
    better: str = "higher",
) -> pd.DataFrame:
    """:func:`paired_effects` of one indicator (``key``: dimension, level, indicator) of a
    study: ``base`` and ``others`` (name -> frame) are :func:`indicators` of the baseline and
    of each intervention, run on the same seeds, paired by replication."""

    def pick(ind: pd.DataFrame) -> pd.Series:
        sel = ind[(ind["dimension"] == key[0]) & (ind["level"] == key[1])]
        series: pd.Series = sel[sel["indicator"] == key[2]].set_index("replication")["value"]
        return series.astype(float)

    b = pick(base)
    diffs = pd.DataFrame({name: pick(o) - b for name, o in others.items()})
    return paired_effects(diffs, b, better)
