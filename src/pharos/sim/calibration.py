"""Model against the published figures it is calibrated to, in and out of sample.

The targets ship in ``pharos/sim/data/calibration_targets.csv`` (each with its source, years
and role), derived by ``scripts/derive_calibration_targets.py`` from UNODC GLOTIP country data,
Frontex, UNHCR and US TIP Report figures. Roles:

- ``input``: restates a model input (arrivals; convictions, whose ratio to prosecutions is an
  input). A check of the wiring, not evidence of fit.
- ``fitted``: the fit window, 2017-2019; the only figures inputs may be set against.
- ``held_out``: 2020-2021, never used to set an input: the model's out-of-sample error.
- ``check``: a second source for a figure; compared year by year with the first source, never
  with the model.

The model's figure for a target is the mean over replications of its yearly value over the
full simulated years after the warm-up (the model is stationary: the same figure stands against
both windows); its interval is the 95 % t-interval of that mean across replications. A target
is met when the relative error is within the tolerance (35 %). Two sources *disagree* when, in
a year both report, the larger exceeds the smaller by more than the tolerance (symmetric: it
does not matter which source comes first).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from importlib import resources

import numpy as np
import pandas as pd
from scipy import stats

from pharos.scenario.schema import Scenario

TOLERANCE = 0.35
ROLES = ("input", "fitted", "held_out")


@dataclass(frozen=True)
class Target:
    """One published figure: what, where, how much, when, from where, and its role."""

    metric: str
    state: str
    route: str
    value: float
    unit: str
    years: str
    source: str
    role: str = "fitted"
    yearly: str = ""

    def per_year(self) -> dict[int, float]:
        """The yearly values behind a count target (empty for shares)."""
        out: dict[int, float] = {}
        for part in filter(None, self.yearly.split(";")):
            year, value = part.split(":")
            out[int(year)] = float(value)
        return out


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
                role=r["role"],
                yearly=r["yearly"],
            )
            for r in csv.DictReader(fp)
        ]


def _years(scenario: Scenario) -> tuple[int, int]:
    first = math.ceil(scenario.warmup_days / 365)
    last = scenario.horizon_days // 365
    return first, last


def model_values(target: Target, tables: dict[str, pd.DataFrame], scenario: Scenario) -> pd.Series:
    """The model's figure for ``target`` in each replication (one value per replication)."""
    first, last = _years(scenario)
    nyears = max(last - first, 1)
    reps = pd.Index(sorted(tables["outcomes"]["replication"].unique()), name="replication")
    if target.metric == "arrivals":
        f = tables["flows"]
        f = f[(f["year"] >= first) & (f["year"] < last)]
        sel = f[(f["route"] == target.route) & (f["state"] == target.state)]
        per = sel.groupby("replication")["arrivals"].sum().reindex(reps, fill_value=0)
        return per.astype(float) / nyears
    a = tables["annual"]
    a = a[(a["year"] >= first) & (a["year"] < last) & (a["state"] == target.state)]
    per_rep = a.pivot_table(
        index="replication", columns="metric", values="value", aggfunc="sum", fill_value=0
    ).reindex(reps, fill_value=0)

    def col(name: str) -> pd.Series:
        if name in per_rep:
            return per_rep[name].astype(float)
        return pd.Series(0.0, index=per_rep.index)

    if target.metric in ("identified", "protected", "prosecuted", "convicted"):
        return col(target.metric) / nyears
    ident = col("identified")
    if target.metric == "share_female":
        part = col("identified_female")
    elif target.metric.startswith("share_"):
        part = col("identified_" + target.metric.removeprefix("share_"))
    else:
        raise ValueError(f"unknown calibration metric {target.metric!r}")
    return (part / ident.where(ident > 0)).fillna(0.0)


def model_value(target: Target, tables: dict[str, pd.DataFrame], scenario: Scenario) -> float:
    """The model's figure for ``target``: the mean over replications."""
    return float(model_values(target, tables, scenario).mean())


