"""The compiled event loop of one replication (the engine's event kinds and statuses).

One loop runs identification by the competent body (finite officers, FIFO), referral to shelter
(finite beds, FIFO waiting list), loss while waiting, protection and exit with return after a
risk assessment, the victim's cooperation, and the justice process (:mod:`.justice`). The
detections, known in advance, are a sorted list merged with the queue of the other events
(:mod:`.queue`); they were scheduled first, so they win ties, as in the engine.
"""

from __future__ import annotations

import numpy as np

from pharos.sim.batch.justice import (
    ask_evidence,
    conclude,
    next_case,
    next_proactive,
    open_case,
    start_investigation,
    work_done,
)  # fmt: skip
from pharos.sim.batch.layout import (
    ACTIVE,
    AWAIT_BED,
    AWAIT_IDENT,
    AWAITING,
    CASE_NO,
    CASE_OPEN,
    CASE_STATE,
    CELL,
    CHANNEL,
    COOP,
    COOPERATE,
    DET_AT,
    DET_KIND,
    DETECT,
    EVIDENCE,
    EVIDENCE_IN,
    EXISTS,
    EXIT_AT,
    EXIT_CODE,
    EXITED,
    EXPLOITED,
    GEN,
    IDENT_AT,
    IDENT_DIRECT,
    IDENT_QUEUED,
    IN_IDENT,
    INVEST_DONE,
    JCOUNT,
    LEAD,
    LOST,
    LOST_AT,
    N_CELL_FLOATS,
    N_CELL_ROWS,
    N_ORIGIN,
    NET_START,
    P_BEDS,
    P_CA_STAFF,
    P_COOP,
    P_DIRECT,
    P_IDENT,
    P_LOSS,
    P_OFFICERS,
    P_REFLECT,
    P_RETRAF,
    P_RETURN,
    P_RISK,
    P_STAY,
    PROACTIVE,
    PROT_AT,
    PROTECTED,
    RESCUE,
    RESTART,
    RETRAF,
    SHELTER_END,
    STATE,
    STATUS,
    T_DET,
    T_LOSS,
    TEMPLATE,
    W_BED,
    W_IDENT,
    WORK_DONE,
)  # fmt: skip
from pharos.sim.batch.mem import prefetch
from pharos.sim.batch.queue import by_time, new_queue, peek, pop, schedule
from pharos.sim.batch.rng import (
    BoolArray,
    FloatArray,
    IntArray,
    bare,
    cell_key,
    compiled,
    inlined,
    lazy_normal,
    ue,
    uv,
)  # fmt: skip
from pharos.sim.victims import C_COOP, C_LOSS, C_RETRAF, C_RETURN, C_RISK, C_SERVICE, C_STAY

LOOKAHEAD = 24  # detections ahead whose records are prefetched


@inlined
def _lose(
    outf: FloatArray,
    outi: IntArray,
    outb: BoolArray,
    u: FloatArray,
    lazy: bool,
    vkey: np.uint64,
    w: int,
    sp: FloatArray,
) -> None:
    """Victim ``w``, waiting, is lost to follow-up (at the time its loss clock rang)."""
    outi[w, STATUS] = LOST
    outf[w, LOST_AT] = outf[w, T_LOSS]
    outb[w, RETRAF] = uv(u, lazy, vkey, w, C_RETRAF) < sp[outi[w, STATE], P_RETRAF]


@inlined
def _loss_clock(
    outf: FloatArray, u: FloatArray, lazy: bool, vkey: np.uint64, g: int, s: int, sp: FloatArray
) -> None:
    """The time at which victim ``g`` (detected, in state ``s``) is lost to follow-up if still
    waiting (``T_LOSS``, inf if never). Only a victim that waits needs it: it is worked out when
    the victim starts to wait, from its detection time and its own uniform, the same value bit
    for bit as at detection, without a logarithm for the victims who never wait."""
    if sp[s, P_LOSS] > 0:
        outf[g, T_LOSS] = outf[g, DET_AT] + ue(u, lazy, vkey, g, C_LOSS) / sp[s, P_LOSS]


@inlined
def _next_waiting(
    outf: FloatArray,
    outi: IntArray,
    outb: BoolArray,
    u: FloatArray,
    lazy: bool,
    vkey: np.uint64,
    q_wait: IntArray,
    wh: IntArray,
    wt: IntArray,
    k: int,
    s: int,
    want: int,
    now: float,
    sp: FloatArray,
) -> int:
    """The next victim of waiting list ``k`` of state ``s`` still waiting (status ``want``);
    those whose loss clock rang meanwhile are lost. -1 if none."""
    while wh[k, s] < wt[k, s]:
        w = q_wait[k, s, wh[k, s]]
        wh[k, s] += 1
        if outi[w, STATUS] != want:
            continue
        if outf[w, T_LOSS] < now:
            _lose(outf, outi, outb, u, lazy, vkey, w, sp)
            continue
        return int(w)
    return -1


