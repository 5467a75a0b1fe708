"""Experiment designs: which values the uncertainties take in each scenario, and the policies.

Every design is first drawn on the unit hypercube [0, 1]^D, then mapped through each
uncertainty's distribution (its inverse cumulative distribution function), so Sobol and Morris
indices are with respect to the declared distributions. Sobol (Saltelli's scheme) and Morris
samples come from SALib; Latin hypercube from SciPy's ``scipy.stats.qmc``.

Each scenario (design point) is run under every policy (combination of lever options) with the
same seed: the policies are compared on common random numbers.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats
from scipy.stats import qmc

from pharos.analysis.options import Design
from pharos.analysis.spec import ExperimentSpec, Lever, Uncertainty


@dataclass(frozen=True)
class Policy:
    """One combination of lever options: a name and the parameter values it sets."""

    name: str
    options: dict[str, str]  # lever name -> option label
    values: dict[str, float]  # parameter path -> value


@dataclass(frozen=True)
class ExperimentDesign:
    """The scenarios (design points) and the policies of an experiment."""

    unit: npt.NDArray[np.float64]  # scenarios x uncertainties, in [0, 1]
    scenarios: pd.DataFrame  # scenarios x uncertainties, in the parameters' own units
    policies: tuple[Policy, ...]
    problem: dict[str, Any]  # SALib problem on the unit cube

    @property
    def n_runs(self) -> int:
        return len(self.scenarios) * len(self.policies)


def salib_problem(spec: ExperimentSpec) -> dict[str, Any]:
    """The SALib problem dictionary of ``spec`` on the unit hypercube."""
    names = [u.name for u in spec.uncertainties]
    return {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}


def unit_sample(spec: ExperimentSpec) -> npt.NDArray[np.float64]:
    """The design's points on the unit hypercube, in SALib's order (rows are scenarios)."""
    d = len(spec.uncertainties)
    problem = salib_problem(spec)
    if spec.design is Design.SOBOL:
        from SALib.sample import sobol

        return np.asarray(
            sobol.sample(problem, spec.n, calc_second_order=True, seed=spec.seed), dtype=float
        )
    if spec.design is Design.MORRIS:
        from SALib.sample import morris

        return np.asarray(morris.sample(problem, spec.n, num_levels=4, seed=spec.seed), dtype=float)
    if spec.design is Design.LATIN_HYPERCUBE:
        return np.asarray(qmc.LatinHypercube(d=d, seed=spec.seed).random(spec.n), dtype=float)
    levels = np.linspace(0.0, 1.0, spec.n) if spec.n > 1 else np.array([0.5])
    return np.array(list(itertools.product(levels, repeat=d)), dtype=float).reshape(-1, d)


def to_values(u: Uncertainty, unit: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Map points of [0, 1] to values of ``u`` through its inverse distribution function."""
    unit = np.clip(unit, 0.0, 1.0)
    lo, hi = u.low, u.high
    if u.distribution == "uniform":
        return np.asarray(lo + unit * (hi - lo), dtype=float)
    if u.distribution == "loguniform":
        return np.asarray(np.exp(np.log(lo) + unit * (np.log(hi) - np.log(lo))), dtype=float)
    if u.distribution == "integer":
        return np.asarray(
            np.minimum(np.floor(lo + unit * (np.floor(hi) - lo + 1)), np.floor(hi)), dtype=float
        )
    assert u.mode is not None
    c = (u.mode - lo) / (hi - lo)
    return np.asarray(stats.triang(c, loc=lo, scale=hi - lo).ppf(unit), dtype=float)


def _options(lever: Lever) -> list[tuple[str, Any]]:
    return [(label, i) for i, label in enumerate(lever.labels)]


def policies(spec: ExperimentSpec) -> tuple[Policy, ...]:
    """Every combination of lever options. A policy is named by the levers it moves away from
    their first option (the current state), e.g. ``desk=on``; ``baseline`` moves none."""
    if not spec.levers:
        return (Policy("baseline", {}, {}),)
    out = []
    for combo in itertools.product(*(_options(lv) for lv in spec.levers)):
        chosen = list(zip(spec.levers, (label for label, _i in combo), strict=True))
        options = {lv.name: label for lv, label in chosen}
        values = {lv.key: lv.value(label) for lv, label in chosen}
        # the first option of each lever is the current state: name only what changes
        changed = [f"{lv.name}={label}" for lv, label in chosen if label != lv.labels[0]]
        name = ", ".join(changed) or "baseline"
        out.append(Policy(name, options, values))
    return tuple(out)


def make_design(spec: ExperimentSpec) -> ExperimentDesign:
    """Draw the design of ``spec`` (deterministic in ``spec.seed``)."""
    unit = unit_sample(spec)
    cols = {u.name: to_values(u, unit[:, i]) for i, u in enumerate(spec.uncertainties)}
    scenarios = pd.DataFrame(cols)
    scenarios.index.name = "scenario"
    return ExperimentDesign(unit, scenarios, policies(spec), salib_problem(spec))


def run_seed(experiment_seed: int, scenario: int) -> int:
    """The seed of every run of ``scenario``: derived from (experiment seed, scenario index).

    Uses NumPy's ``SeedSequence`` so neighbouring indices give independent streams; the same on
    every machine, process and backend. All policies of one scenario share it (common random
    numbers).
    """
    ss = np.random.SeedSequence(entropy=experiment_seed, spawn_key=(scenario,))
    return int(ss.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))


def run_table(spec: ExperimentSpec, design: ExperimentDesign) -> pd.DataFrame:
    """One row per run: run index, scenario, policy, seed, and every varied value."""
    n_s, n_p = len(design.scenarios), len(design.policies)
    scen = np.repeat(np.arange(n_s), n_p)
    pol = np.tile(np.arange(n_p), n_s)
    table = pd.DataFrame({"run": np.arange(n_s * n_p), "scenario": scen, "policy_index": pol})
    table["policy"] = pd.Categorical([design.policies[p].name for p in pol])
    seeds = np.array([run_seed(spec.seed, s) for s in range(n_s)], dtype=np.uint64)
    table["seed"] = seeds[scen]
    for name in design.scenarios.columns:
        table[name] = design.scenarios[name].to_numpy()[scen]
    for lever in spec.levers:
        table[lever.name] = [design.policies[p].values[lever.key] for p in pol]
    return table


def run_values(spec: ExperimentSpec, rows: pd.DataFrame) -> dict[str, npt.NDArray[np.float64]]:
    """The parameter values (path -> array) of the runs in ``rows`` of the run table."""
    out = {u.path: rows[u.name].to_numpy(dtype=float) for u in spec.uncertainties}
    out.update({lv.key: rows[lv.name].to_numpy(dtype=float) for lv in spec.levers})
    return out
