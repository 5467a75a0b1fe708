"""A SimPy implementation of the core of the regional model, the reference for Pharos's engine.

The core: recruitment -> movement -> exploitation until detection -> formal identification
(directly by a competent agency, or by the competent body with finite officers) -> referral to
a shelter place (finite beds; victims are lost if they wait longer than their loss clock) ->
protection (recovery and reflection period, then a stay) -> a cross-border request (the
pre-return risk assessment) before a return.

Written the idiomatic SimPy way (one process per victim and per network, ``Resource``
requests, ``request | timeout`` for reneging). Its random inputs come from the same named
streams as Pharos (``pharos.sim.victims.draw_cohort``), so on the same seed both must give the
same outcome for every victim; ``tests/integration/sim/test_simpy_equivalence.py`` checks it.
Justice is switched off in the core scenario (no investigations, no disruption).
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import Any

import numpy as np
import simpy

from pharos.scenario import Scenario, load_scenario, set_params
from pharos.sim.engine import Engine
from pharos.sim.streams import Streams
from pharos.sim.victims import Cohort, FlowModel, draw_cohort
from pharos.sim.world import KINDS, RETURN_RISK_ASSESSMENT, World

OUTCOMES = ("detected_at", "ident_at", "protect_at", "lost_at", "exit_code")


def core_scenario(horizon_days: int = 3650) -> Scenario:
    """The baseline with justice switched off: the pipeline both engines implement."""
    s = load_scenario("mediterranean-baseline")
    values: dict[str, Any] = {"horizon_days": horizon_days, "warmup_days": 0}
    for code in s.states:
        values[f"states.{code}.justice.proactive_rate"] = 0.0
        values[f"states.{code}.protection.cooperation_share"] = 0.0
    return set_params(s, values)


class SimPyCore:
    """The core model in SimPy; outcomes per victim in the same layout as Pharos's cohorts."""

    def __init__(self, scenario: Scenario, seed: int, replication: int = 0) -> None:
        self.scenario = scenario
        self.world = World(scenario)
        streams = Streams(seed, replication)
        flows = FlowModel(scenario, self.world, streams)
        self.cohorts: list[Cohort] = [
            draw_cohort(self.world, flows, streams, t, spec, self.world.first_cell[t])
            for t, spec in enumerate(scenario.networks)
        ]
        self.env = simpy.Environment()
        self.officers = [simpy.Resource(self.env, st.officers) for st in self.world.states]
        self.beds = [simpy.Resource(self.env, max(st.beds, 1)) for st in self.world.states]

    def run(self) -> SimPyCore:
        for co in self.cohorts:
            self.env.process(self.recruitment(co))
        self.env.run(until=self.world.horizon)
        return self

    def recruitment(self, co: Cohort) -> Generator[simpy.Event, Any, None]:
        env = self.env
        for i, t in enumerate(co.t_rec.tolist()):
            yield env.timeout(max(t - env.now, 0.0))
            env.process(self.victim(co, i))

    def victim(self, co: Cohort, i: int) -> Generator[simpy.Event, Any, None]:
        env = self.env
        if co.intercepted[i]:
            return
        yield env.timeout(max(float(co.t_arr[i]) - env.now, 0.0))  # movement along the route
        t_det = float(co.t_det[i])
        if not t_det < math.inf:
            return
        yield env.timeout(
            max(t_det - env.now, 0.0)
        )  # exploitation until the first recognised contact
        st = self.world.states[co.states[i]]
        co.detected_at[i] = t_det
        t_loss = env.now + co.e_loss[i] / st.loss_rate if st.loss_rate > 0 else math.inf
        kind = KINDS[int(co.det_kind[i])]
        if kind in st.bodies:
            yield env.timeout(co.e_service[i] * st.direct_days)
        else:
            with self.officers[st.index].request() as req:
                got = yield req | env.timeout(max(t_loss - env.now, 0.0))
                if req not in got:
                    self._lose(co, i, t_loss, st.retrafficking_share)
                    return
                yield env.timeout(co.e_service[i] * st.ident_days)
        co.ident_at[i] = env.now
        if st.beds <= 0:
            if t_loss < self.world.horizon:
                yield env.timeout(t_loss - env.now)
                self._lose(co, i, t_loss, st.retrafficking_share)
            return
        with self.beds[st.index].request() as bed:
            if t_loss <= env.now and not bed.triggered:
                self._lose(co, i, t_loss, st.retrafficking_share)
                return
            got = yield bed | env.timeout(max(t_loss - env.now, 0.0))
            if bed not in got:
                self._lose(co, i, t_loss, st.retrafficking_share)
                return
            co.protect_at[i] = env.now
            yield env.timeout(st.reflection_days + co.e_stay[i] * st.stay_days)
        origin = self.scenario.networks[co.net].origin
        if origin == st.code:
            co.exit_code[i] = 2
            return
        wants = co.u_return[i] < st.return_share
        terms = self.world.terms(st.code, origin, RETURN_RISK_ASSESSMENT)
        if wants and terms is not None:
            safe = co.u_risk[i] >= st.return_risk_share
            co.exit_code[i] = 1 if safe else 2
            latency = terms.median_days * math.exp(terms.dispersion * co.z_reqlat[i])
            yield env.timeout(latency)  # the cross-border request and its reply
        else:
            co.exit_code[i] = 2

    @staticmethod
    def _lose(co: Cohort, i: int, when: float, share: float) -> None:
        co.lost_at[i] = when
        co.retrafficked[i] = co.u_retraf[i] < share


def outcomes(cohorts: list[Cohort]) -> dict[str, np.ndarray]:
    """Per-victim outcomes of every cohort, concatenated (the equivalence test compares them)."""
    return {
        name: np.concatenate([np.array(getattr(c, name), dtype=float) for c in cohorts])
        for name in OUTCOMES
    }


def model_events(cohorts: list[Cohort], horizon: float) -> int:
    """Model events of a run, counted the same way for both engines from the outcomes.

    recruitment + arrival + detection + identification (start and end) + shelter admission +
    shelter exit + cross-border request.
    """
    total = 0
    for c in cohorts:
        arrived = int(np.sum(c.t_arr < horizon))
        o = {k: np.array(getattr(c, k), dtype=float) for k in OUTCOMES}
        total += c.n + arrived
        total += int(np.sum(~np.isnan(o["detected_at"])))
        total += 2 * int(np.sum(~np.isnan(o["ident_at"])))
        total += int(np.sum(~np.isnan(o["protect_at"])))
        total += int(np.sum(o["exit_code"] > 0))
        total += int(np.sum(o["exit_code"] == 1))
    return total


def run_pharos(scenario: Scenario, seed: int) -> Engine:
    """The same core run with Pharos's engine."""
    return Engine(scenario, seed, 0).run()
