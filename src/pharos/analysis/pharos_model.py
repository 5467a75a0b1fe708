"""The regional model (``pharos.sim``) as an experiment model.

Two implementations of the same model, chosen by name in the experiment:

- ``pharos``: the reference engine (:class:`pharos.sim.engine.Engine`), one event loop in
  Python per replication: the model of record, slow (about half a second per ten-year
  replication of the baseline);
- ``pharos-fast``: the batched fast path (:mod:`pharos.sim.batch`), checked against the engine.

Any number in the scenario is a parameter, addressed by its dotted path
(:mod:`pharos.scenario.params`). The experiment may first edit the scenario (``set``: paths to
values, e.g. to add an online-monitoring agency whose strength a lever then varies). Levers
whose options are not numbers (``choices``: a list of identification bodies, an intervention
overlay) reach the model as ``lever:<name>`` = option index; each option's edit is applied to
the scenario before the run's numbers.

Outcomes of one run (means over its replications) count the victims recruited after the
warm-up. The *focus group* (default: victims recruited online in Egypt and exploited in Italy)
answers questions about one flow; its ``days_to_identification`` is a restricted mean: the mean
over victims who arrived at least ``cap`` days before the horizon of min(days from arrival to
identification, ``cap``), a victim never identified counting ``cap`` (730 days by default). It is
always defined, and lower is faster.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Mapping
from typing import Any

import numba
import numpy as np
import numpy.typing as npt
from pydantic import ValidationError

from pharos.analysis.model import ExperimentModel, FloatArray
from pharos.domain.geography import region_state_codes
from pharos.scenario.load import (
    Overlay,
    ScenarioError,
    apply_overlay,
    check_instruments,
    load_overlay,
    load_scenario,
)
from pharos.scenario.params import ParameterPathError, scenario_data, set_in, with_values
from pharos.scenario.schema import Scenario
from pharos.sim.batch import Workspace, compile_world, draw_inputs, run_inputs
from pharos.sim.batch.rng import BoolArray, IntArray
from pharos.sim.defaults import Assumption
from pharos.sim.engine import Engine
from pharos.sim.world import METHODS, ONLINE_METHODS

OUTCOMES: tuple[str, ...] = (
    "share_identified",
    "days_to_identification",
    "share_lost",
    "share_prevented",
    "disrupted_per_year",
    "focus_victims",
    "focus_share_prevented",
    "focus_identified_within_year",
    "focus_days_to_identification",
    # who is protected (entered protection after arrival), per vulnerable group and per state of
    # exploitation: the report's effects and equal-protection check (pharos.analysis.effects)
    "share_protected",
    "protected_per_year",
    "convicted_per_year",
    *(f"share_protected_{g}" for g in ("women", "men", "girls", "boys")),
    *(f"share_protected_{c.lower()}" for c in region_state_codes()),
)


def year_outcomes(horizon_days: int) -> tuple[str, ...]:
    """The outcomes counting victims who enter protection in each year of a horizon."""
    return tuple(f"protected_year_{k + 1:02d}" for k in range(-(-int(horizon_days) // 365)))


#: outcome -> the vulnerable group it measures (share protected among arrived victims)
GROUP_OUTCOMES: dict[str, str] = {
    f"share_protected_{g}": g for g in ("women", "men", "girls", "boys")
}
#: outcome -> the state of exploitation it measures
STATE_OUTCOMES: dict[str, str] = {f"share_protected_{c.lower()}": c for c in region_state_codes()}


def _leaves(node: Any, prefix: str, out: dict[str, float]) -> None:
    if isinstance(node, bool) or node is None:
        return
    if isinstance(node, int | float):
        out[prefix] = float(node)
    elif isinstance(node, dict):
        for k, v in node.items():
            _leaves(v, f"{prefix}.{k}" if prefix else str(k), out)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            key = item.get("id", str(i)) if isinstance(item, dict) else str(i)
            _leaves(item, f"{prefix}.{key}", out)


def engine_victims(engine: Engine) -> dict[str, npt.NDArray[Any]]:
    """The engine's per-victim arrays, in the fast path's layout (template order)."""
    cohorts = engine.cohorts
    online_idx = np.array([m in ONLINE_METHODS for m in METHODS])

    def cat(name: str, dtype: Any = float) -> npt.NDArray[Any]:
        return np.concatenate([np.asarray(getattr(c, name), dtype=dtype) for c in cohorts])

    method = cat("method", np.int64)
    return {
        "template": np.concatenate([np.full(len(c.t_rec), j) for j, c in enumerate(cohorts)]),
        "state": cat("state", np.int64),
        "recruited_at": cat("t_rec"),
        "arrived_at": cat("t_arr"),
        "detected_at": cat("detected_at"),
        "identified_at": cat("ident_at"),
        "protected_at": cat("protect_at"),
        "lost_at": cat("lost_at"),
        "exit_at": cat("exit_at"),
        "exit_code": cat("exit_code", np.int64),
        "channel": cat("channel", np.int64),
        "prevented": cat("intercepted", bool),
        "exists": cat("exists", bool),
        "method": method,
        "online": online_idx[method],
        "female": cat("female", bool),
        "child": cat("child", bool),
        "unaccompanied": cat("unaccompanied", bool),
        "asylum_seeker": cat("asylum", bool),
    }


def engine_disruptions(engine: Engine) -> int:
    """Networks (groups) disrupted in the engine's run."""
    return int(sum(n for key, n in engine.justice_stats.items() if key[2] == "disrupted"))


