"""Investigations, intelligence and evidence from abroad, charging, verdicts and disruption in
the compiled loop (the standard operating procedures of :mod:`pharos.sim.justice`). Random
numbers come from each cell's justice stream (:func:`pharos.sim.batch.rng.cell_key`), drawn in
order by its counter ``JCOUNT``."""

from __future__ import annotations

import numpy as np

from pharos.sim.batch.layout import (
    ACTIVE,
    AWAITING,
    CASE_NO,
    CASE_OPEN,
    CASE_STATE,
    DET_AT,
    EVIDENCE,
    EVIDENCE_IN,
    EXISTS,
    EXPLOITED,
    FINANCIAL,
    GEN,
    INVEST_DONE,
    JCOUNT,
    LEAD,
    LEAD_OK,
    N_MEMBERS,
    N_ORIGIN,
    N_REPLACE,
    NET_START,
    OPENED,
    P_CA_DAYS,
    P_CONVICT,
    P_EV_BASE,
    P_EV_CROSS,
    P_EV_FIN,
    P_EV_VICTIM,
    P_FIN,
    P_INV_DAYS,
    P_INVESTIGATORS,
    P_LEAD,
    P_PERSONS,
    P_PROACTIVE,
    P_PROS_DAYS,
    PREVENTED,
    PROACTIVE,
    R_EVIDENCE,
    R_INTELLIGENCE,
    REPLY,
    RESTART,
    RT_CA,
    RT_CODE,
    RT_DISP,
    RT_EXISTS,
    RT_MEDIAN,
    RT_SETUP,
    RT_SUCCESS,
    STATUS,
    T_END,
    U_CHARGE,
    W_CASE,
    WORK_DONE,
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
def send_request(
    c: int,
    r: int,
    now: float,
    sp: FloatArray,
    ev: FloatArray,
    cell_template: IntArray,
    ci: IntArray,
    key: np.uint64,
    ca_free: FloatArray,
    req: FloatArray,
) -> float:
    """Cell ``c``'s case sends its request ``r`` (intelligence or evidence) by the instrument of
    the standard procedure: returns the days to the reply (with the wait for the central
    authority), or -1 if no instrument exists; whether it was useful goes to LEAD or REPLY."""
    s = ci[CASE_STATE, c]
    t = ev[cell_template[c], s, r]
    if t[RT_EXISTS] == 0:
        return -1.0
    wait = 0.0
    if t[RT_CA] > 0:  # first come first served over the central authority's staff
        service = draw_exp(ci, key, c) * sp[s, P_CA_DAYS]
        k = 0
        for m in range(1, ca_free.shape[1]):
            if ca_free[s, m] < ca_free[s, k]:
                k = m
        done = max(now, ca_free[s, k]) + service
        ca_free[s, k] = done
        wait = done - now
    u1 = draw(ci, key, c)
    u2 = draw(ci, key, c)
    normal = np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)  # Box-Muller
    latency = wait + t[RT_SETUP] + t[RT_MEDIAN] * np.exp(t[RT_DISP] * normal)
    ok = 1 if draw(ci, key, c) < t[RT_SUCCESS] else 0
    code = int(t[RT_CODE])
    req[s, code, 0] += 1.0
    req[s, code, 1] += ok
    req[s, code, 2] += latency
    ci[LEAD_OK if r == R_INTELLIGENCE else REPLY, c] = ok
    return float(latency)


