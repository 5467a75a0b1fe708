"""Which intervention helps most, by how much, how sure: effects against the baseline policy,
and the equal-protection check.

Every policy of an experiment runs on the same random numbers as the baseline policy (the first
option of every lever) in each scenario, so the effect of a policy in scenario *s* is the paired
difference ``d_s = y(policy, s) - y(baseline, s)``. Across the ``n`` scenarios its mean is the
effect and ``mean ± t(0.975, n - 1) · sd / √n`` its 95 % interval (the scenarios are the
experiment's draws of the uncertainties: the interval covers both what is uncertain and the
simulation's noise). The relative change is the effect over the baseline's mean.

**Equal protection.** A policy *helps one group and harms another* when, among the vulnerable
groups (women, men, girls, boys: share protected), the paired differences of one group are
significantly above zero and those of another significantly below, each by a two-sided one-sample
t-test at level ``alpha / m``, with ``m`` the number of (policy, group) tests of the experiment
(Bonferroni). Under no effect in any group the chance that any policy is flagged is at most
``alpha`` (5 %). Measured on data with no effect (3 policies x 4 groups, 50 scenarios, 2,000
experiments, seed 20261205): no experiment flagged, and 77 (3.9 %) had any single significant
test; ``tests/unit/analysis/test_effects.py`` repeats 400 of them and checks the power on a
policy that helps men and harms girls.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pharos.analysis.runner import ExperimentResult
from pharos.sim.costs import cost_effectiveness as shared_cost_effectiveness
from pharos.sim.summary import paired_effects, unequal_protection

ALPHA = 0.05


def paired_differences(result: ExperimentResult, outcome: str) -> pd.DataFrame:
    """Scenarios x policies (not the baseline): each policy's outcome minus the baseline
    policy's in the same scenario."""
    runs = result.runs
    wide = runs.pivot(index="scenario", columns="policy_index", values=outcome)
    names = [p.name for p in result.design.policies]
    base = wide[0]
    diffs = wide.drop(columns=[0]).sub(base, axis=0)
    diffs.columns = pd.Index([names[int(i)] for i in diffs.columns])
    return diffs


def effects(result: ExperimentResult, outcome: str, better: str = "higher") -> pd.DataFrame:
    """One row per policy other than the baseline: ``effect`` (mean paired difference, in the
    outcome's units), ``low``/``high`` (95 % interval), ``relative`` (effect over the baseline's
    mean), ``p_value`` (two-sided t-test of no effect), ``n`` (scenarios); sorted from the most
    helpful (by ``better``: higher or lower is better). The statistic is the simulate report's
    (:func:`pharos.sim.summary.paired_effects`), over scenarios instead of replications."""
    base = result.runs.loc[result.runs["policy_index"] == 0, outcome]
    return paired_effects(paired_differences(result, outcome), base, better)


@dataclass(frozen=True)
class EqualProtection:
    """The equal-protection check of an experiment's policies over vulnerable groups."""

    table: pd.DataFrame  # policy x group: effect on the group's outcome (share protected)
    p_values: pd.DataFrame  # policy x group: two-sided p of no effect
    level: float  # per-test level alpha / m (Bonferroni)
    flagged: dict[str, tuple[list[str], list[str]]]  # policy -> (groups helped, groups harmed)


def equal_protection(
    result: ExperimentResult, groups: dict[str, str], alpha: float = ALPHA
) -> EqualProtection:
    """Flag every policy that significantly raises one group's outcome (``groups``: outcome ->
    group name; higher is better) and significantly lowers another's."""
    per = {g: effects(result, outcome, "higher") for outcome, g in groups.items()}
    policies = [p.name for p in result.design.policies][1:]
    table = pd.DataFrame({g: f["effect"] for g, f in per.items()}).reindex(policies)
    p_values = pd.DataFrame({g: f["p_value"] for g, f in per.items()}).reindex(policies)
    level, flagged = unequal_protection(table, p_values, alpha)
    return EqualProtection(table, p_values, level, flagged)


def policy_costs(result: ExperimentResult) -> dict[str, float]:
    """Each policy's cost a year: the sum of its lever options' costs (0 where none is given)."""
    costs = result.spec.costs
    return {
        p.name: float(
            sum(costs.get(lever, {}).get(label, 0.0) for lever, label in p.options.items())
        )
        for p in result.design.policies
    }


def cost_effectiveness(result: ExperimentResult) -> pd.DataFrame:
    """Per policy other than the baseline, with costs declared: its extra cost a year over the
    baseline policy, the extra victims protected and persons convicted a year (effects with 95 %
    intervals) and the cost of each extra one where the effect is clear
    (:func:`pharos.sim.costs.cost_effectiveness`, the simulate report's computation)."""
    if not result.spec.costs:
        return pd.DataFrame()
    cost = policy_costs(result)
    base = cost[result.design.policies[0].name]
    per = {
        key: effects(result, outcome, "higher")
        for outcome, key in (
            ("protected_per_year", "protected"),
            ("convicted_per_year", "convicted"),
        )
        if outcome in result.runs.columns
    }
    extra = {p.name: cost[p.name] - base for p in result.design.policies[1:]}
    return shared_cost_effectiveness(extra, per)
