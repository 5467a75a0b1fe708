"""The event queue of the compiled loop: a calendar of time buckets and a small binary heap.

Events are ordered by (time, sequence number), the sequence number being the order in which they
were scheduled (as in the engine). A single binary heap over all pending events (about 2,000 in
the ten-year baseline, mostly ends of shelter stays months ahead) cost about 400 cycles a pop.
Here an event goes to the bucket of its time (an eighth of a day wide); only the events of the
current bucket are in the heap (a handful), the others wait in singly linked lists. Since the
buckets partition time, popping the heap's top gives exactly the order of one heap over all:
the results are identical, bit for bit.

The queue is two flat arrays (arrays in tuples or records would cost numba reference counting
at every call): ``qt`` holds (1 / bucket width, horizon) then each event slot's time; ``qi``
holds the scalar state (``Q_*``), then each slot's (seq, kind, a, b, next), the heap of slots
of the current bucket and the first slot of each bucket's list. Slots are recycled, so the
memory touched is that of the events pending at once, not of all a run schedules.
"""

from __future__ import annotations

import numpy as np

from pharos.sim.batch.rng import FloatArray, IntArray, compiled, inlined

# scalars at the start of qi: free slot list, slots used so far, heap size, current bucket,
# last sequence number, capacity, offsets of the heap and of the bucket heads
Q_FREE, Q_TOP, Q_SIZE, Q_BUCKET, Q_SEQ, Q_CAP, Q_HEAP, Q_HEADS = range(8)
Q_SLOTS = 8  # offset of the slots in qi
E_SEQ, E_KIND, E_A, E_B, E_NEXT = range(5)
E_WIDTH = 5
T_SLOTS = 2  # offset of the slots' times in qt
BUCKETS_PER_DAY = 8.0  # 4 and 16 measured slower on the ten-year baseline
MAX_BUCKETS = 1 << 22


@compiled
def new_queue(cap: int, horizon: float, per_day: float) -> tuple[FloatArray, IntArray]:
    """An empty queue for at most ``cap`` events pending at once, with ``per_day`` buckets a day
    (0: one bucket, i.e. a single heap over all events)."""
    inv_w = min(per_day, MAX_BUCKETS / max(horizon, 1.0))
    nb = int(horizon * inv_w) + 2
    heap = Q_SLOTS + E_WIDTH * cap
    heads = heap + cap
    qi = np.empty(heads + nb, dtype=np.int64)
    qi[:Q_SLOTS] = (-1, 0, 0, -1, 0, cap, heap, heads)
    qi[heads:] = -1
    qt = np.empty(T_SLOTS + cap)
    qt[0] = inv_w
    qt[1] = horizon
    return qt, qi


@inlined
def _before(qt: FloatArray, qi: IntArray, x: int, y: int) -> bool:
    """Whether slot ``x`` comes before slot ``y``: by time, then sequence. Computed without
    short-circuit (``&``, ``|``): no branch to mispredict on a comparison of random times."""
    tx, ty = qt[T_SLOTS + x], qt[T_SLOTS + y]
    sx, sy = qi[Q_SLOTS + E_WIDTH * x], qi[Q_SLOTS + E_WIDTH * y]
    return bool((tx < ty) | ((tx == ty) & (sx < sy)))


@inlined
def _heap_push(qt: FloatArray, qi: IntArray, slot: int) -> None:
    hp = qi[Q_HEAP]
    i = qi[Q_SIZE]
    while i > 0:
        p = (i - 1) >> 1
        if _before(qt, qi, qi[hp + p], slot):
            break
        qi[hp + i] = qi[hp + p]
        i = p
    qi[hp + i] = slot
    qi[Q_SIZE] += 1


