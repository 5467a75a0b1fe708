"""The batched fast path: many replications of the regional model's core, compiled with numba.

The reference engine (:mod:`pharos.sim.engine`) is a Python event loop with a decision point
at every step, made to be read, audited and played by people. For thousands of what-if runs the
same model is re-expressed here as arrays and one compiled loop per replication:

- the victims of every network template are derived from their rows of uniforms exactly as
  :func:`pharos.sim.victims.draw_cohort` does (recruitment method, interception by online
  monitoring, travel, competing detection clocks per channel, screening at disembarkation);
- one event loop (a binary heap on arrays) runs identification by the competent body (finite
  officers, FIFO), referral to shelter (finite beds, FIFO waiting list), loss while waiting,
  protection and exit with return after a risk assessment, the victim's cooperation,
  investigations (finite investigators, proactive and victim-led, cross-border evidence
  requests with the standard operating procedure's choice of instrument), charging, disruption
  of the group with rescue of its victims and suppression of its recruits until replacement,
  and verdicts.

Only the standard operating procedures are modelled (a run played by people uses the engine).

**Checked against the engine.** Given the engine's own uniforms (:func:`inputs_from_engine`),
the fast path reproduces the engine's per-victim outcomes whenever justice does not intervene
(no investigation opened), to floating-point rounding. The justice process draws its random
numbers from a counter-based generator (SplitMix64) rather than NumPy's named streams, because
NumPy's exponential and Poisson samplers are not reproducible inside compiled code; with justice
on, the two therefore agree in distribution, not draw by draw (tests in
``tests/unit/analysis/test_batch.py`` state the tolerances).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import numba
import numpy as np
import numpy.typing as npt
from scipy.special import ndtri

from pharos.domain.cooperation import Instrument
from pharos.domain.practitioners import PractitionerKind
from pharos.scenario.schema import Scenario
from pharos.sim.victims import C_REQLAT, WIDTH
from pharos.sim.world import KIND_INDEX, KINDS, METHODS, ONLINE_METHODS, TYPE_INDEX, TYPES, World

F = TypeVar("F", bound=Callable[..., Any])
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def _compiled(fn: F) -> F:
    return cast(F, numba.njit(cache=True, nogil=True)(fn))


# state parameter columns
(
    P_OFFICERS, P_IDENT, P_DIRECT, P_BEDS, P_REFLECT, P_STAY, P_LOSS, P_RETRAF, P_COOP,
    P_RETURN, P_RISK, P_INVESTIGATORS, P_INV_DAYS, P_PROACTIVE, P_FIN, P_EV_BASE, P_EV_VICTIM,
    P_EV_CROSS, P_EV_FIN, P_PERSONS, P_PROS_DAYS, P_CONVICT, P_ONLINE, P_SCREEN_KIND,
    P_SCREEN_SKILL,
) = range(25)  # fmt: skip
N_STATE_PARAMS = 25
# network template columns
(
    N_FEMALE, N_CHILD, N_UNACC, N_ASYLUM, N_RECRUIT_DAYS, N_TRAVEL, N_EXPLOIT_DAYS, N_REPLACE,
    N_MEMBERS, N_CELLS, N_FIRST_CELL, N_TYPE, N_SEA, N_ORIGIN,
) = range(14)  # fmt: skip
N_NET_PARAMS = 14


@dataclass(frozen=True)
class CompiledWorld:
    """A scenario as arrays for the compiled loop (built once per scenario)."""

    scenario: Scenario
    world: World
    state: FloatArray  # states x N_STATE_PARAMS
    rates: FloatArray  # states x kinds x types, recognised contacts per day
    may_identify: BoolArray  # states x kinds
    net: FloatArray  # templates x N_NET_PARAMS
    dest_state: IntArray  # templates x max destinations
    dest_cum: FloatArray
    method_cum: FloatArray  # templates x max methods
    method_index: IntArray
    method_online: BoolArray
    return_terms: FloatArray  # templates x states x (exists, median, dispersion)
    evidence_terms: FloatArray  # templates x states x (exists, median, dispersion, success)
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
    ev = np.zeros((nn, ns, 4))
    pair_terms: dict[tuple[str, str], tuple[FloatArray, FloatArray]] = {}
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
        dest_cum[j, : len(codes)] = np.cumsum([spec.destinations[c] for c in codes])
        methods = list(spec.recruitment)
        method_cum[j, : len(methods)] = np.cumsum([spec.recruitment[m] for m in methods])
        method_index[j, : len(methods)] = [METHODS.index(m) for m in methods]
        method_online[j, : len(methods)] = [m in ONLINE_METHODS for m in methods]
        for st in world.states:
            if spec.origin == st.code:
                continue
            key = (st.code, spec.origin)
            if key not in pair_terms:
                pair_terms[key] = _pair_terms(world, st.code, spec.origin)
            ret[j, st.index], ev[j, st.index] = pair_terms[key]
    cells = world.networks
    return CompiledWorld(
        scenario=scenario,
        world=world,
        state=state,
        rates=rates,
        may_identify=may,
        net=net,
        dest_state=dest_state,
        dest_cum=dest_cum,
        method_cum=method_cum,
        method_index=method_index,
        method_online=method_online,
        return_terms=ret,
        evidence_terms=ev,
        cell_template=np.array([c.template for c in cells], dtype=np.int64),
        cell_main_state=np.array([world.state_index[c.main_state] for c in cells], dtype=np.int64),
        recruits_per_year=np.array([n.recruits_per_year for n in nets]),
        horizon=world.horizon,
        warmup=float(scenario.warmup_days),
        years=int(np.ceil(scenario.horizon_days / 365.0)) + 1,
    )


def _pair_terms(world: World, state: str, origin: str) -> tuple[FloatArray, FloatArray]:
    """Return (pre-return risk assessment) and evidence terms from ``state`` to ``origin``:
    (exists, median days, dispersion) and (exists, median days, dispersion, success) of the
    instrument the standard procedure picks (shortest expected time to a useful reply)."""
    ret = np.zeros(3)
    ev = np.zeros(4)
    t = world.terms(state, origin, Instrument.PRE_RETURN_RISK_ASSESSMENT)
    if t is not None:
        ret[:] = (1.0, t.median_days, t.dispersion)
    avail = world.evidence_instruments(state, origin)
    if avail:
        best = min(avail, key=lambda a: a.median_days / max(a.success, 1e-9))
        bt = world.terms(state, origin, best.instrument)
        assert bt is not None
        ev[:] = (1.0, bt.median_days, bt.dispersion, bt.success)
    return ret, ev


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


# ---------------------------------------------------------------------------------------------
# The compiled loop. Event kinds and victim statuses are the engine's.
# ---------------------------------------------------------------------------------------------
DETECT, IDENT_DIRECT, IDENT_QUEUED, SHELTER_END, COOPERATE = 0, 1, 2, 3, 4
NET_START, PROACTIVE, INVEST_DONE, VERDICT = 5, 6, 7, 8
EXPLOITED, AWAIT_IDENT, IN_IDENT, AWAIT_BED, PROTECTED, LOST, EXITED = 0, 1, 2, 3, 4, 5, 6
RESCUE = -2
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


@_compiled
def _mix(z: np.uint64) -> np.uint64:
    """SplitMix64 finaliser (Steele, Lea & Flood 2014)."""
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@_compiled
def _uniform(key: np.uint64, counter: int) -> float:
    """A uniform in (0, 1) from a counter-based stream: the same on any thread or machine."""
    x = _mix(key + np.uint64(counter + 1) * _GOLDEN)
    return (float(x >> np.uint64(11)) + 0.5) * (1.0 / 9007199254740992.0)


@_compiled
def _uv(u: FloatArray, lazy: bool, key: np.uint64, g: int, col: int) -> float:
    """Column ``col`` of victim ``g``'s row of uniforms: given (the engine's), or drawn on
    demand from the fast path's counter-based stream (only the columns a victim needs)."""
    if lazy:
        return _uniform(key, g * WIDTH + col)
    return float(u[g, col])


