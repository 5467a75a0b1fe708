"""The two inner loops of the k-anonymity search, compiled with numba.

The search (``pharos.learn.anonymity.plan``) evaluates hundreds of generalisation plans on the
rows counted by distinct combination of the quasi-identifiers. For each plan it merges the
combinations that the plan makes equal (:func:`accumulate`: the rows and, per sensitive field,
the rows where it is present, summed by class) and counts what the plan loses (:func:`assess`:
the rows of classes under k, and per sensitive field the rows of the classes where it must be
suppressed). Both were NumPy passes over a (classes x fields) table, a dozen per plan; here each
is one pass. Integer arithmetic only: the results are exactly those of the NumPy formulation
(``tests/unit/learn/test_anonymity_reference.py`` compares the whole export with a plain-Python
computation).

Kept in a module of their own: numba's on-disk cache (``cache=True``) is keyed on the source
file, so an edit of the search does not recompile them.
"""

from __future__ import annotations

import numba
import numpy as np
from numpy.typing import NDArray


@numba.njit(cache=True, nogil=True)
def accumulate_into(
    inverse: NDArray[np.int64],
    n: NDArray[np.int64],
    flags: NDArray[np.integer],
    size: NDArray[np.int64],
    present: NDArray[np.integer],
) -> None:
    """Add each row's ``n`` and ``flags`` to its class's ``size`` and ``present``."""
    rows, s = flags.shape
    for r in range(rows):
        c = inverse[r]
        size[c] += n[r]
        for j in range(s):
            present[c, j] += flags[r, j]


def accumulate(
    inverse: NDArray[np.int64], classes: int, n: NDArray[np.int64], flags: NDArray[np.integer]
) -> tuple[NDArray[np.int64], NDArray[np.integer]]:
    """Rows and present flags summed by class (``inverse``: each input row's class); the sums
    of ``flags`` in its own integer type."""
    size = np.zeros(classes, dtype=np.int64)
    present = np.zeros((classes, flags.shape[1]), dtype=flags.dtype)
    accumulate_into(inverse, n, flags, size, present)
    return size, present


@numba.njit(cache=True, nogil=True)
def _bad(size: int, present: int, k: int) -> bool:
    absent = size - present
    return (0 < present < k) or (0 < absent < k)


@numba.njit(cache=True, nogil=True)
def assess(
    size: NDArray[np.int64], present: NDArray[np.integer], k: int
) -> tuple[int, int, NDArray[np.int64]]:
    """What a plan loses: (rows in classes under k, rows removed, per sensitive field the kept
    rows whose field is suppressed).

    The rows of the classes under k form one class of their own (every quasi-identifier
    suppressed) when they number k or more, and are removed otherwise. A sensitive field is
    suppressed in a kept class when the rows where it is present, or those where it is absent,
    number 1 to k - 1.
    """
    classes, s = present.shape
    suppressed = 0
    pooled = np.zeros(s, dtype=np.int64)
    sens = np.zeros(s, dtype=np.int64)
    for c in range(classes):
        n = size[c]
        if n < k:
            suppressed += n
            for j in range(s):
                pooled[j] += present[c, j]
        else:
            for j in range(s):
                if _bad(n, present[c, j], k):
                    sens[j] += n
    removed = 0
    if suppressed >= k:
        for j in range(s):
            if _bad(suppressed, pooled[j], k):
                sens[j] += suppressed
    else:
        removed = suppressed
    return suppressed, removed, sens


@numba.njit(cache=True, nogil=True)
def keys(
    codes: NDArray[np.int64], cards: NDArray[np.int64], column: int, step: NDArray[np.int64]
) -> NDArray[np.int64]:
    """Each row's codes as one number (mixed radix, ``cards`` the radices), the code of
    ``column`` (if not -1) first mapped through ``step`` (one level up its hierarchy)."""
    rows, q = codes.shape
    key = np.empty(rows, dtype=np.int64)
    for r in range(rows):
        v = 0
        for c in range(q):
            x = codes[r, c]
            if c == column:
                x = step[x]
            v = v * cards[c] + x
        key[r] = v
    return key


@numba.njit(cache=True, nogil=True)
def number_dense(key: NDArray[np.int64], space: int) -> tuple[NDArray[np.int64], int]:
    """Each row's class: the rank of its key among the distinct keys (keys below ``space``)."""
    slot = np.zeros(space, dtype=np.int64)
    for v in key:
        slot[v] = 1
    classes = 0
    for v in range(space):
        if slot[v]:
            slot[v] = classes
            classes += 1
    inverse = np.empty(key.size, dtype=np.int64)
    for r in range(key.size):
        inverse[r] = slot[key[r]]
    return inverse, classes


@numba.njit(cache=True, nogil=True)
def first_codes(
    codes: NDArray[np.int64],
    inverse: NDArray[np.int64],
    classes: int,
    column: int,
    step: NDArray[np.int64],
) -> NDArray[np.int64]:
    """Each class's codes (those of any of its rows: they are equal), ``column`` mapped through
    ``step`` as in :func:`keys`."""
    rows, q = codes.shape
    out = np.zeros((classes, q), dtype=np.int64)
    for r in range(rows):
        for c in range(q):
            x = codes[r, c]
            if c == column:
                x = step[x]
            out[inverse[r], c] = x
    return out
