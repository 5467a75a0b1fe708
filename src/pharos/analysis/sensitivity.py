"""Global sensitivity analysis with SALib: Sobol indices and Morris elementary effects.

Sobol (Saltelli's scheme; Saltelli 2002, Saltelli et al. 2010): the first-order index S1 of an
uncertainty is the share of the outcome's variance it explains alone; the total index ST adds
every interaction it takes part in. Confidence intervals come from SALib's bootstrap (95 %).
Morris (Morris 1991; Campolongo et al. 2007): mu* ranks the uncertainties by their mean absolute
elementary effect, sigma shows non-linearity or interaction.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from pharos.analysis.options import Design
from pharos.analysis.runner import ExperimentResult
from pharos.i18n import _


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
        raise SensitivityError(
            _("outcome %(name)s is missing in %(count)d runs; choose an outcome every run reports")
            % {"name": outcome, "count": int((~np.isfinite(y)).sum())}
        )
    return y


def sobol_indices(
    result: ExperimentResult, outcome: str, policy: str | None = None
) -> pd.DataFrame:
    """First-order and total Sobol indices of ``outcome`` with 95 % confidence intervals.

    One row per uncertainty: ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` (the conf columns are the
    half-widths of the intervals), sorted by ``ST``. Needs a Sobol design.
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
    return frame.sort_values("ST", ascending=False)


def morris_indices(
    result: ExperimentResult, outcome: str, policy: str | None = None
) -> pd.DataFrame:
    """Morris screening of ``outcome``: ``mu``, ``mu_star``, ``mu_star_conf``, ``sigma``.

    mu* is in the outcome's own units per unit-interval step of the uncertainty (the design is
    drawn on [0, 1]). Sorted by ``mu_star``. Needs a Morris design.
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
    return frame.sort_values("mu_star", ascending=False)