@inlined
def schedule(qt: FloatArray, qi: IntArray, t: float, kind: int, a: int, b: int) -> None:
    """Schedule event ``kind`` with payload (a, b) at ``t``, unless ``t`` is at the horizon or
    beyond."""
    if not t < qt[1]:
        return
    slot = qi[Q_FREE]
    if slot >= 0:
        qi[Q_FREE] = qi[Q_SLOTS + E_WIDTH * slot + E_NEXT]
    else:
        slot = qi[Q_TOP]
        if slot >= qi[Q_CAP]:
            raise RuntimeError("pharos.sim.batch: event queue full")
        qi[Q_TOP] += 1
    qi[Q_SEQ] += 1
    e = Q_SLOTS + E_WIDTH * slot
    qt[T_SLOTS + slot] = t
    qi[e + E_SEQ] = qi[Q_SEQ]
    qi[e + E_KIND] = kind
    qi[e + E_A] = a
    qi[e + E_B] = b
    bucket = int(t * qt[0])
    if bucket <= qi[Q_BUCKET]:
        _heap_push(qt, qi, slot)
    else:
        qi[e + E_NEXT] = qi[qi[Q_HEADS] + bucket]
        qi[qi[Q_HEADS] + bucket] = slot


@inlined
def peek(qt: FloatArray, qi: IntArray) -> float:
    """The time of the earliest pending event (inf if none)."""
    heads = qi[Q_HEADS]
    last_bucket = qi.shape[0] - heads - 1
    while qi[Q_SIZE] == 0 and qi[Q_BUCKET] < last_bucket:
        qi[Q_BUCKET] += 1
        slot = qi[heads + qi[Q_BUCKET]]
        while slot >= 0:
            nxt = qi[Q_SLOTS + E_WIDTH * slot + E_NEXT]
            _heap_push(qt, qi, slot)
            slot = nxt
    return qt[T_SLOTS + qi[qi[Q_HEAP]]] if qi[Q_SIZE] > 0 else np.inf


@inlined
def pop(qt: FloatArray, qi: IntArray) -> tuple[float, int, int, int]:
    """Take the earliest event off the queue (after :func:`peek` found one): its time, kind and
    payload."""
    hp = qi[Q_HEAP]
    top = qi[hp]
    last = qi[Q_SIZE] - 1
    x = qi[hp + last]
    i = 0
    while True:
        c = 2 * i + 1
        if c >= last:
            break
        if c + 1 < last:
            c += int(_before(qt, qi, qi[hp + c + 1], qi[hp + c]))
        if _before(qt, qi, x, qi[hp + c]):
            break
        qi[hp + i] = qi[hp + c]
        i = c
    if last > 0:
        qi[hp + i] = x
    qi[Q_SIZE] = last
    e = Q_SLOTS + E_WIDTH * top
    qi[e + E_NEXT] = qi[Q_FREE]
    qi[Q_FREE] = top
    return qt[T_SLOTS + top], qi[e + E_KIND], qi[e + E_A], qi[e + E_B]


@compiled
def by_time(t: FloatArray, horizon: float) -> tuple[IntArray, FloatArray]:
    """Indices with ``t < horizon`` sorted by (t, index), and their times in that order: a
    counting sort into quarter-day buckets, then insertion sort within each bucket (one or two
    entries each) on the copied times: linear time, stable. ``t`` may be a strided column of
    the victims' records: it is read once, in order."""
    n = t.shape[0]
    nb = int(horizon * 4.0) + 1
    count = np.zeros(nb + 1, dtype=np.int64)
    bucket = np.empty(n, dtype=np.int64)
    for g in range(n):
        x = t[g]
        if x < horizon:
            b = int(x * 4.0)
            bucket[g] = b
            count[b + 1] += 1
        else:
            bucket[g] = -1
    start = np.cumsum(count)
    out = np.empty(start[nb], dtype=np.int64)
    times = np.empty(start[nb])
    fill = start[:nb].copy()
    for g in range(n):
        b = bucket[g]
        if b >= 0:
            out[fill[b]] = g
            times[fill[b]] = t[g]
            fill[b] += 1
    for b in range(nb):
        for i in range(start[b] + 1, start[b + 1]):
            x = times[i]
            xi = out[i]
            j = i - 1
            while j >= start[b] and times[j] > x:
                out[j + 1] = out[j]
                times[j + 1] = times[j]
                j -= 1
            out[j + 1] = xi
            times[j + 1] = x
    return out, times
