"""Model against the published figures it is calibrated to.

The targets ship in ``pharos/sim/data/calibration_targets.csv`` (each with its source and
years), derived by ``scripts/derive_calibration_targets.py`` from UNODC GLOTIP country data,
Frontex, UNHCR and the project's calibration reference. The model's figure for a target is the
mean over replications of its yearly value over the full simulated years after the warm-up.
A target is met when the relative error is within the tolerance (35 %).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from importlib import resources

import pandas as pd

from pharos.scenario.schema import Scenario

TOLERANCE = 0.35


@dataclass(frozen=True)
class Target:
    """One published figure: what, where, how much, when, from where."""

    metric: str
    state: str
    route: str
    value: float
    unit: str
    years: str
    source: str


def load_targets() -> list[Target]:
    """The calibration targets shipped with Pharos."""
    text = resources.files("pharos.sim").joinpath("data", "calibration_targets.csv")
    with text.open("r", encoding="utf-8") as fp:
        return [
            Target(
                metric=r["metric"],
                state=r["state"],
                route=r["route"],
                value=float(r["value"]),
                unit=r["unit"],
                years=r["years"],
                source=r["source"],
            )
            for r in csv.DictReader(fp)
        ]


def _years(scenario: Scenario) -> tuple[int, int]:
    first = math.ceil(scenario.warmup_days / 365)
    last = scenario.horizon_days // 365
    return first, last


def model_value(target: Target, tables: dict[str, pd.DataFrame], scenario: Scenario) -> float:
    """The model's figure for ``target`` from the combined tables of many replications."""
    first, last = _years(scenario)
    nyears = max(last - first, 1)
    if target.metric == "arrivals":
        f = tables["flows"]
        f = f[(f["year"] >= first) & (f["year"] < last)]
        sel = f[(f["route"] == target.route) & (f["state"] == target.state)]
        return float(sel.groupby("replication")["arrivals"].sum().mean() / nyears)
    a = tables["annual"]
    a = a[(a["year"] >= first) & (a["year"] < last) & (a["state"] == target.state)]
    per_rep = a.pivot_table(
        index="replication", columns="metric", values="value", aggfunc="sum", fill_value=0
    )
    reps = tables["outcomes"]["replication"].unique()
    per_rep = per_rep.reindex(reps, fill_value=0)

    def col(name: str) -> pd.Series:
        if name in per_rep:
            return per_rep[name].astype(float)
        return pd.Series(0.0, index=per_rep.index)

    if target.metric in ("identified", "prosecuted", "convicted"):
        return float(col(target.metric).mean() / nyears)
    ident = col("identified").sum()
    if ident == 0:
        return 0.0
    if target.metric == "share_female":
        return float(col("identified_female").sum() / ident)
    if target.metric.startswith("share_"):
        return float(col("identified_" + target.metric.removeprefix("share_")).sum() / ident)
    raise ValueError(f"unknown calibration metric {target.metric!r}")


def compare(tables: dict[str, pd.DataFrame], scenario: Scenario) -> pd.DataFrame:
    """One row per target: reference, model, relative error, within tolerance, source."""
    rows = []
    for t in load_targets():
        model = model_value(t, tables, scenario)
        err = (model - t.value) / t.value if t.value else float("nan")
        rows.append(
            {
                "metric": t.metric,
                "state": t.state,
                "route": t.route,
                "reference": t.value,
                "model": model,
                "relative_error": err,
                "within_tolerance": abs(err) <= TOLERANCE,
                "unit": t.unit,
                "years": t.years,
                "source": t.source,
            }
        )
    return pd.DataFrame(rows)


def ranking(table: pd.DataFrame) -> tuple[list[str], list[str]]:
    """States ranked by identified victims: (reference order, model order)."""
    ident = table[table["metric"] == "identified"]
    ref = ident.sort_values("reference", ascending=False)["state"].tolist()
    mod = ident.sort_values("model", ascending=False)["state"].tolist()
    return ref, mod