@_compiled
def _lazy_normal(key: np.uint64, g: int) -> float:
    """A standard normal for victim ``g`` (Box-Muller on two of its uniforms)."""
    u1 = _uniform(key, g * WIDTH + C_REQLAT)
    u2 = _uniform(key ^ np.uint64(0x5DEECE66D), g)
    return float(np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2))


@_compiled
def _recruit(rates: FloatArray, horizon: float, key: np.uint64) -> tuple[IntArray, FloatArray]:
    """Recruitment times of every template: Poisson processes at ``rates`` (per day) to the
    horizon, generated in order (exponential gaps), from the fast path's stream."""
    nt = rates.shape[0]
    bound = 0
    for j in range(nt):
        m = rates[j] * horizon
        bound += int(m + 12.0 * np.sqrt(m) + 32.0)
    t_rec = np.empty(bound)
    counts = np.zeros(nt + 1, dtype=np.int64)
    g = 0
    for j in range(nt):
        jk = _mix(key ^ _mix(np.uint64(j + 1)))
        t = 0.0
        i = 0
        if rates[j] > 0:
            while True:
                t -= np.log(_uniform(jk, i)) / rates[j]
                i += 1
                if t >= horizon or g >= bound:
                    break
                t_rec[g] = t
                g += 1
        counts[j + 1] = g
    return counts, t_rec[:g].copy()


