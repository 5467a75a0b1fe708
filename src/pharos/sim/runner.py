"""Many replications, in one process or several, with the same results either way.

Replications are split into batches; each batch runs :func:`pharos.sim.run_replication` in a
worker process and the tables are put back in replication order, so ``--workers 1`` and
``--workers 2`` give identical tables.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from multiprocessing.context import BaseContext

import pandas as pd

from pharos.scenario.schema import Scenario
from pharos.sim import run_replication

Tables = dict[str, pd.DataFrame]


def run_batch(scenario: Scenario, seed: int, replications: list[int]) -> list[Tables]:
    """Run several replications in this process (the unit of work of a worker)."""
    return [run_replication(scenario, seed, r) for r in replications]


def combine(runs: list[Tables]) -> Tables:
    """Concatenate the tables of many replications (in the order given)."""
    names = list(runs[0]) if runs else []
    return {n: pd.concat([r[n] for r in runs], ignore_index=True) for n in names}


def run_many(
    scenario: Scenario,
    runs: int,
    seed: int,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
    batch: int | None = None,
) -> Tables:
    """Run replications ``0 .. runs-1`` and combine their tables.

    ``progress`` is called with the number of replications just finished.
    """
    reps = list(range(runs))
    size = batch or max(1, min(25, runs // (4 * max(workers, 1)) or 1))
    batches = [reps[i : i + size] for i in range(0, runs, size)]
    results: list[list[Tables]] = [[] for _ in batches]
    if workers <= 1:
        for k, b in enumerate(batches):
            results[k] = run_batch(scenario, seed, b)
            if progress:
                progress(len(b))
    else:
        with ProcessPoolExecutor(max_workers=workers, mp_context=_context()) as pool:
            index = {pool.submit(run_batch, scenario, seed, b): k for k, b in enumerate(batches)}
            for fut in as_completed(index):
                k = index[fut]
                results[k] = fut.result()
                if progress:
                    progress(len(batches[k]))
    return combine([t for b in results for t in b])


def _context() -> BaseContext:
    """Fork where the platform has it (fast start, no re-import of ``__main__``); else spawn."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    return get_context("fork" if "fork" in methods else "spawn")
