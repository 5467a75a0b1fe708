"""A scenario as arrays for the compiled loop (:class:`CompiledWorld`)."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate

import numpy as np

from pharos.scenario.schema import Scenario
from pharos.sim.batch.layout import (
    N_NET_PARAMS,
    N_RT,
    N_STATE_PARAMS,
    R_EVIDENCE,
    R_INTELLIGENCE,
    RT_CA,
    RT_CODE,
    RT_DISP,
    RT_EXISTS,
    RT_MEDIAN,
    RT_SETUP,
    RT_SUCCESS,
)  # fmt: skip
from pharos.sim.batch.rng import BoolArray, FloatArray, IntArray
from pharos.sim.policies import fastest
from pharos.sim.world import (
    CENTRAL_AUTHORITY_INSTRUMENTS,
    KIND_INDEX,
    KINDS,
    METHODS,
    ONLINE_METHODS,
    REQUEST_INSTRUMENTS,
    RETURN_RISK_ASSESSMENT,
    TYPE_INDEX,
    TYPES,
    World,
)


@dataclass(frozen=True)
class CompiledWorld:
    """A scenario as arrays for the compiled loop (built once per scenario)."""

    scenario: Scenario
    world: World
    state: FloatArray  # states x N_STATE_PARAMS
    rates: FloatArray  # states x kinds x types, recognised contacts per day
    # the same by state and type, as one clock: summed rate, then the kinds with a positive
    # rate (in kind order), their cumulative rates and how many (for the fast path's own streams)
    contact_total: FloatArray  # states x types
    contact_kind: IntArray  # states x types x kinds
    contact_cum: FloatArray  # states x types x kinds
    contact_n: IntArray  # states x types
    may_identify: BoolArray  # states x kinds
    net: FloatArray  # templates x N_NET_PARAMS
    dest_state: IntArray  # templates x max destinations
    dest_cum: FloatArray
    method_cum: FloatArray  # templates x max methods
    method_index: IntArray
    method_online: BoolArray
    return_terms: FloatArray  # templates x states x (exists, median, dispersion)
    # templates x states x (intelligence, evidence) x N_RT: the instrument of each request
    request_terms: FloatArray
    ca_staff: int  # the largest central authority's staff (columns of its free times)
    cell_template: IntArray
    cell_main_state: IntArray
    recruits_per_year: FloatArray
    horizon: float
    warmup: float
    years: int


def compile_world(scenario: Scenario) -> CompiledWorld:
    """Turn ``scenario`` into arrays; the same decisions as the engine's standard procedures."""
    world = World(scenario)
    ns, nk, nt = len(world.states), len(KINDS), len(TYPES)
    state = np.zeros((ns, N_STATE_PARAMS))
    rates = np.zeros((ns, nk, nt))
    may = np.zeros((ns, nk), dtype=np.bool_)
    for st in world.states:
        s = st.index
        state[s] = [
            st.officers, st.ident_days, st.direct_days, st.beds, st.reflection_days,
            st.stay_days, st.loss_rate, st.retrafficking_share, st.cooperation_share,
            st.return_share, st.return_risk_share, st.investigators, st.investigation_days,
            st.proactive_rate, st.financial_share, st.evidence_base, st.evidence_per_victim,
            st.evidence_cross_border, st.evidence_financial, st.persons_per_case,
            st.prosecution_days, st.conviction_share, st.online_rate,
            -1 if st.screening_kind is None else st.screening_kind, st.screening_skill,
            st.lead_speedup, st.ca_staff, st.ca_days,
        ]  # fmt: skip
        for k, per_type in st.rates.items():
            rates[s, k] = per_type
        for kind in st.bodies:
            may[s, KIND_INDEX[kind]] = True
    nets = scenario.networks
    nn = len(nets)
    md = max(len(n.destinations) for n in nets)
    mm = max(len(n.recruitment) for n in nets)
    net = np.zeros((nn, N_NET_PARAMS))
    dest_state = np.zeros((nn, md), dtype=np.int64)
    dest_cum = np.full((nn, md), np.inf)
    method_cum = np.full((nn, mm), np.inf)
    method_index = np.zeros((nn, mm), dtype=np.int64)
    method_online = np.zeros((nn, mm), dtype=np.bool_)
    ret = np.zeros((nn, ns, 3))
    ev = np.zeros((nn, ns, 2, N_RT))
    pairs = sorted(
        {(st.code, spec.origin) for spec in nets for st in world.states if spec.origin != st.code}
    )
    pair_terms = _pair_table(world, tuple(pairs))
    for j, spec in enumerate(nets):
        route = scenario.routes.get(spec.route) if spec.route else None
        sea = route is not None and route.sea
        travel = route.travel_days if route is not None else spec.travel_days
        origin = world.state_index.get(spec.origin, -1)
        net[j] = [
            spec.female_share, spec.child_share, spec.unaccompanied_share,
            spec.asylum_seeker_share, spec.recruitment_days, travel, spec.exploitation_days,
            spec.replacement_days, spec.members, spec.cells, world.first_cell[j],
            TYPE_INDEX[spec.exploitation], float(sea), origin,
        ]  # fmt: skip
        codes = [c for c in spec.destinations if c in world.state_index]
        dest_state[j, : len(codes)] = [world.state_index[c] for c in codes]
        dest_cum[j, : len(codes)] = list(accumulate(spec.destinations[c] for c in codes))
        methods = list(spec.recruitment)
        method_cum[j, : len(methods)] = list(accumulate(spec.recruitment[m] for m in methods))
        method_index[j, : len(methods)] = [METHODS.index(m) for m in methods]
        method_online[j, : len(methods)] = [m in ONLINE_METHODS for m in methods]
        for st in world.states:
            if spec.origin == st.code:
                continue
            ret[j, st.index], ev[j, st.index] = pair_terms[(st.code, spec.origin)]
    cells = [spec.cells for spec in nets]  # world.networks' cells, template by template
    contact_total, contact_kind, contact_cum, contact_n = _contact_tables(rates)
    return CompiledWorld(
        scenario=scenario,
        world=world,
        state=state,
        rates=rates,
        contact_total=contact_total,
        contact_kind=contact_kind,
        contact_cum=contact_cum,
        contact_n=contact_n,
        may_identify=may,
        net=net,
        dest_state=dest_state,
        dest_cum=dest_cum,
        method_cum=method_cum,
        method_index=method_index,
        method_online=method_online,
        return_terms=ret,
        request_terms=ev,
        ca_staff=max((st.ca_staff for st in world.states), default=1),
        cell_template=np.repeat(np.arange(nn, dtype=np.int64), cells),
        cell_main_state=np.repeat(
            np.array([world.state_index[m] for m in world.main_states], dtype=np.int64), cells
        ),
        recruits_per_year=np.array([n.recruits_per_year for n in nets]),
        horizon=world.horizon,
        warmup=float(scenario.warmup_days),
        years=int(np.ceil(scenario.horizon_days / 365.0)) + 1,
    )