def engine_convictions(engine: Engine) -> int:
    """Persons convicted in the engine's run."""
    return int(sum(n for key, n in engine.justice_stats.items() if key[2] == "convicted"))


class PharosModel(ExperimentModel):
    """The regional model through the reference engine."""

    suggested_batch_size = 2
    accepts_choices = True

    def __init__(
        self,
        scenario: str = "mediterranean-baseline",
        set: Mapping[str, Any] | None = None,
        horizon_days: int | None = None,
        warmup_days: int | None = None,
        focus: Mapping[str, Any] | None = None,
        cap_days: float = 730.0,
        choices: Mapping[str, list[Mapping[str, Any]]] | None = None,
    ) -> None:
        data = scenario_data(load_scenario(scenario))
        for path, value in (set or {}).items():
            set_in(data, path, value, create=True)
        if horizon_days is not None:
            data["horizon_days"] = horizon_days
        if warmup_days is not None:
            data["warmup_days"] = warmup_days
        self.base = Scenario.model_validate(data)
        self.data = scenario_data(self.base)
        self._params: dict[str, float] = {}
        _leaves(self.data, "", self._params)
        self._ints = {p for p, _ in self._params.items() if isinstance(self._get(p), int)}
        focus = dict(focus or {"origin": "EGY", "state": "ITA", "online": True})
        codes = [c for c in self._state_codes()]
        self.focus_state = codes.index(focus["state"]) if focus.get("state") in codes else -1
        self.focus_templates = np.array(
            [n.origin == focus.get("origin", n.origin) for n in self.base.networks]
        )
        self.focus_online = bool(focus.get("online", False))
        self.cap = float(cap_days)
        self._choices: dict[str, list[Overlay | dict[str, Any]]] = {}
        self._choice_errors: dict[str, dict[int, str]] = {}
        for name, edits in (choices or {}).items():
            self._choices[name] = []
            for i, edit in enumerate(edits):
                done: Overlay | dict[str, Any] = dict(edit.get("set") or {})
                try:
                    if edit.get("overlay"):
                        done = load_overlay(str(edit["overlay"]))
                    self._choices[name].append(done)
                    self._edited(self.data, name, i)
                except (ScenarioError, ParameterPathError, ValidationError) as exc:
                    self._choice_errors.setdefault(name, {})[i] = _one_line(exc)

    def choice_errors(self) -> dict[str, dict[int, str]]:
        return self._choice_errors

    def assumptions(self) -> tuple[Assumption, ...]:
        """Where the base scenario leaves a fact to the domain's powers and the sources do not
        establish it (:func:`pharos.sim.defaults.scenario_assumptions`, the simulate report's)."""
        from pharos.sim.defaults import scenario_assumptions

        return scenario_assumptions(self.base)

    def outcome_states(self, outcome: str) -> tuple[str, ...] | None:
        if outcome.startswith("focus_") and self.focus_state >= 0:
            return (self._state_codes()[self.focus_state],)
        return None

    def _edited(self, data: dict[str, Any], lever: str, option: int) -> dict[str, Any]:
        """``data`` with option ``option`` of ``lever`` applied (a new dict; validated)."""
        edit = self._choices[lever][option]
        if isinstance(edit, Overlay):
            data = apply_overlay(data, edit)
        else:
            data = copy.deepcopy(data)
            for path, value in edit.items():
                set_in(data, path, value, create=False)
        check_instruments(
            Scenario.model_validate(data), edit.source if isinstance(edit, Overlay) else lever
        )
        return data

    def _state_codes(self) -> list[str]:
        from pharos.domain.geography import region_state_codes

        return [c for c in region_state_codes() if c in self.base.states]

    def _get(self, path: str) -> Any:
        from pharos.scenario.params import get_in

        return get_in(self.data, path)

    def parameters(self) -> Mapping[str, float]:
        return self._params

    def outcome_names(self) -> tuple[str, ...]:
        """:data:`OUTCOMES`, then the victims entering protection in each year of the horizon
        (``protected_year_01`` ..., for the report's time series)."""
        return OUTCOMES + year_outcomes(self.base.horizon_days)

    def scenario_for(self, values: Mapping[str, float]) -> Scenario:
        """The base scenario with ``values`` (path -> value) set; integers rounded."""
        if not values:
            return self.base
        numbers = {
            path: round(value) if path in self._ints else float(value)
            for path, value in values.items()
            if not path.startswith("lever:")
        }
        if len(numbers) == len(values):  # numbers only: copy only the sections they are in
            return Scenario.model_validate(with_values(self.data, numbers))
        data = scenario_data(self.base)
        for key, value in values.items():
            if key.startswith("lever:"):
                data = self._edited(data, key.removeprefix("lever:"), int(value))
        for path, value in values.items():
            if path.startswith("lever:"):
                continue
            set_in(data, path, round(value) if path in self._ints else float(value))
        return Scenario.model_validate(data)

    def replicate(self, scenario: Scenario, seed: int, replication: int) -> dict[str, float]:
        """One replication's outcomes through the reference engine."""
        engine = Engine(scenario, seed, replication).run()
        return self.summarise(
            scenario, engine_victims(engine), engine_disruptions(engine), engine_convictions(engine)
        )

    def summarise(
        self,
        scenario: Scenario,
        v: Mapping[str, npt.NDArray[Any]],
        disrupted: int,
        convicted: int = 0,
    ) -> dict[str, float]:
        """The outcomes of one replication from its per-victim arrays.

        Counted in one compiled pass over the victims (:func:`_tally`): in an experiment this
        runs once per replication, next to a fast path of about ten milliseconds, and one mask
        per figure over the fast path's strided records cost a fifth of a run.
        ``tests/unit/analysis/test_summarise.py`` checks every outcome against the plain
        mask-per-figure computation.
        """
        horizon, warmup = float(scenario.horizon_days), float(scenario.warmup_days)
        names = year_outcomes(scenario.horizon_days)
        codes = self._state_codes()
        n, sums, years_n, groups, states = _tally(
            v["exists"], v["prevented"], v["recruited_at"], v["arrived_at"],
            v["identified_at"], v["lost_at"], v["detected_at"], v["protected_at"],
            v["female"], v["child"], v["state"], v["template"], v["online"],
            self.focus_templates, self.focus_state, self.focus_online, warmup, horizon,
            self.cap, len(names), len(codes),
        )  # fmt: skip
        keep, came, ident, lost, detected, prevented, protected = n[:7]
        focus, focus_prevented, seen, seen_within_year = n[7:]
        years = (horizon - warmup) / 365.0
        out = {
            "share_identified": _ratio(ident, came),
            "days_to_identification": sums[0] / ident if ident else float("nan"),
            "share_lost": _ratio(lost, detected),
            "share_prevented": _ratio(prevented, keep),
            "disrupted_per_year": disrupted / (horizon / 365.0),
            "share_protected": _ratio(protected, came),
            # counts a year, for the cost of an extra victim protected or conviction: protected
            # victims recruited after the warm-up; persons convicted over the whole horizon (as
            # disrupted_per_year counts groups)
            "protected_per_year": float(protected) / years,
            "convicted_per_year": convicted / (horizon / 365.0),
        }
        out.update({name: float(years_n[k]) for k, name in enumerate(names)})
        # vulnerable groups: 0 men, 1 women, 2 boys, 3 girls (female + 2 x child)
        for g, k in (("women", 1), ("men", 0), ("girls", 3), ("boys", 2)):
            out[f"share_protected_{g}"] = _ratio(groups[1, k], groups[0, k])
        for c in region_state_codes():
            k = codes.index(c) if c in codes else -1
            there = _ratio(states[1, k], states[0, k]) if k >= 0 else 0.0
            out[f"share_protected_{c.lower()}"] = there
        out.update(
            {
                "focus_victims": float(focus) / years,
                "focus_share_prevented": _ratio(focus_prevented, focus),
                "focus_identified_within_year": _ratio(seen_within_year, seen),
                "focus_days_to_identification": sums[1] / seen if seen else self.cap,
            }
        )
        return out

    def run_batch(
        self, values: Mapping[str, FloatArray], seeds: npt.NDArray[np.uint64], replications: int
    ) -> dict[str, FloatArray]:
        names = self.outcome_names()
        out = {k: np.zeros(len(seeds)) for k in names}
        for i, seed in enumerate(seeds):
            scenario = self.scenario_for({p: float(a[i]) for p, a in values.items()})
            runs = [self.replicate(scenario, int(seed), r) for r in range(replications)]
            if len(runs) == 1:  # the mean of one replication is its value
                for k in names:
                    out[k][i] = runs[0].get(k, np.nan)
                continue
            for k in names:
                out[k][i] = float(np.mean([r.get(k, np.nan) for r in runs]))
        return out


