"""Experiment designs: which values the uncertainties take in each scenario, and the policies.

Every design is first drawn on the unit hypercube [0, 1]^D, then mapped through each
uncertainty's distribution (its inverse cumulative distribution function), so Sobol and Morris
indices are with respect to the declared distributions. Sobol (Saltelli's scheme) and Morris
samples come from SALib; Latin hypercube from SciPy's ``scipy.stats.qmc``.

Common random numbers (the default, ``common_random_numbers: true``): every run of an
experiment uses the same seed, so two design points differ only by the values they set, never by
luck. Sobol and Morris designs add one more factor, the **dummy** (:data:`DUMMY`): it sets no
parameter of the model, only *which* seed a run uses (its value on [0, 1] picks one of
:data:`DUMMY_SEEDS` seeds). Every pair of runs whose difference measures a real uncertainty
(a Morris step, a Sobol column swap) shares its dummy value and so its seed; the dummy's own
index measures what re-drawing the random numbers alone does: the noise floor. An uncertainty
whose index does not exceed the dummy's upper bound cannot be told from noise (the dummy
parameter of Khorashadi Zadeh et al. 2017, Environ. Model. Softw. 91:210-222, with the seed
as its only effect as in Hart, Alexanderian and Gremaud 2017, SIAM/ASA JUQ 5:1514-1541).
With ``common_random_numbers: false`` each design point draws its own seed (the earlier
behaviour); every policy of one design point still shares it.
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
from pharos.i18n import _, ngettext

#: The name of the noise-floor factor added to every Sobol and Morris design.
DUMMY = "dummy"
#: How many seeds the dummy's value chooses from (its [0, 1] range cut into this many steps).
DUMMY_SEEDS = 1 << 20


#: The version of the way designs and seeds are drawn, recorded in an experiment's folder.
#: Version 1 (before 5 Dec 2026): one seed per design point and no dummy factor; folders
#: written then are read back with that design (:func:`make_design` with ``version=1``).
DESIGN_VERSION = 2


def has_dummy(spec: ExperimentSpec, version: int = DESIGN_VERSION) -> bool:
    """Whether ``spec``'s design carries the dummy factor (Sobol and Morris designs)."""
    return version >= 2 and spec.design in (Design.SOBOL, Design.MORRIS)


#: Fewer Morris trajectories than this draw a warning: Campolongo, Cariboni & Saltelli (2007)
#: use r = 10, and Saltelli et al. (2008, *Global Sensitivity Analysis: The Primer*, ch. 3)
#: advise r between 10 and 20; with fewer, mu* and its bootstrap interval rest on a handful of
#: elementary effects per factor.
MIN_MORRIS_TRAJECTORIES = 10


def design_warnings(spec: ExperimentSpec) -> list[str]:
    """Why ``spec``'s design may be too small for its method (empty when it is not)."""
    out = []
    if spec.design is Design.MORRIS and spec.n < MIN_MORRIS_TRAJECTORIES:
        out.append(
            _(
                "only %(trajectories)s: each mu* rests on %(effects)s; use at least %(min)d "
                "(Campolongo et al. 2007)"
            )
            % {
                "trajectories": ngettext(
                    "%(n)s Morris trajectory", "%(n)s Morris trajectories", spec.n
                )
                % {"n": spec.n},
                "effects": ngettext("%(n)s elementary effect", "%(n)s elementary effects", spec.n)
                % {"n": spec.n},
                "min": MIN_MORRIS_TRAJECTORIES,
            }
        )
    if spec.design is Design.SOBOL and spec.n & (spec.n - 1):
        out.append(
            _(
                "N = %(n)d is not a power of two: a Sobol sequence is balanced only at powers "
                "of two, so the indices converge more slowly (SALib)"
            )
            % {"n": spec.n}
        )
    return out


def factor_names(spec: ExperimentSpec, version: int = DESIGN_VERSION) -> list[str]:
    """The design's factors: the uncertainties, then the dummy where the design has one."""
    return [u.name for u in spec.uncertainties] + ([DUMMY] if has_dummy(spec, version) else [])


