"""Investigations, charging, verdicts and disruption in the compiled loop (the standard
operating procedures of :mod:`pharos.sim.engine`). Random numbers come from each cell's justice
stream (:func:`pharos.sim.batch.rng.cell_key`), drawn in order by its counter ``JCOUNT``."""

from __future__ import annotations

import numpy as np

from pharos.sim.batch.layout import (
    ACTIVE,
    CASE_OPEN,
    CASE_STATE,
    DET_AT,
    EVIDENCE,
    EXISTS,
    EXPLOITED,
    FINANCIAL,
    GEN,
    INVEST_DONE,
    JCOUNT,
    N_MEMBERS,
    N_ORIGIN,
    N_REPLACE,
    NET_START,
    P_CONVICT,
    P_EV_BASE,
    P_EV_CROSS,
    P_EV_FIN,
    P_EV_VICTIM,
    P_FIN,
    P_INV_DAYS,
    P_INVESTIGATORS,
    P_PERSONS,
    P_PROACTIVE,
    P_PROS_DAYS,
    PREVENTED,
    PROACTIVE,
    REPLY,
    STATUS,
    T_END,
    W_CASE,
)  # fmt: skip
from pharos.sim.batch.mem import prefetch
from pharos.sim.batch.queue import schedule
from pharos.sim.batch.rng import (
    BoolArray,
    FloatArray,
    IntArray,
    cell_key,
    inlined,
    mix,
    standard_exponential,
    uniform,
)  # fmt: skip

MEMBERS_AHEAD = 8  # members of a disrupted group whose records are prefetched


@inlined
def draw(ci: IntArray, key: np.uint64, c: int) -> float:
    """The next uniform of cell ``c``'s justice stream."""
    x = uniform(key, ci[JCOUNT, c])
    ci[JCOUNT, c] += 1
    return x


@inlined
def draw_exp(ci: IntArray, key: np.uint64, c: int) -> float:
    """The next standard exponential of cell ``c``'s justice stream (the ziggurat)."""
    x = standard_exponential(key, ci[JCOUNT, c])
    ci[JCOUNT, c] += 1
    return x


@inlined
def start_investigation(
    qt: FloatArray,
    qi: IntArray,
    c: int,
    now: float,
    sp: FloatArray,
    net: FloatArray,
    ev: FloatArray,
    cell_template: IntArray,
    ci: IntArray,
    jkey: np.uint64,
    justice: IntArray,
) -> None:
    """pharos.sim.engine._start_investigation with the standard procedure's request."""
    s = ci[CASE_STATE, c]
    j = cell_template[c]
    key = cell_key(jkey, c, ci[GEN, c])
    duration = draw_exp(ci, key, c) * sp[s, P_INV_DAYS]
    financial = draw(ci, key, c) < sp[s, P_FIN]
    ci[FINANCIAL, c] = financial
    ci[REPLY, c] = -1
    justice[s, 0] += 1
    if financial:
        justice[s, 1] += 1
    if int(net[j, N_ORIGIN]) != s and ev[j, s, 0] > 0:
        u1 = draw(ci, key, c)
        u2 = draw(ci, key, c)
        normal = np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)  # Box-Muller
        latency = ev[j, s, 1] * np.exp(ev[j, s, 2] * normal)
        ci[REPLY, c] = 1 if draw(ci, key, c) < ev[j, s, 3] else 0
        duration = max(duration, latency)
    schedule(qt, qi, now + duration, INVEST_DONE, c, ci[GEN, c])


@inlined
def open_case(
    qt: FloatArray,
    qi: IntArray,
    c: int,
    s: int,
    now: float,
    sp: FloatArray,
    net: FloatArray,
    ev: FloatArray,
    cell_template: IntArray,
    ci: IntArray,
    jkey: np.uint64,
    justice: IntArray,
    inv_busy: IntArray,
    q_case: IntArray,
    wh: IntArray,
    wt: IntArray,
) -> None:
    """Open a case against cell ``c`` in state ``s``: investigate now if an investigator is
    free, else wait in the state's list of cases (a ring)."""
    ci[CASE_OPEN, c] = True
    ci[CASE_STATE, c] = s
    if inv_busy[s] < sp[s, P_INVESTIGATORS]:
        inv_busy[s] += 1
        start_investigation(qt, qi, c, now, sp, net, ev, cell_template, ci, jkey, justice)
    else:
        qcap = q_case.shape[1]
        if wt[W_CASE, s] - wh[W_CASE, s] >= qcap:
            raise RuntimeError("pharos.sim.batch: case queue full")
        q_case[s, wt[W_CASE, s] % qcap, 0] = c
        q_case[s, wt[W_CASE, s] % qcap, 1] = ci[GEN, c]
        wt[W_CASE, s] += 1


