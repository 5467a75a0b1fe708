"""Coverage of the hidden-figure interval on populations shaped like the real tables.

For each table bundled with Pharos (the SparseMSE tables, ``src/pharos/estimate/data``), the
default method is fitted to the real table; its fitted means — every observable capture pattern
and the people on no list — are taken as the truth. Each simulation draws a whole population from
them (Poisson counts per pattern, the unseen included, so the true total is known), keeps what
the lists saw, and runs ``pharos.estimate.estimate`` on it exactly as a user would (selection,
existence checks, bootstrap interval). The share of simulations whose interval holds the true
total is the coverage; its Monte Carlo standard error is sqrt(c (1 − c) / n).

    .venv/bin/python scripts/mse_coverage.py --simulations 200 --replications 499
    .venv/bin/python scripts/mse_coverage.py --tables NewOrl Western --simulations 50

Every simulation has its own seed (``--seed`` + index), so a run is reproducible on any machine.
``tests/integration/estimate/test_coverage.py`` runs a smaller version with a stated tolerance.
"""

from __future__ import annotations

import argparse
import math
import time
from dataclasses import dataclass

import numpy as np
from rich.progress import track

from pharos.estimate.examples import EXAMPLES
from pharos.estimate.report import estimate
from pharos.estimate.table import OverlapTable, all_patterns
from pharos.estimate.threshold import Fitter, counts_vector, select_threshold


@dataclass(frozen=True)
class Coverage:
    table: str
    simulations: int
    covered: int
    failed: int
    true_total: float
    median_estimate: float
    median_width: float
    seconds: float

    @property
    def share(self) -> float:
        return self.covered / self.simulations

    @property
    def mc_se(self) -> float:
        c = self.share
        return math.sqrt(c * (1 - c) / self.simulations)


def truth(table: OverlapTable) -> tuple[np.ndarray, float]:
    """The default method's fitted means on the real table: observable cells and unseen."""
    chosen = select_threshold(Fitter(table.n_lists, counts_vector(table)))
    if chosen is None:
        raise SystemExit("no model fits the real table")
    return chosen.fit.mu, chosen.fit.unseen


def simulate(
    name: str, simulations: int, replications: int, seed: int, level: float = 0.95
) -> Coverage:
    table = EXAMPLES[name].table()
    mu, unseen = truth(table)
    patterns = all_patterns(table.n_lists)
    covered = failed = 0
    estimates: list[float] = []
    widths: list[float] = []
    start = time.perf_counter()
    for i in track(range(simulations), description=f"{name}: simulations", transient=True):
        rng = np.random.default_rng([seed, i])
        y = rng.poisson(mu)
        total = int(y.sum() + rng.poisson(unseen))
        counts = {p: int(c) for p, c in zip(patterns, y, strict=True) if c}
        try:
            sample = OverlapTable(table.lists, counts)
            result = estimate(sample, level=level, replications=replications, seed=seed + i)
        except ValueError:  # no one seen, fewer than two lists, no model: counted as a miss
            failed += 1
            continue
        low, high = result.total_interval
        covered += low <= total <= high
        estimates.append(result.total)
        widths.append(high - low)
    return Coverage(
        name,
        simulations,
        covered,
        failed,
        float(mu.sum() + unseen),
        float(np.median(estimates)) if estimates else math.nan,
        float(np.median(widths)) if widths else math.nan,
        time.perf_counter() - start,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", nargs="*", default=list(EXAMPLES))
    parser.add_argument("--simulations", type=int, default=200)
    parser.add_argument("--replications", type=int, default=499)
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()
    print(
        "| Table | True total | Simulations | Covered | Coverage (MC s.e.) | Median estimate "
        "| Median width | Failed | Time |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name in args.tables:
        c = simulate(name, args.simulations, args.replications, args.seed)
        print(
            f"| {name} | {c.true_total:,.0f} | {c.simulations} | {c.covered} | "
            f"{100 * c.share:.1f}% ({100 * c.mc_se:.1f}) | {c.median_estimate:,.0f} | "
            f"{c.median_width:,.0f} | {c.failed} | {c.seconds:.0f} s |",
            flush=True,
        )


if __name__ == "__main__":
    main()
