"""Named, seeded random streams.

Every random draw in the model comes from a stream named after what it drives
(``"recruitment/nga-ita-sex/0"``, ``"victims/nga-ita-sex/0/3"``, ``"flows/central_med"``).
A stream's seed is derived from the scenario seed, the replication number and a stable hash of
its name (BLAKE2b), never from the order in which streams are created: adding a process or a
network does not shift the numbers any other process sees. Victims draw from per-network,
per-chunk streams, so an intervention in one state leaves unrelated victims' draws identical
(common random numbers across baseline and overlays).
"""

from __future__ import annotations

import hashlib
import math
import random

import numpy as np


def name_key(name: str) -> tuple[int, int]:
    """Two 32-bit words from a stable hash of ``name`` (independent of Python's hash seed)."""
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest[:4], "little"), int.from_bytes(digest[4:], "little")


def stream(seed: int, replication: int, name: str) -> np.random.Generator:
    """The generator for stream ``name`` of replication ``replication`` under ``seed``."""
    seq = np.random.SeedSequence(entropy=seed, spawn_key=(replication, *name_key(name)))
    return np.random.Generator(np.random.PCG64(seq))


def scalar_stream(seed: int, replication: int, name: str) -> random.Random:
    """A light generator for scalar draws in event handlers (Mersenne Twister, stable seed).

    Seeded with a 128-bit BLAKE2b digest of seed, replication and name; CPython's
    ``random()``, ``expovariate`` and ``gauss`` give the same numbers on every platform.
    """
    digest = hashlib.blake2b(f"{seed}/{replication}/{name}".encode(), digest_size=16).digest()
    return random.Random(int.from_bytes(digest, "little"))


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw by inversion (small means: persons charged in one case)."""
    if mean <= 0:
        return 0
    limit = math.exp(-mean)
    k, p = 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def binomial(rng: random.Random, n: int, p: float) -> int:
    """A binomial draw as ``n`` Bernoulli trials (small ``n``: persons in one case)."""
    return sum(1 for _ in range(n) if rng.random() < p)


class Streams:
    """The streams of one replication, created on first use and cached by name."""

    def __init__(self, seed: int, replication: int) -> None:
        self.seed = seed
        self.replication = replication
        self._cache: dict[str, np.random.Generator] = {}
        self._scalar: dict[str, random.Random] = {}

    def get(self, name: str) -> np.random.Generator:
        """The stream called ``name`` (the same object on every call in this replication)."""
        rng = self._cache.get(name)
        if rng is None:
            rng = self._cache[name] = stream(self.seed, self.replication, name)
        return rng

    def scalar(self, name: str) -> random.Random:
        """The scalar generator called ``name`` (cached; see :func:`scalar_stream`)."""
        rng = self._scalar.get(name)
        if rng is None:
            rng = self._scalar[name] = scalar_stream(self.seed, self.replication, name)
        return rng

    def uniforms(self, prefix: str, n: int, width: int, chunk: int = 4096) -> np.ndarray:
        """An ``(n, width)`` block of uniforms, row ``i`` fixed whatever ``n`` is.

        Rows come in chunks of ``chunk`` from streams ``f"{prefix}/{c}"``, so a row depends only
        on the prefix and its index: per-entity random numbers.
        """
        out = np.empty((n, width))
        for c in range(0, n, chunk):
            m = min(chunk, n - c)
            # the first m rows of the chunk: a generator fills row by row, so drawing only
            # what is used gives the same rows as drawing the whole chunk
            rng = stream(self.seed, self.replication, f"{prefix}/{c // chunk}")
            out[c : c + m] = rng.random((m, width))
        return out