@inlined
def _protect(
    qt: FloatArray,
    qi: IntArray,
    outf: FloatArray,
    outi: IntArray,
    outb: BoolArray,
    u: FloatArray,
    lazy: bool,
    vkey: np.uint64,
    a: int,
    s: int,
    now: float,
    sp: FloatArray,
) -> None:
    """Victim ``a`` gets a shelter bed: its stay, and its decision to cooperate."""
    outi[a, STATUS] = PROTECTED
    outf[a, PROT_AT] = now
    t = now + sp[s, P_REFLECT] + ue(u, lazy, vkey, a, C_STAY) * sp[s, P_STAY]
    schedule(qt, qi, t, SHELTER_END, a, 0)
    if uv(u, lazy, vkey, a, C_COOP) < sp[s, P_COOP]:
        outb[a, COOP] = True
        schedule(qt, qi, now + sp[s, P_REFLECT], COOPERATE, a, 0)


@inlined
def _detect(
    qt: FloatArray,
    qi: IntArray,
    outf: FloatArray,
    outi: IntArray,
    u: FloatArray,
    lazy: bool,
    vkey: np.uint64,
    g: int,
    k: int,
    rescued: bool,
    now: float,
    sp: FloatArray,
    may: BoolArray,
    officers_busy: IntArray,
    q_wait: IntArray,
    wt: IntArray,
) -> None:
    """pharos.sim.engine._detect: victim ``g`` detected by channel ``k`` (or rescued)."""
    s = outi[g, STATE]
    outf[g, DET_AT] = now
    outi[g, CHANNEL] = RESCUE if rescued else k
    if may[s, k]:
        outi[g, STATUS] = IN_IDENT
        t = now + ue(u, lazy, vkey, g, C_SERVICE) * sp[s, P_DIRECT]
        schedule(qt, qi, t, IDENT_DIRECT, g, 0)
    elif officers_busy[s] < sp[s, P_OFFICERS]:
        officers_busy[s] += 1
        outi[g, STATUS] = IN_IDENT
        t = now + ue(u, lazy, vkey, g, C_SERVICE) * sp[s, P_IDENT]
        schedule(qt, qi, t, IDENT_QUEUED, g, 0)
    else:
        _loss_clock(outf, u, lazy, vkey, g, s, sp)
        outi[g, STATUS] = AWAIT_IDENT
        q_wait[W_IDENT, s, wt[W_IDENT, s]] = g
        wt[W_IDENT, s] += 1


@compiled
def run_kernel(
    sp: FloatArray,
    may: BoolArray,
    net: FloatArray,
    ret: FloatArray,
    ev: FloatArray,
    cell_template: IntArray,
    cell_main: IntArray,
    horizon: float,
    law: int,
    t_rec: FloatArray,
    u: FloatArray,
    z_reqlat: FloatArray,
    jkey: np.uint64,
    outf: FloatArray,
    outi: IntArray,
    outb: BoolArray,
    justice: FloatArray,
    req: FloatArray,
    lazy: bool,
    vkey: np.uint64,
    per_day: float,
) -> int:
    """Run the event loop of one replication to the horizon (victims derived by
    :func:`pharos.sim.batch.cohort.derive_victims`); returns the number of events."""
    n = t_rec.shape[0]
    n_cells = cell_template.shape[0]
    n_states = sp.shape[0]
    cell, t_det = outi[:, CELL], outf[:, T_DET]
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
    qt, qi = new_queue(3 * n + 16 * n_cells + 1024, horizon, per_day)
    q_wait = np.empty((2, n_states, n + 1), dtype=np.int64)  # identification, bed: FIFO
    q_case = np.empty((n_states, 4 * n_cells + 16, 2), dtype=np.int64)  # cases: a ring
    wh = np.zeros((3, n_states), dtype=np.int64)  # heads and tails of the waiting lists
    wt = np.zeros((3, n_states), dtype=np.int64)
    officers_busy = np.zeros(n_states, dtype=np.int64)
    beds_used = np.zeros(n_states, dtype=np.int64)
    inv_busy = np.zeros(n_states, dtype=np.int64)
    ci = np.zeros((N_CELL_ROWS, n_cells), dtype=np.int64)
    ci[ACTIVE] = 1
    cf = np.zeros((N_CELL_FLOATS, n_cells))
    # each central authority's staff: the day each is next free (never, beyond the state's staff)
    ca_free = np.full((n_states, max(1, int(sp[:, P_CA_STAFF].max()) if n_states else 1)), np.inf)
    for s in range(n_states):
        ca_free[s, : int(sp[s, P_CA_STAFF])] = 0.0
    ccount = np.zeros(n_states, dtype=np.int64)
    rescue = np.empty(n, dtype=np.int64)
    dsorted, dtime = by_time(t_det, horizon)  # dtime: read in sequence, not from the records
    for c in range(n_cells):  # proactive investigations, first draw per cell
        next_proactive(qt, qi, c, 0.0, sp, cell_main[c], ci, jkey)
    return _loop(
        sp, may, net, ret, ev, cell_template, cell_main, horizon, law, t_rec, u, z_reqlat, jkey,
        outf, outi, outb, justice, req, lazy, vkey, start, members, member_t, qt, qi, q_wait,
        q_case, wh, wt, officers_busy, beds_used, inv_busy, ci, cf, ca_free, ccount, rescue,
        dsorted, dtime,
    )  # fmt: skip


