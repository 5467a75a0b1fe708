"""Outcome tables of one run (tidy, long format) and the per-victim table behind them.

Victims count in the outcomes when they were recruited after the warm-up. Times are in days
from the start of exploitation (arrival at destination) to identification, to protection and to
rescue (first recognised contact or rescue in an operation). Every outcome is broken down by
state of exploitation, route, exploitation type and vulnerable group (``all`` for everyone).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from pharos.sim.victims import RESCUE
from pharos.sim.world import TYPES

if TYPE_CHECKING:
    from pharos.sim.engine import Engine

from pharos.sim.records import RequestRecord

GROUPS: tuple[str, ...] = (
    "all",
    "women",
    "men",
    "girls",
    "boys",
    "unaccompanied_children",
    "asylum_seekers",
    "irregular_migrants",
)
COUNT_METRICS: tuple[str, ...] = (
    "victims",
    "prevented",
    "detected",
    "rescued_in_operation",
    "identified",
    "protected",
    "lost",
    "retrafficked",
    "escaped_unassisted",
    "still_exploited",
    "cooperated",
    "returned",
    "included",
)
SUM_METRICS: tuple[str, ...] = (
    "days_to_identification_sum",
    "days_to_protection_sum",
    "days_to_rescue_sum",
)
JUSTICE_EVENTS: tuple[str, ...] = (
    "investigation",
    "financial_investigation",
    "prosecuted",
    "convicted",
    "disrupted",
)
HIST_BIN_DAYS = 30
HIST_BINS = 61  # 0-30, ..., 1800+ days


def victim_table(engine: Engine) -> pd.DataFrame:
    """One row per victim who existed in the run (suppressed recruits excluded)."""
    world = engine.world
    scen = engine.scenario
    cols: dict[str, list[np.ndarray]] = {}

    def add(name: str, arr: np.ndarray) -> None:
        cols.setdefault(name, []).append(arr)

    codes = np.array(world.state_codes)
    cell_ids = np.array([c.id for c in world.networks])
    for co in engine.cohorts:
        keep = np.array(co.exists, dtype=bool)
        if co.n == 0 or not keep.any():
            continue
        spec = scen.networks[co.net]
        sea = bool(spec.route and spec.route in scen.routes and scen.routes[spec.route].sea)
        m = int(keep.sum())
        add("network", cell_ids[co.cell[keep]])
        add("state", codes[co.state[keep]])
        add("origin", np.full(m, spec.origin, dtype=object))
        add("route", np.full(m, spec.route or "none", dtype=object))
        add("exploitation", np.full(m, spec.exploitation.value, dtype=object))
        add("female", co.female[keep])
        add("child", co.child[keep])
        add("unaccompanied", co.unaccompanied[keep])
        add("asylum_seeker", co.asylum[keep])
        add("irregular_migrant", np.full(m, sea))
        add("recruited_at", co.t_rec[keep])
        add("arrived_at", co.t_arr[keep])
        add("exploitation_ends_at", co.t_end[keep])
        add("prevented", co.intercepted[keep])
        add("detected_at", np.array(co.detected_at)[keep])
        add("channel", np.array(co.channel, dtype=np.int64)[keep])
        add("identified_at", np.array(co.ident_at)[keep])
        add("protected_at", np.array(co.protect_at)[keep])
        add("lost_at", np.array(co.lost_at)[keep])
        add("retrafficked", np.array(co.retrafficked, dtype=bool)[keep])
        add("cooperated", np.array(co.cooperated, dtype=bool)[keep])
        add("exit_code", np.array(co.exit_code, dtype=np.int8)[keep])
    if not cols:
        return pd.DataFrame()
    return pd.DataFrame({k: np.concatenate(v) for k, v in cols.items()})


def _flags(v: pd.DataFrame, horizon: float) -> dict[str, np.ndarray]:
    detected = v["detected_at"].notna().to_numpy()
    prevented = v["prevented"].to_numpy()
    lost = v["lost_at"].notna().to_numpy()
    ended = (v["exploitation_ends_at"] < horizon).to_numpy()
    arrived = v["arrived_at"].to_numpy()
    return {
        "victims": np.ones(len(v)),
        "prevented": prevented,
        "detected": detected,
        "rescued_in_operation": (v["channel"] == RESCUE).to_numpy(),
        "identified": v["identified_at"].notna().to_numpy(),
        "protected": v["protected_at"].notna().to_numpy(),
        "lost": lost,
        "retrafficked": v["retrafficked"].to_numpy() & lost,
        "escaped_unassisted": ~detected & ~prevented & ended,
        "still_exploited": ~detected & ~prevented & ~ended,
        "cooperated": v["cooperated"].to_numpy(),
        "returned": (v["exit_code"] == 1).to_numpy(),
        "included": (v["exit_code"] == 2).to_numpy(),
        "days_to_identification_sum": np.nan_to_num(v["identified_at"].to_numpy() - arrived),
        "days_to_protection_sum": np.nan_to_num(v["protected_at"].to_numpy() - arrived),
        "days_to_rescue_sum": np.nan_to_num(v["detected_at"].to_numpy() - arrived),
    }


def _group_masks(v: pd.DataFrame) -> dict[str, np.ndarray]:
    female = v["female"].to_numpy()
    child = v["child"].to_numpy()
    return {
        "all": np.ones(len(v), dtype=bool),
        "women": female & ~child,
        "men": ~female & ~child,
        "girls": female & child,
        "boys": ~female & child,
        "unaccompanied_children": v["unaccompanied"].to_numpy(),
        "asylum_seekers": v["asylum_seeker"].to_numpy(),
        "irregular_migrants": v["irregular_migrant"].to_numpy().astype(bool),
    }


def outcome_table(v: pd.DataFrame, horizon: float, warmup: float) -> pd.DataFrame:
    """Counts and sums by state, route, exploitation type and group (tidy, long)."""
    cols = ["state", "route", "exploitation", "group", "metric", "value"]
    if v.empty:
        return pd.DataFrame(columns=cols)
    v = v[v["recruited_at"].to_numpy() >= warmup].reset_index(drop=True)
    flags = _flags(v, horizon)
    keys = v[["state", "route", "exploitation"]].astype(str)
    cells, code = np.unique(keys.to_numpy(dtype=str), axis=0, return_inverse=True)
    code = code.reshape(-1)
    k = len(cells)
    metrics = list(flags)
    parts = []
    for group, mask in _group_masks(v).items():
        present = np.bincount(code[mask], minlength=k) > 0
        if not present.any():
            continue
        values = np.stack(
            [
                np.bincount(code[mask], weights=flags[m][mask].astype(float), minlength=k)
                for m in metrics
            ],
            axis=1,
        )
        idx = np.flatnonzero(present)
        nm = len(metrics)
        parts.append(
            pd.DataFrame(
                {
                    "state": np.repeat(cells[idx, 0], nm),
                    "route": np.repeat(cells[idx, 1], nm),
                    "exploitation": np.repeat(cells[idx, 2], nm),
                    "group": group,
                    "metric": np.tile(metrics, len(idx)),
                    "value": values[idx].reshape(-1),
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["state", "route", "exploitation", "group", "metric"]).reset_index(
        drop=True
    )[cols]


def annual_table(engine: Engine, v: pd.DataFrame) -> pd.DataFrame:
    """Per state and simulated year: identified victims (by form and sex), justice events."""
    rows: list[dict[str, object]] = []
    if not v.empty:
        ident = v[v["identified_at"].notna()]
        year = (ident["identified_at"] // 365).astype(int)
        form = ident["exploitation"].where(
            ident["exploitation"].isin(["sexual_exploitation", "forced_labour"]), "other"
        )
        tab = pd.DataFrame(
            {"state": ident["state"], "year": year, "form": form, "female": ident["female"]}
        )
        for (state, yr), g in tab.groupby(["state", "year"], sort=True):
            rows.append({"state": state, "year": yr, "metric": "identified", "value": len(g)})
            for f in ("sexual_exploitation", "forced_labour", "other"):
                rows.append(
                    {
                        "state": state,
                        "year": yr,
                        "metric": f"identified_{f}",
                        "value": int((g["form"] == f).sum()),
                    }
                )
            rows.append(
                {
                    "state": state,
                    "year": yr,
                    "metric": "identified_female",
                    "value": int(g["female"].sum()),
                }
            )
    for rec in engine.justice:
        rows.append(
            {
                "state": rec.state,
                "year": int(rec.time // 365),
                "metric": rec.event,
                "value": rec.persons,
            }
        )
    if not rows:
        return pd.DataFrame(columns=["state", "year", "metric", "value"])
    df = pd.DataFrame(rows)
    grouped = df.groupby(["state", "year", "metric"], sort=True)["value"].sum()
    return grouped.reset_index()


def request_table(engine: Engine) -> pd.DataFrame:
    """Cross-border requests by sender, receiver, instrument and purpose."""
    cols = ["sender", "receiver", "instrument", "purpose", "requests", "successes"]
    cols += ["latency_days_sum"]
    if not engine.requests:
        return pd.DataFrame(columns=cols)
    df = pd.DataFrame(engine.requests, columns=list(RequestRecord._fields))
    agg = (
        df.groupby(["sender", "receiver", "instrument", "purpose"], sort=True)
        .agg(
            requests=("latency", "size"),
            successes=("success", "sum"),
            latency_days_sum=("latency", "sum"),
        )
        .reset_index()
    )
    agg["successes"] = agg["successes"].astype(int)
    return agg[cols]


def identification_histogram(v: pd.DataFrame, warmup: float) -> pd.DataFrame:
    """Victims identified by state and 30-day bin of days from exploitation to identification."""
    cols = ["state", "bin_start_days", "victims"]
    if v.empty:
        return pd.DataFrame(columns=cols)
    ident = v[(v["recruited_at"] >= warmup) & v["identified_at"].notna()]
    days = (ident["identified_at"] - ident["arrived_at"]).clip(lower=0)
    b = np.minimum((days // HIST_BIN_DAYS).astype(int), HIST_BINS - 1)
    df = pd.DataFrame({"state": ident["state"], "bin_start_days": b * HIST_BIN_DAYS})
    out = df.groupby(["state", "bin_start_days"], sort=True).size().rename("victims")
    return out.reset_index()[cols]


def tables(engine: Engine) -> dict[str, pd.DataFrame]:
    """All per-run tables: outcomes, annual, requests, identification_days."""
    scen = engine.scenario
    v = victim_table(engine)
    return {
        "outcomes": outcome_table(v, engine.horizon, float(scen.warmup_days)),
        "annual": annual_table(engine, v),
        "requests": request_table(engine),
        "identification_days": identification_histogram(v, float(scen.warmup_days)),
    }


__all__ = ["COUNT_METRICS", "GROUPS", "SUM_METRICS", "TYPES", "tables", "victim_table"]
