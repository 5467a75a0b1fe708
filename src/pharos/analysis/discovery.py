"""Scenario discovery: under which conditions is an outcome bad? (PRIM)

PRIM, the Patient Rule Induction Method (Friedman & Fisher 1999), peels the space of
uncertainties a little at a time towards a box where bad runs are concentrated, as used for
scenario discovery by Bryant & Lempert (2010). Pharos uses the implementation of the EMA
Workbench 2.5 (Kwakkel 2017). A box is judged by:

- *coverage*: the share of all bad runs that fall inside the box;
- *density*: the share of runs inside the box that are bad;
- *mass*: the share of all runs inside the box.

Along PRIM's peeling trajectory coverage falls as density rises; Pharos picks the densest box
whose coverage is still at least ``min_coverage`` (0.6 by default, a common choice).
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pharos.analysis.runner import ExperimentResult
from pharos.i18n import _, format_number, ngettext


@dataclass(frozen=True)
class Restriction:
    """One restricted uncertainty of a box: the box's range against the sampled range."""

    uncertainty: str
    low: float
    high: float
    full_low: float
    full_high: float
    p_value: float  # quasi-p value of the restriction (EMA Workbench); small = significant


@dataclass(frozen=True)
class PrimBox:
    """A box found by PRIM and its statistics (shares of runs, 0-1)."""

    coverage: float
    density: float
    mass: float
    restrictions: tuple[Restriction, ...]
    trajectory: pd.DataFrame  # coverage, density, mass, res_dim along the peeling trajectory
    chosen: int  # index of the chosen box on the trajectory
    bad_share: float  # share of all runs that are bad
    n_runs: int

    @property
    def n_in_box(self) -> int:
        """How many runs (scenarios of the explained policy) fall inside the box."""
        return round(self.mass * self.n_runs)

    def density_interval(self) -> tuple[float, float]:
        """The 95 % Wilson interval of the box's density, from the runs inside it."""
        return wilson_interval(round(self.density * self.n_in_box), self.n_in_box)

    def warnings(self) -> list[str]:
        """Why this box may be an accident of a small sample (empty when it is not)."""
        out = []
        if self.n_in_box < MIN_BOX_RUNS:
            low, high = self.density_interval()
            out.append(
                _(
                    "the box holds only %(scenarios)s: its density %(density)s could be anything "
                    "from %(low)s to %(high)s (95 %% interval); run at least %(minimum)s in the "
                    "box before relying on it"
                )
                % {
                    "scenarios": ngettext("%(n)s scenario", "%(n)s scenarios", self.n_in_box)
                    % {"n": self.n_in_box},
                    "density": format_number(self.density, 2),
                    "low": format_number(low, 2),
                    "high": format_number(high, 2),
                    "minimum": ngettext("%(n)s scenario", "%(n)s scenarios", MIN_BOX_RUNS)
                    % {"n": MIN_BOX_RUNS},
                }
            )
        return out


#: A box holding fewer scenarios than this draws a warning: a share measured on m scenarios has
#: a binomial standard error up to 0.5 / sqrt(m), so under 30 its 95 % interval is wider than
#: ±0.18 and density and coverage say little.
MIN_BOX_RUNS = 30


def wilson_interval(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """The Wilson score interval of a share of ``k`` in ``n`` (Wilson 1927); (0, 1) if n = 0."""
    if n <= 0:
        return 0.0, 1.0
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))


def bad_runs(values: np.ndarray, threshold: float, bad_when: str) -> np.ndarray:
    """Which runs are bad: outcome above (or below) ``threshold``; missing outcomes are bad."""
    with np.errstate(invalid="ignore"):
        bad = values > threshold if bad_when == "above" else values < threshold
    return np.asarray(bad | ~np.isfinite(values), dtype=bool)


def find_box(
    x: pd.DataFrame, bad: np.ndarray, *, min_coverage: float = 0.6, peel_alpha: float = 0.05
) -> PrimBox | None:
    """Run PRIM on uncertainties ``x`` (one row per run) against the boolean ``bad``.

    Returns None when there is nothing to explain (no bad run, or every run bad).
    """
    bad = np.asarray(bad, dtype=bool)
    if bad.all() or not bad.any():
        return None
    logging.getLogger("EMA").setLevel(logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim
        from ema_workbench.analysis.scenario_discovery_util import _determine_restricted_dims

        x = x.reset_index(drop=True).astype(float)
        finder = prim.Prim(x, bad.astype(int), threshold=0.5, peel_alpha=peel_alpha)
        # Prim.find_box() peels then pastes, but replaces the box by an empty "dump box" when
        # its density stays under the threshold; we want the trajectory in every case, so run
        # the same two phases directly (EMA Workbench 2.5, pinned below 3 in pyproject).
        finder._update_yi_remaining(finder)
        box = prim.PrimBox(finder, finder.box_init, finder.yi_remaining[:])
        box = finder._paste(finder._peel(box))
        traj = box.peeling_trajectory[["coverage", "density", "mass", "res_dim"]].reset_index(
            drop=True
        )
        ok = traj.index[traj["coverage"] >= min_coverage]
        chosen = int(traj.loc[ok, "density"].idxmax()) if len(ok) else 0
        box.select(chosen)
        lims = box.box_lims[chosen]
        restricted = list(_determine_restricted_dims(lims, finder.box_init))
        qp = box.qp[chosen] if chosen < len(box.qp) else {}
    init = finder.box_init
    restrictions = tuple(
        Restriction(
            str(name),
            float(lims[name].iloc[0]),
            float(lims[name].iloc[1]),
            float(init[name].iloc[0]),
            float(init[name].iloc[1]),
            float(np.nanmax([v for v in np.atleast_1d(qp.get(name, [np.nan])) if v is not None]))
            if name in qp
            else float("nan"),
        )
        for name in restricted
    )
    row = traj.loc[chosen]
    return PrimBox(
        coverage=float(row["coverage"]),
        density=float(row["density"]),
        mass=float(row["mass"]),
        restrictions=restrictions,
        trajectory=traj,
        chosen=chosen,
        bad_share=float(bad.mean()),
        n_runs=len(bad),
    )


def discover(
    result: ExperimentResult,
    outcome: str,
    threshold: float,
    bad_when: str = "above",
    policy: str | None = None,
    min_coverage: float = 0.6,
) -> PrimBox | None:
    """The conditions (box over the uncertainties) under which ``outcome`` is bad for ``policy``
    (default: the first policy, the baseline)."""
    names = [p.name for p in result.design.policies]
    chosen = policy or names[0]
    if chosen not in names:
        raise ValueError(_("no policy named %(name)s") % {"name": chosen})
    rows = result.runs[result.runs["policy"] == chosen]
    x = rows[[u.name for u in result.spec.uncertainties]]
    bad = bad_runs(rows[outcome].to_numpy(dtype=float), threshold, bad_when)
    return find_box(x, bad, min_coverage=min_coverage)
