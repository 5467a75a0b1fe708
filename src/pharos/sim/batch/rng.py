"""Compiled building blocks of the fast path: the decorator and the counter-based streams.

The fast path draws its own random numbers from SplitMix64 (Steele, Lea & Flood 2014) keyed by
a counter: the same numbers on any thread or machine, and each victim's columns can be drawn on
demand (only the ones it needs) or taken from the engine's row of uniforms.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba
import numpy as np
import numpy.typing as npt

from pharos.sim.victims import C_REQLAT, WIDTH

F = TypeVar("F", bound=Callable[..., Any])
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def compiled(fn: F) -> F:
    """numba's nopython mode, cached on disk. ``error_model="numpy"``: a float division by zero
    gives inf/nan instead of a Python exception, which spares a test and a branch at every
    division of the loop (every division in the fast path is guarded where zero is possible)."""
    return cast(F, numba.njit(cache=True, nogil=True, error_model="numpy")(fn))


def inlined(fn: F) -> F:
    """As :func:`compiled`, inlined into its callers by numba (not left to LLVM, which keeps
    the larger helpers as calls that pass every array field by field)."""
    return cast(F, numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")(fn))


def bare(fn: F) -> F:
    """As :func:`compiled`, without numba's reference counting (``_nrt=False``): for loops that
    allocate nothing. Every array passed to a helper inlined by numba costs an atomic increment
    and decrement of its reference count at each call (numba's pruning of these pairs does not
    reach across the helpers' branches): in the event loop, a sixth of the run's time."""
    options: dict[str, Any] = {"_nrt": False}  # numba's own option, not in its stubs
    return cast(F, numba.njit(cache=True, nogil=True, error_model="numpy", **options)(fn))


@compiled
def mix(z: np.uint64) -> np.uint64:
    """SplitMix64 finaliser (Steele, Lea & Flood 2014)."""
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@compiled
def uniform(key: np.uint64, counter: int) -> float:
    """A uniform in (0, 1) from a counter-based stream: the same on any thread or machine."""
    x = mix(key + np.uint64(counter + 1) * _GOLDEN)
    return (float(x >> np.uint64(11)) + 0.5) * (1.0 / 9007199254740992.0)


def _ziggurat(layers: int = 256) -> tuple[npt.NDArray[np.uint64], FloatArray, FloatArray, float]:
    """Tables of the ziggurat for the standard exponential (Marsaglia & Tsang 2000, "The
    ziggurat method for generating random variables", J. Stat. Softw. 5(8)), worked out here:
    ``layers`` strips of equal area ``v`` under exp(-x), the base strip holding the tail beyond
    ``r``. ``r`` is found by bisection so that the strips close at x = 0.

    Returns (K, W, F, r): a 53-bit draw ``j`` in strip ``i`` gives x = j * W[i]; if ``j < K[i]``
    the point is under the curve whatever its height (the fast case); F[i] = exp(-X[i]) bounds
    the strips' heights for the rest."""

    def strips(r: float) -> tuple[list[float], float]:
        v = (r + 1.0) * math.exp(-r)  # r * f(r) + the tail's area
        xs = [v * math.exp(r), r]
        for _ in range(layers - 2):
            y = math.exp(-xs[-1]) + v / xs[-1]
            if y >= 1.0:
                return xs, -1.0  # r too small: the strips reach the top too soon
            xs.append(-math.log(y))
        return xs, xs[-1] * (1.0 - math.exp(-xs[-1])) - v  # the top strip's area minus v

    lo, hi = 5.0, 10.0
    for _ in range(64):  # halves 5.0 down to below the spacing of doubles near r
        mid = 0.5 * (lo + hi)
        if strips(mid)[1] < 0:
            lo = mid
        else:
            hi = mid
    xs, _ = strips(hi)
    x = np.array([*xs, 0.0])  # X[0..layers], X[layers] = 0
    scale = 2.0**53
    k = np.array([int(x[i + 1] / x[i] * scale) for i in range(layers)], dtype=np.uint64)
    return k, x[:layers] / scale, np.exp(-x), float(hi)


_ZK, _ZW, _ZF, _ZR = _ziggurat()
_NEXT = np.uint64(0xD1B54A32D192ED03)  # the next word of a draw that needs more than one


@compiled
def exponential(word: np.uint64) -> float:
    """A standard exponential from a random 64-bit word, by the ziggurat (tables above): about
    99 draws in 100 take one table look-up and one multiplication, no logarithm; the others
    hash the word into the next one. Exact in distribution (a test checks it)."""
    offset = 0.0
    w = word
    while True:
        i = int(w & np.uint64(0xFF))
        j = w >> np.uint64(11)
        x: float = float(j) * _ZW[i]
        if j < _ZK[i]:
            return offset + x
        w = mix(w ^ _NEXT)
        if i == 0:  # beyond r: the tail, memoryless, is r plus a standard exponential
            offset += _ZR
            continue
        y = _ZF[i] + (float(w >> np.uint64(11)) * (1.0 / 9007199254740992.0)) * (
            _ZF[i + 1] - _ZF[i]
        )
        if y < np.exp(-x):
            return offset + x
        w = mix(w ^ _NEXT)


@compiled
def standard_exponential(key: np.uint64, counter: int) -> float:
    """A standard exponential from a counter-based stream (the word :func:`uniform` would use)."""
    return exponential(mix(key + np.uint64(counter + 1) * _GOLDEN))


@compiled
def ue(u: FloatArray, lazy: bool, key: np.uint64, g: int, col: int) -> float:
    """A standard exponential from column ``col`` of victim ``g``: -log of the engine's uniform
    (bit for bit as the engine), or the ziggurat on the fast path's own stream (no logarithm)."""
    if lazy:
        return standard_exponential(key, g * WIDTH + col)
    return float(-np.log(u[g, col]))


@compiled
def uv(u: FloatArray, lazy: bool, key: np.uint64, g: int, col: int) -> float:
    """Column ``col`` of victim ``g``'s row of uniforms: given (the engine's), or drawn on
    demand from the fast path's counter-based stream (only the columns a victim needs)."""
    if lazy:
        return uniform(key, g * WIDTH + col)
    return float(u[g, col])


@compiled
def lazy_normal(key: np.uint64, g: int) -> float:
    """A standard normal for victim ``g`` (Box-Muller on two of its uniforms)."""
    u1 = uniform(key, g * WIDTH + C_REQLAT)
    u2 = uniform(key ^ np.uint64(0x5DEECE66D), g)
    return float(np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2))


@compiled
def cell_key(jkey: np.uint64, c: int, gen: int) -> np.uint64:
    """The justice stream of cell ``c`` in its generation ``gen`` (a new group after each
    replacement)."""
    return mix(jkey ^ mix(np.uint64(c * 4096 + gen)))


@compiled
def recruit(rates: FloatArray, horizon: float, key: np.uint64) -> tuple[IntArray, FloatArray]:
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
        jk = mix(key ^ mix(np.uint64(j + 1)))
        t = 0.0
        i = 0
        if rates[j] > 0:
            while True:
                t += standard_exponential(jk, i) / rates[j]
                i += 1
                if t >= horizon or g >= bound:
                    break
                t_rec[g] = t
                g += 1
        counts[j + 1] = g
    return counts, t_rec[:g].copy()