@bare
def _loop(
    sp: FloatArray,
    may: BoolArray,
    net: FloatArray,
    ret: FloatArray,
    ev: FloatArray,
    cell_template: IntArray,
    cell_main: IntArray,
    horizon: float,
    law: int,
    t_rec: FloatArray,
    u: FloatArray,
    z_reqlat: FloatArray,
    jkey: np.uint64,
    outf: FloatArray,
    outi: IntArray,
    outb: BoolArray,
    justice: FloatArray,
    req: FloatArray,
    lazy: bool,
    vkey: np.uint64,
    start: IntArray,
    members: IntArray,
    member_t: FloatArray,
    qt: FloatArray,
    qi: IntArray,
    q_wait: IntArray,
    q_case: IntArray,
    wh: IntArray,
    wt: IntArray,
    officers_busy: IntArray,
    beds_used: IntArray,
    inv_busy: IntArray,
    ci: IntArray,
    cf: FloatArray,
    ca_free: FloatArray,
    ccount: IntArray,
    rescue: IntArray,
    dsorted: IntArray,
    dtime: FloatArray,
) -> int:
    """The event loop (it allocates nothing: compiled without reference counting)."""
    status, state, cell, t_loss = outi[:, STATUS], outi[:, STATE], outi[:, CELL], outf[:, T_LOSS]
    n = t_rec.shape[0]
    nd = dsorted.shape[0]
    di = 0
    events = 0
    while True:
        t_next = peek(qt, qi)
        if di < nd and dtime[di] <= t_next:
            a = dsorted[di]
            now = dtime[di]
            if di + LOOKAHEAD < nd:  # the records of a victim detected some events later
                f = dsorted[di + LOOKAHEAD]
                prefetch(outf, f, DET_AT)
                prefetch(outf, f, T_LOSS)
                prefetch(outi, f, STATE)
                prefetch(outi, f, DET_KIND)
                prefetch(outb, f, EXISTS)
            di += 1
            kind, b = DETECT, 0
        elif t_next < np.inf:
            now, kind, a, b = pop(qt, qi)
        else:
            break
        events += 1
        n_rescue = 0
        if kind == DETECT:
            if outb[a, EXISTS] and status[a] == EXPLOITED and np.isnan(outf[a, DET_AT]):
                rescue[0] = a
                n_rescue = 1
                b = outi[a, DET_KIND]
        elif kind == IDENT_QUEUED or kind == IDENT_DIRECT:  # noqa: SIM109 - numba
            s = state[a]
            if kind == IDENT_QUEUED:
                nxt = _next_waiting(
                    outf, outi, outb, u, lazy, vkey, q_wait, wh, wt, W_IDENT, s, AWAIT_IDENT,
                    now, sp,
                )  # fmt: skip
                if nxt < 0:
                    officers_busy[s] -= 1
                else:
                    status[nxt] = IN_IDENT
                    t = now + ue(u, lazy, vkey, nxt, C_SERVICE) * sp[s, P_IDENT]
                    schedule(qt, qi, t, IDENT_QUEUED, nxt, 0)
            outf[a, IDENT_AT] = now
            if beds_used[s] < sp[s, P_BEDS]:
                beds_used[s] += 1
                _protect(qt, qi, outf, outi, outb, u, lazy, vkey, a, s, now, sp)
            else:
                _loss_clock(outf, u, lazy, vkey, a, s, sp)
                if t_loss[a] <= now:
                    _lose(outf, outi, outb, u, lazy, vkey, a, sp)
                else:
                    status[a] = AWAIT_BED
                    q_wait[W_BED, s, wt[W_BED, s]] = a
                    wt[W_BED, s] += 1
        elif kind == SHELTER_END:
            s = state[a]
            nxt = _next_waiting(
                outf, outi, outb, u, lazy, vkey, q_wait, wh, wt, W_BED, s, AWAIT_BED, now, sp
            )  # fmt: skip
            if nxt < 0:
                beds_used[s] -= 1
            else:
                _protect(qt, qi, outf, outi, outb, u, lazy, vkey, nxt, s, now, sp)
            status[a] = EXITED
            outf[a, EXIT_AT] = now
            j = outi[a, TEMPLATE]
            outi[a, EXIT_CODE] = 2
            if (
                int(net[j, N_ORIGIN]) != s and uv(u, lazy, vkey, a, C_RETURN) < sp[s, P_RETURN]
                and ret[j, s, 0] > 0 and uv(u, lazy, vkey, a, C_RISK) >= sp[s, P_RISK]
            ):  # fmt: skip
                # returned after the risk assessment's reply (its latency drawn only then)
                z = z_reqlat[a] if not lazy else lazy_normal(vkey, a)
                outi[a, EXIT_CODE] = 1
                outf[a, EXIT_AT] = now + ret[j, s, 1] * np.exp(ret[j, s, 2] * z)
        elif kind == COOPERATE:
            c = cell[a]
            if ci[ACTIVE, c] and t_rec[a] >= cf[RESTART, c]:
                ci[EVIDENCE, c] += 1
                if not ci[CASE_OPEN, c]:
                    open_case(
                        qt, qi, c, state[a], now, sp, net, ev, cell_template, ci, cf, jkey,
                        justice, inv_busy, q_case, wh, wt, ca_free, req,
                    )  # fmt: skip
        elif kind == NET_START:
            ci[GEN, a] = b
            ci[ACTIVE, a] = True
            cf[RESTART, a] = now
            ci[CASE_OPEN, a] = False
            ci[EVIDENCE, a] = 0
            ci[JCOUNT, a] = 0
            next_proactive(qt, qi, a, now, sp, cell_main[a], ci, jkey)
        elif kind == PROACTIVE:
            if b == ci[GEN, a] and ci[ACTIVE, a]:
                if not ci[CASE_OPEN, a]:
                    open_case(
                        qt, qi, a, cell_main[a], now, sp, net, ev, cell_template, ci, cf, jkey,
                        justice, inv_busy, q_case, wh, wt, ca_free, req,
                    )  # fmt: skip
                next_proactive(qt, qi, a, now, sp, cell_main[a], ci, jkey)
        elif kind == INVEST_DONE:
            s = ci[CASE_STATE, a]
            nxt = next_case(q_case, wh, wt, s, ci)
            if nxt < 0:
                inv_busy[s] -= 1
            else:
                start_investigation(
                    qt, qi, nxt, now, sp, net, ev, cell_template, ci, jkey, justice, ca_free, req
                )  # fmt: skip
            if b == ci[GEN, a] and ci[ACTIVE, a] and work_done(a, sp, ci, cf, jkey):
                n_rescue = conclude(
                    qt, qi, a, now, sp, net, cell_template, ci, cf, jkey, justice, ccount,
                    start, members, member_t, outf, outi, outb, rescue,
                )  # fmt: skip
            b = law
        elif kind == LEAD or kind == EVIDENCE_IN:  # noqa: SIM109 - numba
            if b == ci[CASE_NO, a] and ci[ACTIVE, a] and ci[AWAITING, a]:
                decide = False
                if kind == LEAD:  # the police reply is in: the prosecutor asks for evidence
                    key = cell_key(jkey, a, ci[GEN, a])
                    asked = ask_evidence(
                        qt, qi, a, now, sp, ev, cell_template, ci, key, ca_free, req
                    )  # fmt: skip
                    decide = not asked and ci[WORK_DONE, a]
                else:  # the judicial reply is in
                    ci[AWAITING, a] = False
                    decide = ci[WORK_DONE, a]
                if decide:
                    n_rescue = conclude(
                        qt, qi, a, now, sp, net, cell_template, ci, cf, jkey, justice, ccount,
                        start, members, member_t, outf, outi, outb, rescue,
                    )  # fmt: skip
            b = law
        for r in range(n_rescue):
            _detect(
                qt, qi, outf, outi, u, lazy, vkey, rescue[r], b, kind != DETECT, now,
                sp, may, officers_busy, q_wait, wt,
            )  # fmt: skip
    for g in range(n):
        if (status[g] == AWAIT_IDENT or status[g] == AWAIT_BED) and t_loss[g] < horizon:
            _lose(outf, outi, outb, u, lazy, vkey, g, sp)
    return events