@dataclass(frozen=True)
class Policy:
    """One combination of lever options: a name and the parameter values it sets."""

    name: str
    options: dict[str, str]  # lever name -> option label
    values: dict[str, float]  # parameter path -> value


@dataclass(frozen=True)
class ExperimentDesign:
    """The scenarios (design points) and the policies of an experiment."""

    unit: npt.NDArray[np.float64]  # scenarios x factors (uncertainties, dummy), in [0, 1]
    scenarios: pd.DataFrame  # scenarios x factors, in the parameters' own units
    policies: tuple[Policy, ...]
    problem: dict[str, Any]  # SALib problem on the unit cube
    version: int = DESIGN_VERSION

    @property
    def n_runs(self) -> int:
        return len(self.scenarios) * len(self.policies)


def salib_problem(spec: ExperimentSpec, version: int = DESIGN_VERSION) -> dict[str, Any]:
    """The SALib problem dictionary of ``spec`` on the unit hypercube (with the dummy)."""
    names = factor_names(spec, version)
    return {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}


def unit_sample(spec: ExperimentSpec, version: int = DESIGN_VERSION) -> npt.NDArray[np.float64]:
    """The design's points on the unit hypercube, in SALib's order (rows are scenarios; the
    last column is the dummy where the design has one)."""
    d = len(factor_names(spec, version))
    problem = salib_problem(spec, version)
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


def make_design(spec: ExperimentSpec, version: int = DESIGN_VERSION) -> ExperimentDesign:
    """Draw the design of ``spec`` (deterministic in ``spec.seed``); ``version`` 1 reads back
    an experiment run before the dummy factor and common random numbers across design points."""
    unit = unit_sample(spec, version)
    cols = {u.name: to_values(u, unit[:, i]) for i, u in enumerate(spec.uncertainties)}
    if has_dummy(spec, version):
        cols[DUMMY] = unit[:, -1]
    scenarios = pd.DataFrame(cols)
    scenarios.index.name = "scenario"
    return ExperimentDesign(unit, scenarios, policies(spec), salib_problem(spec, version), version)


def run_seed(experiment_seed: int, scenario: int) -> int:
    """Seed number ``scenario`` of an experiment: derived from (experiment seed, index).

    Uses NumPy's ``SeedSequence`` so neighbouring indices give independent streams; the same on
    every machine, process and backend. All policies of one scenario share its seed.
    """
    ss = np.random.SeedSequence(entropy=experiment_seed, spawn_key=(scenario,))
    return int(ss.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))


def scenario_seeds(spec: ExperimentSpec, design: ExperimentDesign) -> npt.NDArray[np.uint64]:
    """The seed of each design point: common random numbers (one seed, or the dummy's choice
    of seed) by default; one seed per design point without them."""
    n_s = len(design.scenarios)
    if not spec.common_random_numbers or design.version < 2:
        return np.array([run_seed(spec.seed, s) for s in range(n_s)], dtype=np.uint64)
    if not has_dummy(spec, design.version):
        return np.full(n_s, run_seed(spec.seed, 0), dtype=np.uint64)
    keys = np.minimum(np.floor(design.unit[:, -1] * DUMMY_SEEDS), DUMMY_SEEDS - 1).astype(int)
    table = {k: run_seed(spec.seed, int(k)) for k in np.unique(keys)}
    return np.array([table[k] for k in keys], dtype=np.uint64)


def run_table(spec: ExperimentSpec, design: ExperimentDesign) -> pd.DataFrame:
    """One row per run: run index, scenario, policy, seed, and every varied value."""
    n_s, n_p = len(design.scenarios), len(design.policies)
    scen = np.repeat(np.arange(n_s), n_p)
    pol = np.tile(np.arange(n_p), n_s)
    table = pd.DataFrame({"run": np.arange(n_s * n_p), "scenario": scen, "policy_index": pol})
    table["policy"] = pd.Categorical([design.policies[p].name for p in pol])
    table["seed"] = scenario_seeds(spec, design)[scen]
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
