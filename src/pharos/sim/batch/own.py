"""The victims of one replication on the fast path's own streams (compiled).

:func:`pharos.sim.batch.cohort.derive_victims` derives each victim from the engine's row of
uniforms and follows the engine step by step, so that a run on the engine's draws gives the
engine's outcomes bit for bit. On its own counter-based streams the fast path need only draw
from the same distributions, and :func:`derive_own` does so with few branches: a victim's
draws do not depend on one another's values, so every column is drawn whether it is needed or
not (a draw costs less than a mispredicted branch), categories are counted rather than searched
for, and the outcomes are selected at the end. The first recognised contact is one exponential
clock at the summed rate of the channels and a channel chosen in proportion to its rate (the
first of independent exponential clocks rings after an exponential time at the summed rate,
and it is clock k with probability r_k / sum r, independently of when); exponentials come from
the ziggurat. ``tests/unit/analysis/test_batch.py`` checks the outcomes against the engine's
in distribution.
"""

from __future__ import annotations

import numpy as np

from pharos.sim.batch.cohort import blank_record, template_terms, year_of
from pharos.sim.batch.layout import (
    ARRIVED,
    ASYLUM,
    CELL,
    CHILD,
    DET_KIND,
    FEMALE,
    METHOD,
    ONLINE,
    P_SCREEN_KIND,
    P_SCREEN_SKILL,
    PREVENTED,
    STATE,
    T_DET,
    T_END,
    UNACC,
)  # fmt: skip
from pharos.sim.batch.rng import (
    BoolArray,
    FloatArray,
    IntArray,
    bare,
    standard_exponential,
    uniform,
)  # fmt: skip
from pharos.sim.victims import (
    C_ASYLUM,
    C_CELL,
    C_CHILD,
    C_DEST,
    C_DET0,
    C_GENDER,
    C_LEAVE,
    C_METHOD,
    C_ONLINE,
    C_SCREEN,
    C_TRAVEL,
    C_UNACC,
    WIDTH,
)  # fmt: skip


@bare
def derive_own(
    sp: FloatArray,
    contact_total: FloatArray,
    contact_kind: IntArray,
    contact_cum: FloatArray,
    contact_n: IntArray,
    net: FloatArray,
    dest_state: IntArray,
    dest_cum: FloatArray,
    method_cum: FloatArray,
    method_index: IntArray,
    method_online: BoolArray,
    years: int,
    offsets: IntArray,
    t_rec: FloatArray,
    vkey: np.uint64,
    coverage: FloatArray,
    outf: FloatArray,
    outi: IntArray,
    outb: BoolArray,
) -> None:
    """Each victim's profile, destination, arrival, end of exploitation and first recognised
    contact, on the stream ``vkey``; every field of the records is written (the event loop's
    fields with their initial values), as :func:`pharos.sim.batch.cohort.derive_victims`."""
    for j in range(net.shape[0]):
        cells, first, etype, sea, rdays, travel, xdays, ndest, nmeth, p_int = template_terms(
            sp, net, dest_cum, method_cum, j
        )
        dtotal, mtotal = dest_cum[j, ndest - 1], method_cum[j, nmeth - 1]
        for g in range(offsets[j], offsets[j + 1]):
            base = g * WIDTH
            # categories by counting the cumulative weights below the draw (no search)
            x = uniform(vkey, base + C_DEST) * dtotal
            k = 0
            for m in range(ndest - 1):
                k += dest_cum[j, m] < x
            s = dest_state[j, k]
            x = uniform(vkey, base + C_METHOD) * mtotal
            km = 0
            for m in range(nmeth - 1):
                km += method_cum[j, m] < x
            online = method_online[j, km]
            child = uniform(vkey, base + C_CHILD) < net[j, 1]
            u_online = uniform(vkey, base + C_ONLINE)
            intercepted = online and u_online < p_int
            ta = t_rec[g] + rdays + travel * (0.5 + uniform(vkey, base + C_TRAVEL))
            te = ta + xdays * standard_exponential(vkey, base + C_LEAVE)
            # screening at disembarkation, else the first contact by any channel
            skind = int(sp[s, P_SCREEN_KIND])
            cover = coverage[s, min(year_of(ta), years - 1)] * sp[s, P_SCREEN_SKILL]
            screened = sea and skind >= 0 and uniform(vkey, base + C_SCREEN) < cover
            total = contact_total[s, etype]
            tc = ta + standard_exponential(vkey, base + C_DET0) / total  # inf if no channel
            y = uniform(vkey, base + C_DET0 + 1) * total
            k = 0
            for m in range(contact_n[s, etype] - 1):
                k += contact_cum[s, etype, m] < y
            td = ta if screened else tc
            kd = skind if screened else contact_kind[s, etype, k]
            if intercepted:  # never arrives: exploited (online) until intercepted
                ta = np.inf
                te = t_rec[g] + rdays * u_online / p_int
            if intercepted or td >= te:
                td = np.inf
                kd = -1
            blank_record(outf, outi, outb, g, j)
            outf[g, ARRIVED] = ta
            outf[g, T_END] = te
            outf[g, T_DET] = td
            outi[g, STATE] = s
            outi[g, CELL] = first + min(int(uniform(vkey, base + C_CELL) * cells), cells - 1)
            outi[g, METHOD] = method_index[j, km]
            outi[g, DET_KIND] = kd
            outb[g, FEMALE] = uniform(vkey, base + C_GENDER) < net[j, 0]
            outb[g, CHILD] = child
            outb[g, UNACC] = child and uniform(vkey, base + C_UNACC) < net[j, 2]
            outb[g, ASYLUM] = sea and uniform(vkey, base + C_ASYLUM) < net[j, 3]
            outb[g, PREVENTED] = intercepted
            outb[g, ONLINE] = online
