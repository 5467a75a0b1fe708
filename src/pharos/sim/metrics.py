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
    "lost_awaiting_protection",
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


def victim_arrays(engine: Engine) -> dict[str, np.ndarray]:
    """Per-victim numeric arrays of every victim who existed (suppressed recruits excluded)."""
    cols: dict[str, list[np.ndarray]] = {}

    def add(name: str, arr: np.ndarray) -> None:
        cols.setdefault(name, []).append(arr)

    for co in engine.cohorts:
        keep = np.array(co.exists, dtype=bool)
        if co.n == 0 or not keep.any():
            continue
        m = int(keep.sum())
        add("template", np.full(m, co.net, dtype=np.int64))
        add("cell", co.cell[keep])
        add("state", co.state[keep].astype(np.int64))
        add("female", co.female[keep])
        add("child", co.child[keep])
        add("unaccompanied", co.unaccompanied[keep])
        add("asylum_seeker", co.asylum[keep])
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
    return {k: np.concatenate(v) for k, v in cols.items()}


def _template_labels(engine: Engine) -> tuple[list[str], list[str], list[str], np.ndarray]:
    scen = engine.scenario
    routes = [n.route or "none" for n in scen.networks]
    types = [n.exploitation.value for n in scen.networks]
    origins = [n.origin for n in scen.networks]
    sea = np.array(
        [
            bool(n.route and n.route in scen.routes and scen.routes[n.route].sea)
            for n in scen.networks
        ]
    )
    return routes, types, origins, sea


def victim_table(engine: Engine) -> pd.DataFrame:
    """One row per victim who existed in the run, with readable labels."""
    v = victim_arrays(engine)
    if not v:
        return pd.DataFrame()
    routes, types, origins, sea = _template_labels(engine)
    t = v.pop("template")
    df = pd.DataFrame(
        {
            "network": np.array([c.id for c in engine.world.networks])[v.pop("cell")],
            "state": np.array(engine.world.state_codes)[v.pop("state")],
            "origin": np.array(origins)[t],
            "route": np.array(routes)[t],
            "exploitation": np.array(types)[t],
            "irregular_migrant": sea[t],
        }
    )
    for k, arr in v.items():
        df[k] = arr
    return df


def _flags(v: dict[str, np.ndarray], sea: np.ndarray, horizon: float) -> dict[str, np.ndarray]:
    detected = ~np.isnan(v["detected_at"])
    prevented = v["prevented"]
    lost = ~np.isnan(v["lost_at"])
    ended = v["exploitation_ends_at"] < horizon
    arrived = v["arrived_at"]
    return {
        "victims": np.ones(len(arrived)),
        "prevented": prevented,
        "detected": detected,
        "rescued_in_operation": v["channel"] == RESCUE,
        "identified": ~np.isnan(v["identified_at"]),
        "protected": ~np.isnan(v["protected_at"]),
        "lost": lost,
        "lost_awaiting_protection": lost & ~np.isnan(v["identified_at"]),
        "retrafficked": v["retrafficked"] & lost,
        "escaped_unassisted": ~detected & ~prevented & ended,
        "still_exploited": ~detected & ~prevented & ~ended,
        "cooperated": v["cooperated"],
        "returned": v["exit_code"] == 1,
        "included": v["exit_code"] == 2,
        "days_to_identification_sum": np.nan_to_num(v["identified_at"] - arrived),
        "days_to_protection_sum": np.nan_to_num(v["protected_at"] - arrived),
        "days_to_rescue_sum": np.nan_to_num(v["detected_at"] - arrived),
    }


def _group_masks(v: dict[str, np.ndarray], sea: np.ndarray) -> dict[str, np.ndarray]:
    female = v["female"]
    child = v["child"]
    return {
        "all": np.ones(len(female), dtype=bool),
        "women": female & ~child,
        "men": ~female & ~child,
        "girls": female & child,
        "boys": ~female & child,
        "unaccompanied_children": v["unaccompanied"],
        "asylum_seekers": v["asylum_seeker"],
        "irregular_migrants": sea[v["template"]],
    }


