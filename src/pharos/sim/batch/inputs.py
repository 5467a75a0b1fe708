"""The random inputs of one replication: the fast path's own, or the engine's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from pharos.sim.batch.rng import FloatArray, IntArray
from pharos.sim.batch.world import CompiledWorld
from pharos.sim.victims import WIDTH


@dataclass(frozen=True)
class ReplicationInputs:
    """The random inputs of one replication.

    Either the engine's (``u`` holds every victim's row of uniforms, concatenated in template
    order, with their recruitment times ``t_rec`` and ``counts`` per template), or the fast
    path's own (``u`` is None: recruitment times and uniforms are drawn inside the compiled
    loop from counter-based streams keyed by ``victim_key``). ``coverage``: screening coverage
    by state and year; ``justice_key``: the stream of the justice process.
    """

    counts: IntArray | None
    t_rec: FloatArray | None
    u: FloatArray | None
    coverage: FloatArray
    justice_key: int
    victim_key: int = 0


def screening_coverage(cw: CompiledWorld, factors: dict[str, FloatArray]) -> FloatArray:
    """Coverage of disembarkation screening by state and year (capacity / arrivals, at most 1),
    given each route's year-to-year arrival factors (as :class:`pharos.sim.victims.FlowModel`)."""
    ns = len(cw.world.states)
    by_state = np.zeros((ns, cw.years))
    for name, flow in cw.scenario.routes.items():
        arrivals = flow.arrivals_per_year * factors[name]
        for code, share in flow.destinations.items():
            if code in cw.world.state_index:
                by_state[cw.world.state_index[code]] += arrivals * share
    cov = np.zeros_like(by_state)
    for st in cw.world.states:
        if st.screening_kind is None:
            continue
        row = by_state[st.index]
        with np.errstate(divide="ignore", invalid="ignore"):
            c = np.where(row > 0, st.screening_capacity / row, 1.0)
        cov[st.index] = np.minimum(1.0, c)
    return cov


def draw_inputs(cw: CompiledWorld, seed: int, replication: int) -> ReplicationInputs:
    """The fast path's random inputs for ``replication`` under ``seed``: the route flows'
    year-to-year factors now, the victims' draws later inside the compiled loop."""
    ss = np.random.SeedSequence(entropy=seed, spawn_key=(replication, 0xFA57))
    rng = np.random.Generator(np.random.PCG64(ss))
    factors = {}
    for name, flow in cw.scenario.routes.items():
        cv = flow.year_to_year_cv
        if cv > 0:
            sigma = np.sqrt(np.log1p(cv * cv))
            factors[name] = rng.lognormal(-0.5 * sigma * sigma, sigma, size=cw.years)
        else:
            factors[name] = np.ones(cw.years)
    jkey, vkey = (int(x >> np.uint64(1)) for x in ss.generate_state(2, dtype=np.uint64))
    return ReplicationInputs(None, None, None, screening_coverage(cw, factors), jkey, vkey)


def inputs_from_engine(engine: Any) -> ReplicationInputs:
    """The random inputs the reference engine drew (for checks on shared random numbers)."""
    cohorts = engine.cohorts
    counts = np.array([len(c.t_rec) for c in cohorts], dtype=np.int64)
    t_rec = np.concatenate([c.t_rec for c in cohorts]) if cohorts else np.zeros(0)
    u = np.concatenate([c.u for c in cohorts]) if cohorts else np.zeros((0, WIDTH))
    key = int(engine.streams.seed) * 1_000_003 + int(engine.streams.replication)
    return ReplicationInputs(counts, t_rec, u, np.asarray(engine.flows.coverage), key)