@inlined
def ask_evidence(
    qt: FloatArray,
    qi: IntArray,
    c: int,
    now: float,
    sp: FloatArray,
    ev: FloatArray,
    cell_template: IntArray,
    ci: IntArray,
    key: np.uint64,
    ca_free: FloatArray,
    req: FloatArray,
) -> bool:
    """The prosecutor's judicial request for cell ``c``'s case; the case waits for the reply.
    Returns False if no judicial instrument exists (nothing to wait for)."""
    latency = send_request(c, R_EVIDENCE, now, sp, ev, cell_template, ci, key, ca_free, req)
    if latency < 0:
        ci[AWAITING, c] = False
        return False
    schedule(qt, qi, now + latency, EVIDENCE_IN, c, ci[CASE_NO, c])
    return True


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
    justice: FloatArray,
    ca_free: FloatArray,
    req: FloatArray,
) -> None:
    """pharos.sim.justice._start_investigation with the standard procedure's requests: the
    police ask for intelligence; when the reply is in (LEAD), the prosecutor for evidence."""
    s = ci[CASE_STATE, c]
    j = cell_template[c]
    key = cell_key(jkey, c, ci[GEN, c])
    duration = draw_exp(ci, key, c) * sp[s, P_INV_DAYS]
    financial = draw(ci, key, c) < sp[s, P_FIN]
    ci[FINANCIAL, c] = financial
    ci[REPLY, c] = -1
    ci[LEAD_OK, c] = -1
    ci[AWAITING, c] = False
    ci[WORK_DONE, c] = False
    ci[CASE_NO, c] += 1
    justice[s, 0] += 1
    if financial:
        justice[s, 1] += 1
    if int(net[j, N_ORIGIN]) != s:
        ci[AWAITING, c] = True
        latency = send_request(c, R_INTELLIGENCE, now, sp, ev, cell_template, ci, key, ca_free, req)
        if latency < 0:
            ask_evidence(qt, qi, c, now, sp, ev, cell_template, ci, key, ca_free, req)
        else:
            if ci[LEAD_OK, c] == 1 and latency < duration:
                duration = latency + (duration - latency) * (1.0 - sp[s, P_LEAD])
            schedule(qt, qi, now + latency, LEAD, c, ci[CASE_NO, c])
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
    cf: FloatArray,
    jkey: np.uint64,
    justice: FloatArray,
    inv_busy: IntArray,
    q_case: IntArray,
    wh: IntArray,
    wt: IntArray,
    ca_free: FloatArray,
    req: FloatArray,
) -> None:
    """Open a case against cell ``c`` in state ``s``: investigate now if an investigator is
    free, else wait in the state's list of cases (a ring)."""
    ci[CASE_OPEN, c] = True
    ci[CASE_STATE, c] = s
    cf[OPENED, c] = now
    if inv_busy[s] < sp[s, P_INVESTIGATORS]:
        inv_busy[s] += 1
        start_investigation(
            qt, qi, c, now, sp, net, ev, cell_template, ci, jkey, justice, ca_free, req
        )  # fmt: skip
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
def readiness(c: int, s: int, sp: FloatArray, ci: IntArray, judicial: bool) -> float:
    """pharos.sim.justice._readiness: the probability that the admissible evidence suffices
    (a useful judicial reply counts with ``judicial``; police intelligence never)."""
    p = sp[s, P_EV_BASE] + sp[s, P_EV_VICTIM] * min(ci[EVIDENCE, c], 5)
    if judicial and ci[REPLY, c] == 1:
        p += sp[s, P_EV_CROSS]
    if ci[FINANCIAL, c]:
        p += sp[s, P_EV_FIN]
    return float(min(p, 0.95))


@inlined
def work_done(c: int, sp: FloatArray, ci: IntArray, cf: FloatArray, jkey: np.uint64) -> bool:
    """The investigators of cell ``c``'s case are done: whether the prosecutor decides now
    (else the case waits for the judicial reply, the evidence at hand not being enough)."""
    key = cell_key(jkey, c, ci[GEN, c])
    ci[WORK_DONE, c] = True
    cf[U_CHARGE, c] = draw(ci, key, c)
    return not (
        ci[AWAITING, c] and cf[U_CHARGE, c] >= readiness(c, ci[CASE_STATE, c], sp, ci, False)
    )


@inlined
def verdict(
    s: int, persons: int, sp: FloatArray, jkey: np.uint64, ccount: IntArray, justice: FloatArray
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
    cf: FloatArray,
    jkey: np.uint64,
    justice: FloatArray,
    ccount: IntArray,
    start: IntArray,
    members: IntArray,
    member_t: FloatArray,
    outf: FloatArray,
    outi: IntArray,
    outb: BoolArray,
    rescue: IntArray,
) -> int:
    """The prosecutor decides on cell ``c``'s case (the judicial reply counts once it is in):
    charge or close. On charges, the verdict (decided at once), disruption of the group (its
    victims go to ``rescue``; returns how many) and its replacement."""
    s = ci[CASE_STATE, c]
    key = cell_key(jkey, c, ci[GEN, c])
    if not cf[U_CHARGE, c] < readiness(c, s, sp, ci, not ci[AWAITING, c]):
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
    justice[s, 5] += now - cf[OPENED, c]
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
    lo = start[c] + np.searchsorted(mt, cf[RESTART, c], side="left")
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
