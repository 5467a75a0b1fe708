"""Simulated capture data from a population of known size, to check the method.

Each of ``population`` people is on list j with probability ``probabilities[j]``, independently,
except for the dependent pairs: for a pair (a, b) with odds ratio r, being on list a multiplies
the odds of being on list b by r (r > 1: the agencies refer people to each other). The table of
those seen on at least one list is returned; the people on no list are the hidden figure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from pharos.estimate.table import OverlapTable, table_from_persons


def simulate_table(
    population: int,
    probabilities: Sequence[float],
    *,
    dependence: Mapping[tuple[int, int], float] | None = None,
    seed: int = 0,
    names: Sequence[str] | None = None,
) -> OverlapTable:
    """Capture histories of ``population`` people; deterministic for a given ``seed``.

    ``dependence`` maps a pair of list indices (a, b), a < b, to an odds ratio; lists are drawn
    in order, so list b's probability depends on whether the person is on list a.
    """
    n_lists = len(probabilities)
    names = list(names) if names is not None else [chr(ord("A") + j) for j in range(n_lists)]
    rng = np.random.default_rng(seed)
    seen = np.zeros((population, n_lists), dtype=bool)
    for j, p in enumerate(probabilities):
        logit = np.full(population, np.log(p / (1 - p)))
        for (a, b), ratio in (dependence or {}).items():
            if b == j:
                logit = logit + np.log(ratio) * seen[:, a]
        seen[:, j] = rng.random(population) < 1 / (1 + np.exp(-logit))
    persons = (frozenset(names[j] for j in np.flatnonzero(row)) for row in seen if row.any())
    return table_from_persons(names, persons)