def _one_line(exc: Exception) -> str:
    if isinstance(exc, ScenarioError):
        return "; ".join(str(d) for d in exc.details)
    if isinstance(exc, ValidationError):
        return "; ".join(
            f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']} (got {e.get('input')!r})"
            for e in exc.errors()
        )
    return str(exc).strip("'\"")


def _ratio(part: int | np.integer[Any], whole: int | np.integer[Any]) -> float:
    return float(part) / int(whole) if whole else 0.0


@numba.njit(cache=True, nogil=True)
def _tally(
    exists: BoolArray,
    prevented: BoolArray,
    recruited_at: FloatArray,
    arrived_at: FloatArray,
    identified_at: FloatArray,
    lost_at: FloatArray,
    detected_at: FloatArray,
    protected_at: FloatArray,
    female: BoolArray,
    child: BoolArray,
    state: IntArray,
    template: IntArray,
    online: BoolArray,
    focus_templates: BoolArray,
    focus_state: int,
    focus_online: bool,
    warmup: float,
    horizon: float,
    cap: float,
    n_years: int,
    n_states: int,
) -> tuple[IntArray, FloatArray, IntArray, IntArray, IntArray]:
    """One pass over the victims of a replication: the counts and sums ``summarise`` needs.

    Counts (``n``): victims recruited after the warm-up (kept), those who came (kept, not
    prevented), came and identified, came and lost, came and detected, kept and prevented,
    came and protected; the focus group, its prevented, those of it who came early enough to
    be followed ``cap`` days (seen), and the seen identified within a year. Sums: days from
    arrival to identification of the identified who came; the seen's days capped at ``cap``
    (never identified: ``cap``). Victims entering protection in each year (any recruitment
    time), and per vulnerable group and state of exploitation, came (row 0) and protected
    (row 1)."""
    n = np.zeros(11, np.int64)
    sums = np.zeros(2)
    years = np.zeros(n_years, np.int64)
    groups = np.zeros((2, 4), np.int64)
    states = np.zeros((2, max(n_states, 1)), np.int64)
    limit = horizon - cap
    for i in range(exists.shape[0]):
        if not exists[i]:
            continue
        pt = protected_at[i]
        if not np.isnan(pt):
            years[min(int(pt // 365.0), n_years - 1)] += 1
        if recruited_at[i] < warmup:
            continue
        n[0] += 1
        is_focus = focus_templates[template[i]]
        if focus_state >= 0 and state[i] != focus_state:
            is_focus = False
        if focus_online and not online[i]:
            is_focus = False
        if is_focus:
            n[7] += 1
        if prevented[i]:
            n[5] += 1
            if is_focus:
                n[8] += 1
            continue
        n[1] += 1  # came
        days = identified_at[i] - arrived_at[i]
        ident = not np.isnan(identified_at[i])
        if ident:
            n[2] += 1
            sums[0] += days
        if not np.isnan(lost_at[i]):
            n[3] += 1
        if not np.isnan(detected_at[i]):
            n[4] += 1
        g = (1 if female[i] else 0) + (2 if child[i] else 0)
        groups[0, g] += 1
        s = state[i]
        if 0 <= s < n_states:
            states[0, s] += 1
        if not np.isnan(pt):
            n[6] += 1
            groups[1, g] += 1
            if 0 <= s < n_states:
                states[1, s] += 1
        if is_focus and arrived_at[i] <= limit:
            n[9] += 1
            if ident:
                sums[1] += min(max(days, 0.0), cap)
                if days <= 365.0:
                    n[10] += 1
            else:
                sums[1] += cap
    return n, sums, years, groups, states


_WORKSPACES = threading.local()


class FastPharosModel(PharosModel):
    """The regional model through the batched fast path (:mod:`pharos.sim.batch`)."""

    # about 0.7 s of work a task: against 16, a Sobol experiment of 22,528 runs on two workers
    # took 5 % less time (fewer parts written, fewer tasks sent; runner.task_size keeps short
    # experiments spread over the workers)
    suggested_batch_size = 64
    # 2 (29 Nov 2026): exponentials by the ziggurat, the first contact as one clock, verdicts
    # at charging (pharos.sim.batch)
    draws = "2"

    def replicate(self, scenario: Scenario, seed: int, replication: int) -> dict[str, float]:
        cw = compile_world(scenario)
        # each replication is reduced to figures before the next: its records' memory is reused
        # (one workspace per thread)
        workspace = getattr(_WORKSPACES, "workspace", None)
        if workspace is None:
            workspace = _WORKSPACES.workspace = Workspace()
        result = run_inputs(cw, draw_inputs(cw, seed, replication), workspace=workspace)
        return self.summarise(
            scenario,
            result.victims,
            int(result.justice[:, 4].sum()),
            int(result.justice[:, 3].sum()),
        )