@_compiled
def _by_time(t: FloatArray, horizon: float) -> IntArray:
    """Indices with ``t < horizon`` sorted by (t, index): a counting sort into one-day buckets,
    then insertion sort within each bucket (a few entries each): linear time, stable."""
    nb = int(horizon) + 1
    count = np.zeros(nb + 1, dtype=np.int64)
    for g in range(t.shape[0]):
        if t[g] < horizon:
            count[int(t[g]) + 1] += 1
    start = np.cumsum(count)
    out = np.empty(start[nb], dtype=np.int64)
    fill = start[:nb].copy()
    for g in range(t.shape[0]):
        if t[g] < horizon:
            b = int(t[g])
            out[fill[b]] = g
            fill[b] += 1
    for b in range(nb):
        for i in range(start[b] + 1, start[b + 1]):
            x = out[i]
            j = i - 1
            while j >= start[b] and t[out[j]] > t[x]:
                out[j + 1] = out[j]
                j -= 1
            out[j + 1] = x
    return out


@_compiled
def _push(h: FloatArray, hs: IntArray, size: int, t: float, seq: int) -> int:
    """Put (t, seq) on the binary heap (ordered by time, then by seq); returns the new size."""
    i = size
    while i > 0:
        p = (i - 1) >> 1
        if h[p] < t or (h[p] == t and hs[p] < seq):
            break
        h[i] = h[p]
        hs[i] = hs[p]
        i = p
    h[i] = t
    hs[i] = seq
    return size + 1


@_compiled
def _pop(h: FloatArray, hs: IntArray, size: int) -> tuple[float, int, int]:
    """Take the earliest (t, seq) off the heap; returns (t, seq, new size)."""
    top_t, top_s = h[0], hs[0]
    last = size - 1
    t, sq = h[last], hs[last]
    i = 0
    while True:
        a = 2 * i + 1
        if a >= last:
            break
        b = a + 1
        if b < last and (h[b] < h[a] or (h[b] == h[a] and hs[b] < hs[a])):
            a = b
        if t < h[a] or (t == h[a] and sq < hs[a]):
            break
        h[i] = h[a]
        hs[i] = hs[a]
        i = a
    if last > 0:
        h[i] = t
        hs[i] = sq
    return top_t, top_s, last


