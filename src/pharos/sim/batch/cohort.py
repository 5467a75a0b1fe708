"""The victims of one replication, derived from the engine's rows of uniforms exactly as
:func:`pharos.sim.victims.draw_cohort` does (compiled). On the fast path's own streams,
:func:`pharos.sim.batch.own.derive_own` draws the same distributions more cheaply."""

from __future__ import annotations

import numpy as np

from pharos.sim.batch.layout import (
    ARRIVED,
    ASYLUM,
    CELL,
    CHANNEL,
    CHILD,
    COOP,
    DET_AT,
    DET_KIND,
    EXISTS,
    EXIT_AT,
    EXIT_CODE,
    EXPLOITED,
    FEMALE,
    METHOD,
    N_CELLS,
    N_EXPLOIT_DAYS,
    N_FIRST_CELL,
    N_ORIGIN,
    N_RECRUIT_DAYS,
    N_SEA,
    N_TRAVEL,
    N_TYPE,
    ONLINE,
    P_ONLINE,
    P_SCREEN_KIND,
    P_SCREEN_SKILL,
    PREVENTED,
    RETRAF,
    STATE,
    STATUS,
    T_DET,
    T_END,
    T_LOSS,
    TEMPLATE,
    UNACC,
)  # fmt: skip
from pharos.sim.batch.rng import (
    BoolArray,
    FloatArray,
    IntArray,
    bare,
    inlined,
)  # fmt: skip
from pharos.sim.victims import C_DET0, C_LEAVE, C_SCREEN, C_TRAVEL, WIDTH


@inlined
def year_of(t: float) -> int:
    """``int(t // 365.0)`` for a time ``t >= 0``, without the call to fmod that numba's float
    floor division makes: both give the floor of the exact quotient (should the quotient be
    rounded up to a whole number of years, the exact product ``year * 365.0`` sets it back)."""
    year = int(t / 365.0)
    if year * 365.0 > t:
        year -= 1
    return year


@inlined
def template_terms(
    sp: FloatArray, net: FloatArray, dest_cum: FloatArray, method_cum: FloatArray, j: int
) -> tuple[int, int, int, bool, float, float, float, int, int, float]:
    """The terms of network template ``j`` its victims are drawn from: its cells, its first
    cell, its type of exploitation, whether it travels by sea, its recruitment, travel and
    exploitation days, its numbers of destinations and of recruitment methods, and the chance
    that online monitoring in its state of origin intercepts an online recruit."""
    rdays = net[j, N_RECRUIT_DAYS]
    ndest = 0
    while ndest < dest_cum.shape[1] and np.isfinite(dest_cum[j, ndest]):
        ndest += 1
    nmeth = 0
    while nmeth < method_cum.shape[1] and np.isfinite(method_cum[j, nmeth]):
        nmeth += 1
    origin = int(net[j, N_ORIGIN])
    p_int = 0.0
    if origin >= 0 and sp[origin, P_ONLINE] > 0:
        p_int = 1.0 - np.exp(-sp[origin, P_ONLINE] * rdays)
    return (
        int(net[j, N_CELLS]), int(net[j, N_FIRST_CELL]), int(net[j, N_TYPE]), net[j, N_SEA] > 0,
        rdays, net[j, N_TRAVEL], net[j, N_EXPLOIT_DAYS], ndest, nmeth, p_int,
    )  # fmt: skip


@inlined
def blank_record(outf: FloatArray, outi: IntArray, outb: BoolArray, g: int, j: int) -> None:
    """The fields of victim ``g``'s record (of template ``j``) that the event loop starts from:
    exploited, not yet detected, identified, protected, lost or gone."""
    outi[g, TEMPLATE] = j
    outb[g, EXISTS] = True
    for col in range(DET_AT, EXIT_AT + 1):
        outf[g, col] = np.nan
    outf[g, T_LOSS] = np.inf
    outi[g, CHANNEL] = -1
    outi[g, EXIT_CODE] = 0
    outi[g, STATUS] = EXPLOITED
    outb[g, RETRAF] = False
    outb[g, COOP] = False


