"""Robustness of interventions across scenarios: regret.

In each scenario every policy is run on the same random numbers. A policy's *regret* in a
scenario is how much worse its outcome is than the best policy's in that same scenario (Savage
1951; used for robust decisions under deep uncertainty, e.g. Lempert et al. 2003, Kwakkel et al.
2016). A robust policy has small regret in most scenarios, not just a good average.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pharos.analysis.runner import ExperimentResult
from pharos.i18n import _


def regret_table(result: ExperimentResult, outcome: str, better: str = "lower") -> pd.DataFrame:
    """Per policy: mean and median outcome, mean / 90th-percentile / maximum regret, and the
    share of scenarios in which it is the best policy and in which it improves on the first
    policy (the reference, usually the baseline). Sorted by 90th-percentile regret.

    Regret is in the outcome's own units (e.g. days); ``better`` is ``lower`` or ``higher``.
    """
    if outcome not in result.runs.columns:
        raise ValueError(_("no outcome named %(name)s") % {"name": outcome})
    wide = result.runs.pivot(index="scenario", columns="policy", values=outcome)
    names = [p.name for p in result.design.policies]
    wide = wide[names].dropna()
    values = wide.to_numpy(dtype=float)
    sign = 1.0 if better == "lower" else -1.0
    best = (sign * values).min(axis=1, keepdims=True)
    regret = sign * values - best
    reference = sign * values[:, :1]
    tol = 1e-9 * np.maximum(1.0, np.abs(best))
    table = pd.DataFrame(
        {
            "mean": values.mean(axis=0),
            "median": np.median(values, axis=0),
            "mean_regret": regret.mean(axis=0),
            "p90_regret": np.quantile(regret, 0.9, axis=0),
            "max_regret": regret.max(axis=0),
            "share_best": (regret <= tol).mean(axis=0),
            "share_improves": (sign * values < reference - tol).mean(axis=0),
        },
        index=pd.Index(names, name="policy"),
    )
    table.attrs["scenarios"] = len(wide)
    return table.sort_values(["p90_regret", "mean_regret"])