def interval(values: pd.Series) -> tuple[float, float]:
    """The 95 % t-interval of the mean of ``values`` (NaN with fewer than two)."""
    x = values.to_numpy(dtype=float)
    if len(x) < 2:
        return float("nan"), float("nan")
    half = float(stats.t.ppf(0.975, len(x) - 1) * x.std(ddof=1) / math.sqrt(len(x)))
    mean = float(x.mean())
    return mean - half, mean + half


def short_source(source: str) -> str:
    """A source's short name: ``GLOTIP``, ``US TIP``, or its text up to the first comma."""
    if source.startswith("UNODC GLOTIP"):
        return "GLOTIP"
    if source.startswith("US TIP"):
        return "US TIP"
    return source.split(",")[0]


def disagreements(targets: list[Target] | None = None) -> pd.DataFrame:
    """Years in which a second source (role ``check``) and the target's first source differ by
    more than the tolerance (larger over smaller): one row per (figure, state, year)."""
    targets = load_targets() if targets is None else targets
    first: dict[tuple[str, str], dict[int, tuple[float, str]]] = {}
    for t in targets:
        if t.role in ("fitted", "held_out"):
            for year, v in t.per_year().items():
                first.setdefault((t.metric, t.state), {})[year] = (v, t.source)
    rows = []
    for t in targets:
        if t.role != "check":
            continue
        known = first.get((t.metric, t.state), {})
        for year, other in sorted(t.per_year().items()):
            if year not in known:
                continue
            value, source = known[year]
            diff = (other - value) / value if value else float("inf")
            if max(value, other) > (1 + TOLERANCE) * min(value, other):
                rows.append(
                    {
                        "metric": t.metric,
                        "state": t.state,
                        "year": year,
                        "value": value,
                        "source": source,
                        "other_value": other,
                        "other_source": t.source,
                        "relative_difference": diff,
                    }
                )
    return pd.DataFrame(
        rows,
        columns=[
            "metric",
            "state",
            "year",
            "value",
            "source",
            "other_value",
            "other_source",
            "relative_difference",
        ],
    )


def compare(tables: dict[str, pd.DataFrame], scenario: Scenario) -> pd.DataFrame:
    """One row per target with a role in :data:`ROLES`: reference, the model's figure and its
    95 % interval across replications, relative error, within tolerance, whether another source
    disagrees, years and source."""
    targets = load_targets()
    disputed = {(r.metric, r.state, r.year) for r in disagreements(targets).itertuples()}
    rows = []
    for t in targets:
        if t.role not in ROLES:
            continue
        model = model_value(t, tables, scenario)
        low, high = interval(model_values(t, tables, scenario))
        err = (model - t.value) / t.value if t.value else float("nan")
        years = set(t.per_year())
        rows.append(
            {
                "metric": t.metric,
                "state": t.state,
                "route": t.route,
                "role": t.role,
                "reference": t.value,
                "model": model,
                "model_low": low,
                "model_high": high,
                "relative_error": err,
                "within_tolerance": bool(abs(err) <= TOLERANCE),
                "sources_disagree": any((t.metric, t.state, y) in disputed for y in years),
                "unit": t.unit,
                "years": t.years,
                "source": t.source,
            }
        )
    return pd.DataFrame(rows)


def summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per role: figures, within tolerance, and the median absolute relative error."""
    out = []
    for role in ROLES:
        part = table[table["role"] == role]
        if part.empty:
            continue
        out.append(
            {
                "role": role,
                "figures": len(part),
                "within_tolerance": int(part["within_tolerance"].sum()),
                "median_abs_error": float(np.nanmedian(part["relative_error"].abs())),
            }
        )
    return pd.DataFrame(out)


def ranking(table: pd.DataFrame, role: str = "fitted") -> tuple[list[str], list[str]]:
    """States ranked by identified victims: (reference order, model order)."""
    ident = table[table["metric"] == "identified"]
    if "role" in ident:
        ident = ident[ident["role"] == role]
    ref = ident.sort_values("reference", ascending=False)["state"].tolist()
    mod = ident.sort_values("model", ascending=False)["state"].tolist()
    return ref, mod