@inlined
def _first_contact(
    rates: FloatArray, ta: float, te: float, u: FloatArray, g: int
) -> tuple[float, int]:
    """The first recognised contact by any channel (competing exponential clocks from ``ta``),
    as (time, channel); only a contact before ``te`` matters. Since -log(x) >= 1 - x, a clock
    is certain to ring after the best so far when ``ta + (1 - x) / rate`` is beyond it (with a
    margin far above rounding): its logarithm is then not needed. The result is the same."""
    td = np.inf
    kd = -1
    for kind in range(rates.shape[0]):
        r = rates[kind]
        if r <= 0:
            continue
        x = u[g, C_DET0 + kind]
        bound = min(td, te)
        lower = ta + (1.0 - x) / r
        if lower > bound + 1e-9 * (abs(ta) + (1.0 - x) / r + 1.0):
            continue
        t = ta - np.log(x) / r
        if t < td:
            td = t
            kd = kind
    return td, kd


@bare
def derive_victims(
    sp: FloatArray,
    rates: FloatArray,
    net: FloatArray,
    dest_state: IntArray,
    dest_cum: FloatArray,
    method_cum: FloatArray,
    method_index: IntArray,
    method_online: BoolArray,
    years: int,
    offsets: IntArray,
    t_rec: FloatArray,
    u: FloatArray,
    coverage: FloatArray,
    outf: FloatArray,
    outi: IntArray,
    outb: BoolArray,
) -> None:
    """Each victim's profile, destination, arrival, end of exploitation and first recognised
    contact (competing detection clocks per channel, screening at disembarkation). Every field
    of the records ``outf``, ``outi`` and ``outb`` is written (the event loop's fields with
    their initial values)."""
    arrived, t_end, t_det = outf[:, ARRIVED], outf[:, T_END], outf[:, T_DET]
    state, cell, method, det_kind = (
        outi[:, STATE], outi[:, CELL], outi[:, METHOD], outi[:, DET_KIND],
    )  # fmt: skip
    for j in range(net.shape[0]):
        cells, first, etype, sea, rdays, travel, xdays, ndest, nmeth, p_int = template_terms(
            sp, net, dest_cum, method_cum, j
        )
        for g in range(offsets[j], offsets[j + 1]):
            blank_record(outf, outi, outb, g, j)
            cell[g] = first + min(int(u[g, WIDTH - 1] * cells), cells - 1)
            x = u[g, 0] * dest_cum[j, ndest - 1]
            k = 0
            while k < ndest - 1 and dest_cum[j, k] < x:
                k += 1
            s = dest_state[j, k]
            state[g] = s
            outb[g, FEMALE] = u[g, 1] < net[j, 0]
            child = u[g, 2] < net[j, 1]
            outb[g, CHILD] = child
            outb[g, UNACC] = child and u[g, 3] < net[j, 2]
            outb[g, ASYLUM] = sea and u[g, 4] < net[j, 3]
            x = u[g, 5] * method_cum[j, nmeth - 1]
            k = 0
            while k < nmeth - 1 and method_cum[j, k] < x:
                k += 1
            method[g] = method_index[j, k]
            online = method_online[j, k]
            outb[g, ONLINE] = online
            intercepted = p_int > 0 and online and u[g, 6] < p_int
            ta = t_rec[g] + rdays + travel * (0.5 + u[g, C_TRAVEL])
            td = np.inf
            kd = -1
            if intercepted:  # never arrives: no detection at destination
                ta = np.inf
                te = t_rec[g] + rdays * u[g, 6] / p_int
            else:
                te = ta + xdays * (-np.log(u[g, C_LEAVE]))
                skind = int(sp[s, P_SCREEN_KIND])
                if sea and skind >= 0:
                    year = min(year_of(ta), years - 1)
                    cover = coverage[s, year] * sp[s, P_SCREEN_SKILL]
                    if u[g, C_SCREEN] < cover:
                        td = ta  # recognised at disembarkation: no other clock matters
                        kd = skind
                if kd < 0:
                    td, kd = _first_contact(rates[s, :, etype], ta, te, u, g)
            if td >= te:
                td = np.inf
                kd = -1
            outb[g, PREVENTED] = intercepted
            arrived[g], t_end[g], t_det[g], det_kind[g] = ta, te, td, kd
