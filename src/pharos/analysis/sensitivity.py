"""Global sensitivity analysis with SALib: Sobol indices and Morris elementary effects.

Sobol (Saltelli's scheme; Saltelli 2002, Saltelli et al. 2010): the first-order index S1 of an
uncertainty is the share of the outcome's variance it explains alone; the total index ST adds
every interaction it takes part in. Confidence intervals come from SALib's bootstrap (95 %).
Morris (Morris 1991; Campolongo et al. 2007): mu* ranks the uncertainties by their mean absolute
elementary effect, sigma shows non-linearity or interaction.

Every Sobol and Morris design carries the dummy factor (``pharos.analysis.designs.DUMMY``),
which changes only the random numbers. Its index's upper bound (the index plus the half-width
of its 95 % interval) is the **noise floor**: how much chance alone moves the outcome. An
uncertainty is clear of it (``above_noise``) only when its whole interval lies above the floor
(index minus half-width above the dummy's index plus half-width): it moves the outcome more
than chance does. One below the floor may have a real but smaller effect (on common random
numbers its index is measured without the noise, see ``tests/unit/analysis/test_noise_floor.py``)
or none at all: in a simulation, changing a parameter can re-draw later random numbers, and
then an inert parameter looks like the dummy. On a toy whose inert factors do exactly that
(``pharos.analysis.toy.NoisyLinearModel`` with ``desync``, the hardest case) the rule flagged
0 of 400 inert factors with Sobol (N = 128) and 1 of 400 with Morris (20 trajectories); flagging
every index above the floor would have flagged 5 % and 10.5 %.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from pharos.analysis.designs import DUMMY
from pharos.analysis.options import Design
from pharos.analysis.runner import ExperimentResult
from pharos.i18n import _, ngettext


def noise_floor(indices: pd.DataFrame) -> float:
    """The dummy's upper bound: ST + ST_conf (Sobol) or mu* + mu*_conf (Morris)."""
    value, conf = ("ST", "ST_conf") if "ST" in indices else ("mu_star", "mu_star_conf")
    row = indices.loc[DUMMY]
    return float(row[value] + np.nan_to_num(row[conf]))


def _mark_noise(frame: pd.DataFrame, value: str, conf: str) -> pd.DataFrame:
    if DUMMY in frame.index:
        floor = noise_floor(frame)
        low = frame[value] - np.nan_to_num(frame[conf].to_numpy(dtype=float))
        frame["above_noise"] = (low > floor) & (frame.index != DUMMY)
    return frame


class SensitivityError(ValueError):
    """The experiment cannot give the requested indices (wrong design, missing outcomes)."""


def _outcome_in_design_order(
    result: ExperimentResult, outcome: str, policy: str | None
) -> npt.NDArray[np.float64]:
    names = [p.name for p in result.design.policies]
    chosen = policy or names[0]
    if chosen not in names:
        raise SensitivityError(_("no policy named %(name)s") % {"name": chosen})
    if outcome not in result.runs.columns:
        raise SensitivityError(_("no outcome named %(name)s") % {"name": outcome})
    rows = result.runs[result.runs["policy"] == chosen].sort_values("scenario")
    y = rows[outcome].to_numpy(dtype=float)
    if not np.all(np.isfinite(y)):
        missing = int((~np.isfinite(y)).sum())
        raise SensitivityError(
            ngettext(
                "outcome %(name)s is missing in %(count)d run; choose an outcome every run reports",
                "outcome %(name)s is missing in %(count)d runs; choose an outcome every run "
                "reports",
                missing,
            )
            % {"name": outcome, "count": missing}
        )
    return y


def sobol_indices(
    result: ExperimentResult, outcome: str, policy: str | None = None
) -> pd.DataFrame:
    """First-order and total Sobol indices of ``outcome`` with 95 % confidence intervals.

    One row per factor (the uncertainties and the dummy): ``S1``, ``S1_conf``, ``ST``,
    ``ST_conf`` (the conf columns are the half-widths of the intervals) and ``above_noise``,
    sorted by ``ST``. Needs a Sobol design.
    """
    if result.spec.design is not Design.SOBOL:
        raise SensitivityError(_("Sobol indices need an experiment with the Sobol design"))
    from SALib.analyze import sobol

    y = _outcome_in_design_order(result, outcome, policy)
    si = sobol.analyze(
        result.design.problem,
        y,
        calc_second_order=True,
        num_resamples=200,
        conf_level=0.95,
        seed=result.spec.seed,
    )
    frame = pd.DataFrame(
        {k: si[k] for k in ("S1", "S1_conf", "ST", "ST_conf")},
        index=pd.Index(result.design.problem["names"], name="uncertainty"),
    )
    return _mark_noise(frame.sort_values("ST", ascending=False), "ST", "ST_conf")


def morris_indices(
    result: ExperimentResult, outcome: str, policy: str | None = None
) -> pd.DataFrame:
    """Morris screening of ``outcome``: ``mu``, ``mu_star``, ``mu_star_conf``, ``sigma``.

    mu* is in the outcome's own units per unit-interval step of the uncertainty (the design is
    drawn on [0, 1]), and ``above_noise``. Sorted by ``mu_star``. Needs a Morris design.
    """
    if result.spec.design is not Design.MORRIS:
        raise SensitivityError(_("Morris indices need an experiment with the Morris design"))
    from SALib.analyze import morris

    y = _outcome_in_design_order(result, outcome, policy)
    si = morris.analyze(
        result.design.problem,
        result.design.unit,
        y,
        num_resamples=200,
        conf_level=0.95,
        num_levels=4,
        seed=result.spec.seed,
    )
    frame = pd.DataFrame(
        {k: np.asarray(si[k], dtype=float) for k in ("mu", "mu_star", "mu_star_conf", "sigma")},
        index=pd.Index(result.design.problem["names"], name="uncertainty"),
    )
    return _mark_noise(frame.sort_values("mu_star", ascending=False), "mu_star", "mu_star_conf")
