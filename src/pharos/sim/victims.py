"""Recruitment, movement, exploitation and detection of one network's victims (vectorised).

At the start of a run, all victims a network template will recruit before the horizon are
drawn at once from its own streams: recruitment times (a Poisson process at
``recruits_per_year``), the cell (independent group) that recruits each victim, the profile
(gender, age, unaccompanied, asylum seeker, recruitment method), interception by online
monitoring in the origin state, travel along the route, screening at
disembarkation (coverage = screening capacity / that year's arrivals), and the time of the
first recognised contact by each detection channel in the state of exploitation (competing
exponential clocks, one per agency kind and victim, rate = contacts per year x skill). Each
victim owns one row of uniforms, so an intervention in one state changes nothing for victims in
another state. A disruption of a cell suppresses the victims it would have recruited until it is
replaced: they never exist; the victims recruited after the replacement belong to the new group.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.special import ndtri

from pharos.scenario.schema import Network, Scenario
from pharos.sim.streams import Streams
from pharos.sim.world import KINDS, METHODS, ONLINE_METHODS, TYPE_INDEX, World

# Columns of a victim's row of uniforms. Append new columns at the end only.
C_DEST, C_GENDER, C_CHILD, C_UNACC, C_ASYLUM, C_METHOD, C_ONLINE, C_TRAVEL = range(8)
C_SCREEN, C_LEAVE, C_SERVICE, C_LOSS, C_STAY, C_COOP, C_RETRAF, C_RETURN = range(8, 16)
C_RISK, C_REQLAT = 16, 17
C_DET0 = 18
C_CELL = C_DET0 + len(KINDS)
WIDTH = C_CELL + 1

#: Channel code for a victim rescued when its network was disrupted.
RESCUE = -2
NOT_DETECTED = -1


@dataclass
class Cohort:
    """The victims of one network template over the run (arrays indexed by victim)."""

    net: int
    n: int
    cell: np.ndarray
    members: list[np.ndarray]
    u: np.ndarray
    state: np.ndarray
    female: np.ndarray
    child: np.ndarray
    unaccompanied: np.ndarray
    asylum: np.ndarray
    method: np.ndarray
    intercepted: np.ndarray
    t_rec: np.ndarray
    t_arr: np.ndarray
    t_end: np.ndarray
    t_det: np.ndarray
    det_kind: np.ndarray
    # dynamic, per victim (Python lists: cheap scalar access in handlers)
    detected_at: list[float] = field(default_factory=list)
    channel: list[int] = field(default_factory=list)
    ident_at: list[float] = field(default_factory=list)
    protect_at: list[float] = field(default_factory=list)
    lost_at: list[float] = field(default_factory=list)
    retrafficked: list[bool] = field(default_factory=list)
    cooperated: list[bool] = field(default_factory=list)
    exit_code: list[int] = field(default_factory=list)  # 0 none, 1 returned, 2 included
    exit_at: list[float] = field(default_factory=list)
    t_loss: list[float] = field(default_factory=list)
    status: list[int] = field(default_factory=list)
    exists: list[bool] = field(default_factory=list)
    cells: list[int] = field(default_factory=list)
    origin: str = ""
    det_kinds: list[int] = field(default_factory=list)
    t_ends: list[float] = field(default_factory=list)  # t_end as a list
    intercepted_list: list[bool] = field(default_factory=list)  # intercepted as a list
    # per-victim draws used by the event handlers, as lists
    states: list[int] = field(default_factory=list)
    e_loss: list[float] = field(default_factory=list)  # Exp(1)
    e_service: list[float] = field(default_factory=list)  # Exp(1)
    e_stay: list[float] = field(default_factory=list)  # Exp(1)
    u_coop: list[float] = field(default_factory=list)
    u_retraf: list[float] = field(default_factory=list)
    u_return: list[float] = field(default_factory=list)
    u_risk: list[float] = field(default_factory=list)
    z_reqlat: list[float] = field(default_factory=list)  # standard normal


class FlowModel:
    """Arrivals per route and year, and the resulting screening coverage per state and year."""

    def __init__(self, scenario: Scenario, world: World, streams: Streams) -> None:
        years = int(np.ceil(scenario.horizon_days / 365.0)) + 1
        self.years = years
        self.by_route: dict[str, np.ndarray] = {}
        by_state = np.zeros((len(world.state_codes), years))
        for name, flow in scenario.routes.items():
            rng = streams.get(f"flows/{name}")
            cv = flow.year_to_year_cv
            if cv > 0:
                sigma = np.sqrt(np.log1p(cv * cv))
                factor = rng.lognormal(-0.5 * sigma * sigma, sigma, size=years)
            else:
                factor = np.ones(years)
            arrivals = flow.arrivals_per_year * factor
            self.by_route[name] = arrivals
            for code, share in flow.destinations.items():
                if code in world.state_index:
                    by_state[world.state_index[code]] += arrivals * share
        self.by_state = by_state
        cov = np.ones_like(by_state)
        for st in world.states:
            row = by_state[st.index]
            with np.errstate(divide="ignore", invalid="ignore"):
                c = np.where(row > 0, st.screening_capacity / row, 1.0)
            cov[st.index] = np.minimum(1.0, c) if st.screening_kind is not None else 0.0
        self.coverage = cov


def draw_cohort(
    world: World,
    flows: FlowModel,
    streams: Streams,
    net_index: int,
    net: Network,
    first_cell: int,
) -> Cohort:
    """All victims network template ``net`` would recruit over the run, with their cells."""
    horizon = world.horizon
    rng = streams.get(f"recruitment/{net.id}")
    n = int(rng.poisson(net.recruits_per_year * horizon / 365.0))
    t_rec = np.sort(rng.random(n)) * horizon
    u = streams.uniforms(f"victims/{net.id}", n, WIDTH)
    cell = first_cell + np.minimum((u[:, C_CELL] * net.cells).astype(np.int64), net.cells - 1)
    members = [np.flatnonzero(cell == first_cell + k) for k in range(net.cells)]

    dest_codes = [c for c in net.destinations if c in world.state_index]
    shares = np.cumsum([net.destinations[c] for c in dest_codes])
    pick = np.minimum(np.searchsorted(shares, u[:, C_DEST] * shares[-1]), len(dest_codes) - 1)
    state_of = np.array([world.state_index[c] for c in dest_codes])
    state = state_of[pick] if n else np.zeros(0, dtype=int)

    female = u[:, C_GENDER] < net.female_share
    child = u[:, C_CHILD] < net.child_share
    unacc = child & (u[:, C_UNACC] < net.unaccompanied_share)
    route = world.scenario.routes.get(net.route) if net.route else None
    sea = bool(route is not None and route.sea)
    asylum = (u[:, C_ASYLUM] < net.asylum_seeker_share) if sea else np.zeros(n, dtype=bool)

    methods = list(net.recruitment)
    mshares = np.cumsum([net.recruitment[m] for m in methods])
    mpick = np.minimum(np.searchsorted(mshares, u[:, C_METHOD] * mshares[-1]), len(methods) - 1)
    method_idx = np.array([METHODS.index(m) for m in methods])[mpick]
    online = np.isin(mpick, [i for i, m in enumerate(methods) if m in ONLINE_METHODS])

    intercepted = np.zeros(n, dtype=bool)
    t_intercept = np.full(n, np.inf)
    origin_index = world.state_index.get(net.origin)
    if origin_index is not None:
        rate = world.states[origin_index].online_rate
        if rate > 0:
            p = 1.0 - np.exp(-rate * net.recruitment_days)
            intercepted = online & (u[:, C_ONLINE] < p)
            t_intercept = t_rec + net.recruitment_days * u[:, C_ONLINE] / p

    travel_days = route.travel_days if route is not None else net.travel_days
    t_arr = t_rec + net.recruitment_days + travel_days * (0.5 + u[:, C_TRAVEL])
    t_end = t_arr - net.exploitation_days * np.log(u[:, C_LEAVE])

    t_det = np.full(n, np.inf)
    det_kind = np.full(n, NOT_DETECTED, dtype=np.int64)
    etype = TYPE_INDEX[net.exploitation]
    for s in np.unique(state):
        st = world.states[int(s)]
        mask = state == s
        for k, per_type in st.rates.items():
            r = per_type[etype]
            if r <= 0:
                continue
            t = t_arr[mask] - np.log(u[mask, C_DET0 + k]) / r
            better = t < t_det[mask]
            idx = np.flatnonzero(mask)[better]
            t_det[idx] = t[better]
            det_kind[idx] = k
        if sea and st.screening_kind is not None:
            year = np.minimum((t_arr[mask] // 365.0).astype(int), flows.years - 1)
            p = flows.coverage[st.index, year] * st.screening_skill
            screened = u[mask, C_SCREEN] < p
            idx = np.flatnonzero(mask)[screened]
            t_det[idx] = t_arr[idx]
            det_kind[idx] = st.screening_kind
    # intercepted victims never travel: they are "prevented" at the interception time
    t_det[intercepted] = np.inf
    det_kind[intercepted] = NOT_DETECTED
    t_arr = np.where(intercepted, np.inf, t_arr)
    t_end = np.where(intercepted, t_intercept, t_end)
    missed = t_det >= t_end
    t_det[missed] = np.inf
    det_kind[missed] = NOT_DETECTED

    nan = float("nan")
    return Cohort(
        net=net_index,
        n=n,
        cell=cell,
        members=members,
        u=u,
        state=state,
        female=female,
        child=child,
        unaccompanied=unacc,
        asylum=asylum,
        method=method_idx,
        intercepted=intercepted,
        t_rec=t_rec,
        t_arr=t_arr,
        t_end=t_end,
        t_det=t_det,
        det_kind=det_kind,
        detected_at=[nan] * n,
        channel=[NOT_DETECTED] * n,
        ident_at=[nan] * n,
        protect_at=[nan] * n,
        lost_at=[nan] * n,
        retrafficked=[False] * n,
        cooperated=[False] * n,
        exit_code=[0] * n,
        exit_at=[nan] * n,
        t_loss=[float("inf")] * n,
        status=[0] * n,
        exists=[True] * n,
        cells=cell.tolist(),
        origin=net.origin,
        det_kinds=det_kind.tolist(),
        t_ends=t_end.tolist(),
        intercepted_list=intercepted.tolist(),
        states=state.tolist(),
        e_loss=(-np.log(u[:, C_LOSS])).tolist(),
        e_service=(-np.log(u[:, C_SERVICE])).tolist(),
        e_stay=(-np.log(u[:, C_STAY])).tolist(),
        u_coop=u[:, C_COOP].tolist(),
        u_retraf=u[:, C_RETRAF].tolist(),
        u_return=u[:, C_RETURN].tolist(),
        u_risk=u[:, C_RISK].tolist(),
        z_reqlat=ndtri(np.clip(u[:, C_REQLAT], 1e-12, 1 - 1e-12)).tolist(),
    )