@inlined
def next_proactive(
    qt: FloatArray,
    qi: IntArray,
    c: int,
    now: float,
    sp: FloatArray,
    ms: int,
    ci: IntArray,
    jkey: np.uint64,
) -> None:
    """Schedule cell ``c``'s next proactive investigation (main state ``ms``)."""
    if sp[ms, P_PROACTIVE] > 0:
        key = cell_key(jkey, c, ci[GEN, c])
        t = now + draw_exp(ci, key, c) / sp[ms, P_PROACTIVE]
        schedule(qt, qi, t, PROACTIVE, c, ci[GEN, c])


@inlined
def next_case(q_case: IntArray, wh: IntArray, wt: IntArray, s: int, ci: IntArray) -> int:
    """The next waiting case in state ``s`` whose group still operates (-1 if none)."""
    qcap = q_case.shape[1]
    while wh[W_CASE, s] < wt[W_CASE, s]:
        cand = q_case[s, wh[W_CASE, s] % qcap, 0]
        cg = q_case[s, wh[W_CASE, s] % qcap, 1]
        wh[W_CASE, s] += 1
        if ci[GEN, cand] == cg and ci[ACTIVE, cand]:
            return int(cand)
    return -1


@inlined
def verdict(
    s: int, persons: int, sp: FloatArray, jkey: np.uint64, ccount: IntArray, justice: IntArray
) -> None:
    """The verdict on ``persons`` charged in state ``s``."""
    key = mix(jkey ^ mix(np.uint64(1 << 40) + np.uint64(s)))
    convicted = 0
    for _p in range(persons):
        if uniform(key, ccount[s]) < sp[s, P_CONVICT]:
            convicted += 1
        ccount[s] += 1
    justice[s, 3] += convicted


@inlined
def conclude(
    qt: FloatArray,
    qi: IntArray,
    c: int,
    now: float,
    sp: FloatArray,
    net: FloatArray,
    cell_template: IntArray,
    ci: IntArray,
    restart_at: FloatArray,
    jkey: np.uint64,
    justice: IntArray,
    ccount: IntArray,
    start: IntArray,
    members: IntArray,
    member_t: FloatArray,
    outf: FloatArray,
    outi: IntArray,
    outb: BoolArray,
    rescue: IntArray,
) -> int:
    """The end of the investigation of cell ``c``: charge or close. On charges, the verdict
    (decided at once), disruption of the group (its victims go to ``rescue``; returns how many)
    and its replacement."""
    s = ci[CASE_STATE, c]
    key = cell_key(jkey, c, ci[GEN, c])
    p = sp[s, P_EV_BASE] + sp[s, P_EV_VICTIM] * min(ci[EVIDENCE, c], 5)
    if ci[REPLY, c] == 1:
        p += sp[s, P_EV_CROSS]
    if ci[FINANCIAL, c]:
        p += sp[s, P_EV_FIN]
    if not draw(ci, key, c) < min(p, 0.95):
        ci[CASE_OPEN, c] = False
        return 0
    j = cell_template[c]
    lam = sp[s, P_PERSONS] - 1.0
    extra = 0
    if lam > 0:  # Poisson by multiplication (Knuth): small means only
        lim = np.exp(-lam)
        prod = draw(ci, key, c)
        while prod > lim:
            extra += 1
            prod *= draw(ci, key, c)
    persons = min(int(net[j, N_MEMBERS]), 1 + extra)
    justice[s, 2] += persons
    justice[s, 4] += 1
    # the verdict, if before the horizon: it changes no other event, so it is decided now (the
    # conviction draws of a state are taken in the order of charging instead of verdicts: the
    # same distribution) and spares the queue an event
    if now + draw_exp(ci, key, c) * sp[s, P_PROS_DAYS] < qt[1]:
        verdict(s, persons, sp, jkey, ccount, justice)
    replaced = now + draw_exp(ci, key, c) * net[j, N_REPLACE]
    # disruption: rescue the group's victims, suppress recruits until replaced
    ci[ACTIVE, c] = False
    ci[CASE_OPEN, c] = False
    # pharos.sim.engine._disrupt: members recruited since the group (re)started and up to now
    # are rescued; those until its replacement never exist
    mt = member_t[start[c] : start[c + 1]]
    lo = start[c] + np.searchsorted(mt, restart_at[c], side="left")
    mid = start[c] + np.searchsorted(mt, now, side="right")
    hi = start[c] + np.searchsorted(mt, replaced, side="right")
    n_rescue = 0
    for m in range(lo, mid):
        if m + MEMBERS_AHEAD < mid:  # the records of a member some iterations later
            f = members[m + MEMBERS_AHEAD]
            prefetch(outb, f, EXISTS)
            prefetch(outi, f, STATUS)
            prefetch(outf, f, T_END)
        g = members[m]
        if (
            outb[g, EXISTS] and outi[g, STATUS] == EXPLOITED and not outb[g, PREVENTED]
            and np.isnan(outf[g, DET_AT]) and outf[g, T_END] > now
        ):  # fmt: skip
            rescue[n_rescue] = g
            n_rescue += 1
    for m in range(mid, hi):
        outb[members[m], EXISTS] = False
    schedule(qt, qi, replaced, NET_START, c, ci[GEN, c] + 1)
    return n_rescue