def _contact_tables(rates: FloatArray) -> tuple[FloatArray, IntArray, FloatArray, IntArray]:
    """For each state and type (``rates`` is states x kinds x types): the summed rate, the kinds
    with a positive rate in kind order, their cumulative rates (inf beyond them) and how many."""
    nk = rates.shape[1]
    positive = rates > 0
    order = np.argsort(~positive, axis=1, kind="stable")  # positive kinds first, in kind order
    n = positive.sum(axis=1)  # states x types
    beyond = np.arange(nk)[None, :, None] >= n[:, None, :]
    cum = np.cumsum(np.take_along_axis(rates, order, axis=1), axis=1)
    cum[beyond] = np.inf
    kind = np.where(beyond, 0, order)
    total = np.where(n > 0, np.take_along_axis(cum, np.maximum(n - 1, 0)[:, None, :], 1)[:, 0], 0.0)
    return (
        total,
        np.ascontiguousarray(kind.transpose(0, 2, 1), dtype=np.int64),
        np.ascontiguousarray(cum.transpose(0, 2, 1)),
        n.astype(np.int64),
    )


PairTable = dict[tuple[str, str], tuple[FloatArray, FloatArray]]
_PAIR_TABLES: dict[tuple[str, tuple[tuple[str, str], ...]], PairTable] = {}
_PAIR_TABLES_KEPT = 32


def _pair_table(world: World, pairs: tuple[tuple[str, str], ...]) -> PairTable:
    """:func:`_pair_terms` of every (state, origin) pair. They depend on the scenario's
    cooperation terms only, which most experiments do not vary: the tables of the last few
    cooperation sections are kept (looking them up costs a JSON dump of that section; working
    them out, about a tenth of a ten-year replication)."""
    key = (world.scenario.cooperation.model_dump_json(), pairs)
    table = _PAIR_TABLES.get(key)
    if table is None:
        table = {pair: _pair_terms(world, *pair) for pair in pairs}
        if len(_PAIR_TABLES) >= _PAIR_TABLES_KEPT:
            _PAIR_TABLES.pop(next(iter(_PAIR_TABLES)))
        _PAIR_TABLES[key] = table
    return table


def _pair_terms(world: World, state: str, origin: str) -> tuple[FloatArray, FloatArray]:
    """Return (pre-return risk assessment) and request terms from ``state`` to ``origin``:
    (exists, median days, dispersion), and for the police's request for intelligence and the
    prosecutor's for evidence the fields ``RT_*`` of the instrument the standard procedure picks
    (shortest expected time to a useful reply)."""
    ret = np.zeros(3)
    ev = np.zeros((2, N_RT))
    t = world.terms(state, origin, RETURN_RISK_ASSESSMENT)
    if t is not None:
        ret[:] = (1.0, t.median_days, t.dispersion)
    for r, purpose in ((R_INTELLIGENCE, "intelligence"), (R_EVIDENCE, "evidence")):
        best = fastest(world.instruments_for(state, origin, purpose))
        if best is None:
            continue
        bt = world.terms(state, origin, best.instrument)
        assert bt is not None
        row = ev[r]
        row[RT_EXISTS], row[RT_MEDIAN], row[RT_DISP] = 1.0, bt.median_days, bt.dispersion
        row[RT_SUCCESS], row[RT_SETUP] = bt.success, bt.setup_days
        row[RT_CA] = float(best.instrument in CENTRAL_AUTHORITY_INSTRUMENTS)
        row[RT_CODE] = REQUEST_INSTRUMENTS.index(best.instrument)
    return ret, ev