@_compiled
def run_kernel(
    sp: FloatArray,
    rates: FloatArray,
    may: BoolArray,
    net: FloatArray,
    dest_state: IntArray,
    dest_cum: FloatArray,
    method_cum: FloatArray,
    method_index: IntArray,
    method_online: BoolArray,
    ret: FloatArray,
    ev: FloatArray,
    cell_template: IntArray,
    cell_main: IntArray,
    horizon: float,
    years: int,
    law: int,
    offsets: IntArray,
    t_rec: FloatArray,
    u: FloatArray,
    z_reqlat: FloatArray,
    coverage: FloatArray,
    jkey: np.uint64,
    outf: FloatArray,
    outi: IntArray,
    outb: BoolArray,
    justice: IntArray,
    lazy: bool,
    vkey: np.uint64,
) -> int:
    """One replication: derive the victims, then run the event loop to the horizon."""
    n = t_rec.shape[0]
    n_templates = net.shape[0]
    n_cells = cell_template.shape[0]
    n_states = sp.shape[0]
    n_kinds = rates.shape[1]
    arrived, t_end, det_at, ident_at, prot_at, lost_at, exit_at = (
        outf[0], outf[1], outf[2], outf[3], outf[4], outf[5], outf[6],
    )  # fmt: skip
    state, cell, method, channel, exit_code = outi[0], outi[1], outi[2], outi[3], outi[4]
    female, child, unacc, asylum, prevented, retraf, coop, exists, online = (
        outb[0], outb[1], outb[2], outb[3], outb[4], outb[5], outb[6], outb[7], outb[8],
    )  # fmt: skip
    t_det = np.full(n, np.inf)
    det_kind = np.full(n, -1, dtype=np.int64)
    template = np.empty(n, dtype=np.int64)
    # -- victims (pharos.sim.victims.draw_cohort, victim by victim) ---------------------------
    for j in range(n_templates):
        cells = int(net[j, 9])
        first = int(net[j, 10])
        etype = int(net[j, 11])
        sea = net[j, 12] > 0
        origin = int(net[j, 13])
        rdays, travel, xdays = net[j, 4], net[j, 5], net[j, 6]
        ndest = 0
        while ndest < dest_cum.shape[1] and np.isfinite(dest_cum[j, ndest]):
            ndest += 1
        nmeth = 0
        while nmeth < method_cum.shape[1] and np.isfinite(method_cum[j, nmeth]):
            nmeth += 1
        p_int = 0.0
        if origin >= 0 and sp[origin, 22] > 0:
            p_int = 1.0 - np.exp(-sp[origin, 22] * rdays)
        for g in range(offsets[j], offsets[j + 1]):
            template[g] = j
            exists[g] = True
            cell[g] = first + min(int(_uv(u, lazy, vkey, g, WIDTH - 1) * cells), cells - 1)
            x = _uv(u, lazy, vkey, g, 0) * dest_cum[j, ndest - 1]
            k = 0
            while k < ndest - 1 and dest_cum[j, k] < x:
                k += 1
            s = dest_state[j, k]
            state[g] = s
            female[g] = _uv(u, lazy, vkey, g, 1) < net[j, 0]
            child[g] = _uv(u, lazy, vkey, g, 2) < net[j, 1]
            unacc[g] = child[g] and _uv(u, lazy, vkey, g, 3) < net[j, 2]
            asylum[g] = sea and _uv(u, lazy, vkey, g, 4) < net[j, 3]
            x = _uv(u, lazy, vkey, g, 5) * method_cum[j, nmeth - 1]
            k = 0
            while k < nmeth - 1 and method_cum[j, k] < x:
                k += 1
            method[g] = method_index[j, k]
            online[g] = method_online[j, k]
            intercepted = p_int > 0 and online[g] and _uv(u, lazy, vkey, g, 6) < p_int
            ta = t_rec[g] + rdays + travel * (0.5 + _uv(u, lazy, vkey, g, 7))
            te = ta - xdays * np.log(_uv(u, lazy, vkey, g, 9))
            td = np.inf
            kd = -1
            for kind in range(n_kinds):
                r = rates[s, kind, etype]
                if r <= 0:
                    continue
                t = ta - np.log(_uv(u, lazy, vkey, g, 18 + kind)) / r
                if t < td:
                    td = t
                    kd = kind
            skind = int(sp[s, 23])
            if sea and skind >= 0:
                year = min(int(ta // 365.0), years - 1)
                if _uv(u, lazy, vkey, g, 8) < coverage[s, year] * sp[s, 24]:
                    td = ta
                    kd = skind
            if intercepted:
                td = np.inf
                kd = -1
                ta = np.inf
                te = t_rec[g] + rdays * _uv(u, lazy, vkey, g, 6) / p_int
            if td >= te:
                td = np.inf
                kd = -1
            prevented[g] = intercepted
            arrived[g], t_end[g], t_det[g], det_kind[g] = ta, te, td, kd
    # members of each cell, in recruitment order
    counts = np.zeros(n_cells + 1, dtype=np.int64)
    for g in range(n):
        counts[cell[g] + 1] += 1
    start = np.cumsum(counts)
    members = np.empty(n, dtype=np.int64)
    fill = start[:-1].copy()
    for g in range(n):
        members[fill[cell[g]]] = g
        fill[cell[g]] += 1
    member_t = t_rec[members]  # recruitment times of each cell's members, in order
    # -- the event loop -----------------------------------------------------------------------
    cap = 3 * n + 16 * n_cells + 1024
    h = np.empty(cap)
    hs = np.empty(cap, dtype=np.int64)
    pool = 5 * n + 64 * n_cells + 4096  # payloads by seq: more than a run ever schedules
    ek = np.empty(pool, dtype=np.int64)
    ea = np.empty(pool, dtype=np.int64)
    eb = np.empty(pool, dtype=np.int64)
    size = 0
    seq = 0
    status = np.zeros(n, dtype=np.int64)
    t_loss = np.full(n, np.inf)
    q_ident = np.empty((n_states, n + 1), dtype=np.int64)
    q_bed = np.empty((n_states, n + 1), dtype=np.int64)
    qcap = 4 * n_cells + 16  # a ring: cases waiting for an investigator in one state
    q_case = np.empty((n_states, qcap, 2), dtype=np.int64)
    qh = np.zeros((3, n_states), dtype=np.int64)
    qt = np.zeros((3, n_states), dtype=np.int64)
    officers_busy = np.zeros(n_states, dtype=np.int64)
    beds_used = np.zeros(n_states, dtype=np.int64)
    inv_busy = np.zeros(n_states, dtype=np.int64)
    gen = np.zeros(n_cells, dtype=np.int64)
    restart_at = np.zeros(n_cells)
    active = np.ones(n_cells, dtype=np.bool_)
    case_open = np.zeros(n_cells, dtype=np.bool_)
    evidence = np.zeros(n_cells, dtype=np.int64)
    financial = np.zeros(n_cells, dtype=np.bool_)
    reply = np.zeros(n_cells, dtype=np.int64)  # -1 none, 0 failed, 1 useful
    case_state = np.zeros(n_cells, dtype=np.int64)
    jcount = np.zeros(n_cells, dtype=np.int64)
    ccount = np.zeros(n_states, dtype=np.int64)
    # detections are known in advance: a sorted list merged with the heap of other events
    # (they were scheduled first, so they win ties, as in the engine)
    dsorted = _by_time(t_det, horizon)
    nd = dsorted.shape[0]
    seq = nd
    di = 0
    now = 0.0
    # proactive investigations, first draw per cell
    for c in range(n_cells):
        ms = cell_main[c]
        if sp[ms, 13] > 0:
            key = _mix(jkey ^ _mix(np.uint64(c * 4096 + gen[c])))
            t = now - np.log(_uniform(key, jcount[c])) / sp[ms, 13]
            jcount[c] += 1
            if t < horizon:
                seq += 1
                size = _push(h, hs, size, t, seq)
                ek[seq], ea[seq], eb[seq] = PROACTIVE, c, gen[c]
    events = 0
    pending_rescue = np.empty(n, dtype=np.int64)
    while size > 0 or di < nd:
        if seq + 8 >= pool:
            raise RuntimeError("pharos.sim.batch: event pool exhausted")
        if di < nd and (size == 0 or t_det[dsorted[di]] <= h[0]):
            a = dsorted[di]
            di += 1
            now = t_det[a]
            kind, b = DETECT, 0
        else:
            now, sq, size = _pop(h, hs, size)
            kind, a, b = ek[sq], ea[sq], eb[sq]
        events += 1
        n_rescue = 0
        if kind == DETECT:
            if exists[a] and status[a] == EXPLOITED and np.isnan(det_at[a]):
                pending_rescue[0] = a
                n_rescue = 1
                b = det_kind[a]
        elif kind == IDENT_QUEUED or kind == IDENT_DIRECT:  # noqa: SIM109 - numba
            s = state[a]
            if kind == IDENT_QUEUED:
                nxt = -1
                while qh[0, s] < qt[0, s]:
                    w = q_ident[s, qh[0, s]]
                    qh[0, s] += 1
                    if status[w] != AWAIT_IDENT:
                        continue
                    if t_loss[w] < now:
                        status[w] = LOST
                        lost_at[w] = t_loss[w]
                        retraf[w] = _uv(u, lazy, vkey, w, 14) < sp[s, 7]
                        continue
                    nxt = w
                    break
                if nxt < 0:
                    officers_busy[s] -= 1
                else:
                    status[nxt] = IN_IDENT
                    t = now - np.log(_uv(u, lazy, vkey, nxt, 10)) * sp[s, 1]
                    if t < horizon:
                        seq += 1
                        size = _push(h, hs, size, t, seq)
                        ek[seq], ea[seq], eb[seq] = IDENT_QUEUED, nxt, 0
            ident_at[a] = now
            admit = -1
            if beds_used[s] < sp[s, 3]:
                beds_used[s] += 1
                admit = a
            elif t_loss[a] <= now:
                status[a] = LOST
                lost_at[a] = t_loss[a]
                retraf[a] = _uv(u, lazy, vkey, a, 14) < sp[s, 7]
            else:
                status[a] = AWAIT_BED
                q_bed[s, qt[1, s]] = a
                qt[1, s] += 1
            if admit >= 0:
                status[a] = PROTECTED
                prot_at[a] = now
                t = now + sp[s, 4] - np.log(_uv(u, lazy, vkey, a, 12)) * sp[s, 5]
                if t < horizon:
                    seq += 1
                    size = _push(h, hs, size, t, seq)
                    ek[seq], ea[seq], eb[seq] = SHELTER_END, a, 0
                if _uv(u, lazy, vkey, a, 13) < sp[s, 8]:
                    coop[a] = True
                    t = now + sp[s, 4]
                    if t < horizon:
                        seq += 1
                        size = _push(h, hs, size, t, seq)
                        ek[seq], ea[seq], eb[seq] = COOPERATE, a, 0
        elif kind == SHELTER_END:
            s = state[a]
            nxt = -1
            while qh[1, s] < qt[1, s]:
                w = q_bed[s, qh[1, s]]
                qh[1, s] += 1
                if status[w] != AWAIT_BED:
                    continue
                if t_loss[w] < now:
                    status[w] = LOST
                    lost_at[w] = t_loss[w]
                    retraf[w] = _uv(u, lazy, vkey, w, 14) < sp[s, 7]
                    continue
                nxt = w
                break
            if nxt < 0:
                beds_used[s] -= 1
            else:
                status[nxt] = PROTECTED
                prot_at[nxt] = now
                t = now + sp[s, 4] - np.log(_uv(u, lazy, vkey, nxt, 12)) * sp[s, 5]
                if t < horizon:
                    seq += 1
                    size = _push(h, hs, size, t, seq)
                    ek[seq], ea[seq], eb[seq] = SHELTER_END, nxt, 0
                if _uv(u, lazy, vkey, nxt, 13) < sp[s, 8]:
                    coop[nxt] = True
                    t = now + sp[s, 4]
                    if t < horizon:
                        seq += 1
                        size = _push(h, hs, size, t, seq)
                        ek[seq], ea[seq], eb[seq] = COOPERATE, nxt, 0
            status[a] = EXITED
            exit_at[a] = now
            j = template[a]
            exit_code[a] = 2
            if int(net[j, 13]) != s and _uv(u, lazy, vkey, a, 15) < sp[s, 9] and ret[j, s, 0] > 0:
                z = z_reqlat[a] if not lazy else _lazy_normal(vkey, a)
                latency = ret[j, s, 1] * np.exp(ret[j, s, 2] * z)
                if _uv(u, lazy, vkey, a, 16) >= sp[s, 10]:
                    exit_code[a] = 1
                    exit_at[a] = now + latency
        elif kind == COOPERATE:
            c = cell[a]
            if active[c] and t_rec[a] >= restart_at[c]:
                evidence[c] += 1
                if not case_open[c]:
                    b = state[a]
                    kind = -1  # open a case below
                    a = c
        elif kind == NET_START:
            gen[a] = b
            active[a] = True
            restart_at[a] = now
            case_open[a] = False
            evidence[a] = 0
            jcount[a] = 0
            kind = -2  # schedule the next proactive investigation below
        elif kind == PROACTIVE:
            if b == gen[a] and active[a]:
                if not case_open[a]:
                    kind = -3  # open a case in the main state, then reschedule
                    b = cell_main[a]
                else:
                    kind = -2
        elif kind == VERDICT:
            key = _mix(jkey ^ _mix(np.uint64(1 << 40) + np.uint64(a)))
            convicted = 0
            for _p in range(b):
                if _uniform(key, ccount[a]) < sp[a, 21]:
                    convicted += 1
                ccount[a] += 1
            justice[a, 3] += convicted
        elif kind == INVEST_DONE:
            c = a
            s = case_state[c]
            nxt = -1
            while qh[2, s] < qt[2, s]:
                cand = q_case[s, qh[2, s] % qcap, 0]
                cg = q_case[s, qh[2, s] % qcap, 1]
                qh[2, s] += 1
                if gen[cand] == cg and active[cand]:
                    nxt = cand
                    break
            if nxt < 0:
                inv_busy[s] -= 1
            else:
                seq, size = _start_investigation(
                    nxt, now, seq, size, h, hs, ek, ea, eb, sp, net, ev, cell_template,
                    case_state, gen, jcount, jkey, financial, reply, justice, horizon,
                )  # fmt: skip
            if b == gen[c] and active[c]:
                key = _mix(jkey ^ _mix(np.uint64(c * 4096 + gen[c])))
                p = sp[s, 15] + sp[s, 16] * min(evidence[c], 5)
                if reply[c] == 1:
                    p += sp[s, 17]
                if financial[c]:
                    p += sp[s, 18]
                ok = _uniform(key, jcount[c]) < min(p, 0.95)
                jcount[c] += 1
                if not ok:
                    case_open[c] = False
                else:
                    j = cell_template[c]
                    lam = sp[s, 19] - 1.0
                    extra = 0
                    if lam > 0:  # Poisson by multiplication (Knuth): small means only
                        lim = np.exp(-lam)
                        prod = _uniform(key, jcount[c])
                        jcount[c] += 1
                        while prod > lim:
                            extra += 1
                            prod *= _uniform(key, jcount[c])
                            jcount[c] += 1
                    persons = min(int(net[j, 8]), 1 + extra)
                    justice[s, 2] += persons
                    justice[s, 4] += 1
                    t = now - np.log(_uniform(key, jcount[c])) * sp[s, 20]
                    jcount[c] += 1
                    if t < horizon:
                        seq += 1
                        size = _push(h, hs, size, t, seq)
                        ek[seq], ea[seq], eb[seq] = VERDICT, s, persons
                    replaced = now - np.log(_uniform(key, jcount[c])) * net[j, 7]
                    jcount[c] += 1
                    # disruption: rescue the group's victims, suppress recruits until replaced
                    active[c] = False
                    case_open[c] = False
                    # pharos.sim.engine._disrupt: members recruited since the group (re)started
                    # and up to now are rescued; those until its replacement never exist
                    mt = member_t[start[c] : start[c + 1]]
                    lo = start[c] + np.searchsorted(mt, restart_at[c], side="left")
                    mid = start[c] + np.searchsorted(mt, now, side="right")
                    hi_ = start[c] + np.searchsorted(mt, replaced, side="right")
                    for m in range(lo, mid):
                        g = members[m]
                        if (
                            exists[g] and status[g] == EXPLOITED and not prevented[g]
                            and np.isnan(det_at[g]) and t_end[g] > now
                        ):  # fmt: skip
                            pending_rescue[n_rescue] = g
                            n_rescue += 1
                    for m in range(mid, hi_):
                        exists[members[m]] = False
                    if replaced < horizon:
                        seq += 1
                        size = _push(h, hs, size, replaced, seq)
                        ek[seq], ea[seq], eb[seq] = NET_START, c, gen[c] + 1
                    b = law
        # opening a case (from COOPERATE or PROACTIVE)
        if kind == -1 or kind == -3:
            c = a
            s = b
            case_open[c] = True
            case_state[c] = s
            if inv_busy[s] < sp[s, 11]:
                inv_busy[s] += 1
                seq, size = _start_investigation(
                    c, now, seq, size, h, hs, ek, ea, eb, sp, net, ev, cell_template,
                    case_state, gen, jcount, jkey, financial, reply, justice, horizon,
                )  # fmt: skip
            else:
                if qt[2, s] - qh[2, s] >= qcap:
                    raise RuntimeError("pharos.sim.batch: case queue full")
                q_case[s, qt[2, s] % qcap, 0] = c
                q_case[s, qt[2, s] % qcap, 1] = gen[c]
                qt[2, s] += 1
        if kind == -2 or kind == -3:
            c = a
            ms = cell_main[c]
            if sp[ms, 13] > 0:
                key = _mix(jkey ^ _mix(np.uint64(c * 4096 + gen[c])))
                t = now - np.log(_uniform(key, jcount[c])) / sp[ms, 13]
                jcount[c] += 1
                if t < horizon:
                    seq += 1
                    size = _push(h, hs, size, t, seq)
                    ek[seq], ea[seq], eb[seq] = PROACTIVE, c, gen[c]
        # detection (by a channel, or rescue in an operation): pharos.sim.engine._detect
        for r in range(n_rescue):
            v = pending_rescue[r]
            k = b
            s = state[v]
            det_at[v] = now
            channel[v] = k if kind == DETECT else RESCUE
            if sp[s, 6] > 0:
                t_loss[v] = now - np.log(_uv(u, lazy, vkey, v, 11)) / sp[s, 6]
            if may[s, k]:
                status[v] = IN_IDENT
                t = now - np.log(_uv(u, lazy, vkey, v, 10)) * sp[s, 2]
                if t < horizon:
                    seq += 1
                    size = _push(h, hs, size, t, seq)
                    ek[seq], ea[seq], eb[seq] = IDENT_DIRECT, v, 0
            elif officers_busy[s] < sp[s, 0]:
                officers_busy[s] += 1
                status[v] = IN_IDENT
                t = now - np.log(_uv(u, lazy, vkey, v, 10)) * sp[s, 1]
                if t < horizon:
                    seq += 1
                    size = _push(h, hs, size, t, seq)
                    ek[seq], ea[seq], eb[seq] = IDENT_QUEUED, v, 0
            else:
                status[v] = AWAIT_IDENT
                q_ident[s, qt[0, s]] = v
                qt[0, s] += 1
    for g in range(n):
        if (status[g] == AWAIT_IDENT or status[g] == AWAIT_BED) and t_loss[g] < horizon:
            status[g] = LOST
            lost_at[g] = t_loss[g]
            retraf[g] = _uv(u, lazy, vkey, g, 14) < sp[state[g], 7]
    return events


@_compiled
def _start_investigation(
    c: int,
    now: float,
    seq: int,
    size: int,
    h: FloatArray,
    hs: IntArray,
    ek: IntArray,
    ea: IntArray,
    eb: IntArray,
    sp: FloatArray,
    net: FloatArray,
    ev: FloatArray,
    cell_template: IntArray,
    case_state: IntArray,
    gen: IntArray,
    jcount: IntArray,
    jkey: np.uint64,
    financial: BoolArray,
    reply: IntArray,
    justice: IntArray,
    horizon: float,
) -> tuple[int, int]:
    """pharos.sim.engine._start_investigation with the standard procedure's request."""
    s = case_state[c]
    j = cell_template[c]
    key = _mix(jkey ^ _mix(np.uint64(c * 4096 + gen[c])))
    duration = -np.log(_uniform(key, jcount[c])) * sp[s, 12]
    financial[c] = _uniform(key, jcount[c] + 1) < sp[s, 14]
    jcount[c] += 2
    reply[c] = -1
    justice[s, 0] += 1
    if financial[c]:
        justice[s, 1] += 1
    if int(net[j, 13]) != s and ev[j, s, 0] > 0:
        u1 = _uniform(key, jcount[c])
        u2 = _uniform(key, jcount[c] + 1)
        normal = np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)  # Box-Muller
        latency = ev[j, s, 1] * np.exp(ev[j, s, 2] * normal)
        reply[c] = 1 if _uniform(key, jcount[c] + 2) < ev[j, s, 3] else 0
        jcount[c] += 3
        duration = max(duration, latency)
    t = now + duration
    if t < horizon:
        seq += 1
        size = _push(h, hs, size, t, seq)
        ek[seq], ea[seq], eb[seq] = INVEST_DONE, c, gen[c]
    return seq, size


OUT_FLOAT = (
    "arrived_at", "exploitation_ends_at", "detected_at", "identified_at", "protected_at",
    "lost_at", "exit_at",
)  # fmt: skip
OUT_INT = ("state", "cell", "method", "channel", "exit_code")
OUT_BOOL = (
    "female", "child", "unaccompanied", "asylum_seeker", "prevented", "retrafficked",
    "cooperated", "exists", "online",
)  # fmt: skip
JUSTICE = ("investigation", "financial_investigation", "prosecuted", "convicted", "disrupted")


@dataclass(frozen=True)
class BatchResult:
    """Per-victim outcomes of one replication (arrays in template order) and justice counts by
    state (columns as :data:`JUSTICE`)."""

    victims: dict[str, npt.NDArray[Any]]
    justice: IntArray
    events: int


def run_inputs(cw: CompiledWorld, inputs: ReplicationInputs) -> BatchResult:
    """Run one replication of the compiled model on ``inputs``."""
    lazy = inputs.u is None
    if inputs.u is None or inputs.t_rec is None or inputs.counts is None:
        offsets, t_rec = _recruit(
            cw.recruits_per_year / 365.0, cw.horizon, np.uint64(inputs.victim_key)
        )
        u = np.zeros((1, WIDTH))
        z = np.zeros(1)
    else:
        offsets = np.concatenate([[0], np.cumsum(inputs.counts)]).astype(np.int64)
        t_rec, u = inputs.t_rec, inputs.u
        z = ndtri(np.clip(u[:, C_REQLAT], 1e-12, 1 - 1e-12)) if len(u) else np.zeros(0)
    n = len(t_rec)
    outf = np.full((len(OUT_FLOAT), n), np.nan)
    outi = np.full((len(OUT_INT), n), -1, dtype=np.int64)
    outi[OUT_INT.index("exit_code")] = 0
    outb = np.zeros((len(OUT_BOOL), n), dtype=np.bool_)
    justice = np.zeros((len(cw.world.states), len(JUSTICE)), dtype=np.int64)
    events = run_kernel(
        cw.state, cw.rates, cw.may_identify, cw.net, cw.dest_state, cw.dest_cum,
        cw.method_cum, cw.method_index, cw.method_online, cw.return_terms, cw.evidence_terms,
        cw.cell_template, cw.cell_main_state, cw.horizon, cw.years, KIND_INDEX[_LAW],
        offsets, t_rec, u, z, inputs.coverage, np.uint64(inputs.justice_key),
        outf, outi, outb, justice, lazy, np.uint64(inputs.victim_key),
    )  # fmt: skip
    victims: dict[str, npt.NDArray[Any]] = {"recruited_at": t_rec}
    victims.update({k: outf[i] for i, k in enumerate(OUT_FLOAT)})
    victims.update({k: outi[i] for i, k in enumerate(OUT_INT)})
    victims.update({k: outb[i] for i, k in enumerate(OUT_BOOL)})
    victims["template"] = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
    return BatchResult(victims, justice, int(events))


_LAW = PractitionerKind.LAW_ENFORCEMENT


def run_batch(cw: CompiledWorld, seed: int, replications: Sequence[int]) -> list[BatchResult]:
    """Run ``replications`` of the compiled scenario under ``seed`` (the fast path's streams)."""
    return [run_inputs(cw, draw_inputs(cw, seed, r)) for r in replications]