def outcome_table(engine: Engine, v: dict[str, np.ndarray]) -> pd.DataFrame:
    """Counts and sums by state, route, exploitation type and group (tidy, long)."""
    cols = ["state", "route", "exploitation", "group", "metric", "value"]
    if not v:
        return pd.DataFrame(columns=cols)
    warmup = float(engine.scenario.warmup_days)
    sel = v["recruited_at"] >= warmup
    v = {k: a[sel] for k, a in v.items()}
    routes, types, _, sea = _template_labels(engine)
    flags = _flags(v, sea, engine.horizon)
    nt = len(routes)
    ns = len(engine.world.state_codes)
    code = v["state"] * nt + v["template"]
    k = ns * nt
    metrics = list(flags)
    parts: dict[str, list[np.ndarray]] = {c: [] for c in cols}
    for group, mask in _group_masks(v, sea).items():
        c = code[mask]
        if not len(c):
            continue
        values = np.stack(
            [np.bincount(c, weights=flags[m][mask].astype(float), minlength=k) for m in metrics],
            axis=1,
        )
        present = np.flatnonzero(np.bincount(c, minlength=k))
        nm = len(metrics)
        # one frame at the end (not one per group): the same rows in the same order
        parts["state"].append(np.repeat(np.array(engine.world.state_codes)[present // nt], nm))
        parts["route"].append(np.repeat(np.array(routes)[present % nt], nm))
        parts["exploitation"].append(np.repeat(np.array(types)[present % nt], nm))
        parts["group"].append(np.full(len(present) * nm, group, dtype=object))
        parts["metric"].append(np.tile(metrics, len(present)))
        parts["value"].append(values[present].reshape(-1))
    out = pd.DataFrame({c: np.concatenate(a) for c, a in parts.items()})
    summed = out.groupby(["state", "route", "exploitation", "group", "metric"], sort=True)[
        "value"
    ].sum()
    return summed.reset_index()[cols]


_FORMS = ("sexual_exploitation", "forced_labour", "other")


def annual_table(engine: Engine, v: dict[str, np.ndarray]) -> pd.DataFrame:
    """Per state, route, exploitation type and simulated year: identified victims (by form and
    sex), victims entering protection (``protected``) and justice events (investigations,
    financial investigations, persons prosecuted and convicted, networks disrupted)."""
    routes, types, _, _ = _template_labels(engine)
    acc: dict[tuple[str, int, str, int], float] = {
        k: float(n) for k, n in engine.justice_stats.items()
    }
    if v:
        ident = ~np.isnan(v["identified_at"])
        form_of_template = np.array(
            [_FORMS.index(t) if t in _FORMS[:2] else 2 for t in types], dtype=np.int64
        )
        years = int(engine.horizon // 365) + 1
        nt = len(types)
        st = v["state"][ident]
        tp = v["template"][ident]
        yr = (v["identified_at"][ident] // 365).astype(np.int64)
        form = form_of_template[tp]
        fem = v["female"][ident]
        base = (st * nt + tp) * years + yr
        k = len(engine.world.state_codes) * nt * years
        counts = {
            "identified": np.bincount(base, minlength=k),
            "identified_female": np.bincount(base, weights=fem.astype(float), minlength=k),
        }
        for f, name in enumerate(_FORMS):
            counts[f"identified_{name}"] = np.bincount(
                base, weights=(form == f).astype(float), minlength=k
            )
        for idx in np.flatnonzero(counts["identified"]).tolist():
            code = engine.world.state_codes[idx // (nt * years)]
            template = (idx // years) % nt
            for metric, arr in counts.items():
                acc[(code, idx % years, metric, template)] = float(arr[idx])
        # victims entering protection (a shelter place) in the year, by state of exploitation:
        # Italy's new intakes into its assistance programme are the published figure for it
        prot = ~np.isnan(v["protected_at"])
        pyr = (v["protected_at"][prot] // 365).astype(np.int64)
        pbase = (v["state"][prot] * nt + v["template"][prot]) * years + pyr
        protected = np.bincount(pbase, minlength=k)
        for idx in np.flatnonzero(protected).tolist():
            code = engine.world.state_codes[idx // (nt * years)]
            acc[(code, idx % years, "protected", (idx // years) % nt)] = float(protected[idx])
    rows = [
        (s, routes[t], types[t], y, m, acc[(s, y, m, t)])
        for (s, y, m, t) in sorted(acc, key=lambda k: (k[0], routes[k[3]], types[k[3]], k[1], k[2]))
    ]
    df = pd.DataFrame(rows, columns=["state", "route", "exploitation", "year", "metric", "value"])
    summed = df.groupby(["state", "route", "exploitation", "year", "metric"], sort=True)[
        "value"
    ].sum()
    return summed.reset_index()


def request_table(engine: Engine) -> pd.DataFrame:
    """Cross-border requests by sender, receiver, instrument and purpose."""
    cols = ["sender", "receiver", "instrument", "purpose", "requests", "successes"]
    cols += ["latency_days_sum"]
    rows = [(*key, int(a[0]), int(a[1]), a[2]) for key, a in sorted(engine.request_stats.items())]
    return pd.DataFrame(rows, columns=cols)


def identification_histogram(engine: Engine, v: dict[str, np.ndarray]) -> pd.DataFrame:
    """Victims identified by state and 30-day bin of days from exploitation to identification."""
    cols = ["state", "bin_start_days", "victims"]
    if not v:
        return pd.DataFrame(columns=cols)
    sel = (v["recruited_at"] >= engine.scenario.warmup_days) & ~np.isnan(v["identified_at"])
    days = np.clip(v["identified_at"][sel] - v["arrived_at"][sel], 0, None)
    b = np.minimum((days // HIST_BIN_DAYS).astype(np.int64), HIST_BINS - 1)
    code = v["state"][sel] * HIST_BINS + b
    counts = np.bincount(code, minlength=len(engine.world.state_codes) * HIST_BINS)
    present = np.flatnonzero(counts)
    return pd.DataFrame(
        {
            "state": np.array(engine.world.state_codes)[present // HIST_BINS],
            "bin_start_days": (present % HIST_BINS) * HIST_BIN_DAYS,
            "victims": counts[present],
        }
    )[cols]


def flow_table(engine: Engine) -> pd.DataFrame:
    """Irregular arrivals per simulated year, by route and by state of arrival."""
    rows = []
    years = int(engine.horizon // 365)
    for route, arr in engine.flows.by_route.items():
        for y in range(years):
            rows.append((route, "", y, float(arr[y])))
    for s, code in enumerate(engine.world.state_codes):
        if engine.flows.by_state[s].any():
            for y in range(years):
                rows.append(("", code, y, float(engine.flows.by_state[s, y])))
    return pd.DataFrame(rows, columns=["route", "state", "year", "arrivals"])


def tables(engine: Engine) -> dict[str, pd.DataFrame]:
    """All per-run tables: flows, outcomes, annual, requests, identification_days."""
    v = victim_arrays(engine)
    return {
        "flows": flow_table(engine),
        "outcomes": outcome_table(engine, v),
        "annual": annual_table(engine, v),
        "requests": request_table(engine),
        "identification_days": identification_histogram(engine, v),
    }


__all__ = ["COUNT_METRICS", "GROUPS", "SUM_METRICS", "TYPES", "tables", "victim_table"]
