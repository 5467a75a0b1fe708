"""Time the calibrated baseline: one replication, then 1,000 replications on two workers.

Ten simulated years (``mediterranean-baseline``), each replication producing its full tidy
tables (``pharos.sim.run_replication``). The reference measured in the same process is one
replication on one core; the ratio shows how far the two workers scale.

Usage: ``PYTHONPATH=src python benchmarks/baseline_runs.py [--runs 1000] [--workers 2]``
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import time

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

from pharos.scenario import load_scenario
from pharos.sim import run_replication
from pharos.sim.runner import run_many


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    scenario = load_scenario("mediterranean-baseline")
    run_replication(scenario, scenario.seed, 0)  # warm caches (domain data, imports)

    t = time.perf_counter()
    one = run_replication(scenario, scenario.seed, 1)
    t_one = time.perf_counter() - t
    victims = int(one["outcomes"].query("group == 'all' and metric == 'victims'")["value"].sum())

    load_before = os.getloadavg()[0]
    cpu_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    with Progress(BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()) as bar:
        task = bar.add_task("replications", total=args.runs)
        t = time.perf_counter()
        tables = run_many(
            scenario, args.runs, scenario.seed, args.workers, lambda n: bar.advance(task, n)
        )
        t_many = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_workers = (after.ru_utime + after.ru_stime) - (
        cpu_children.ru_utime + cpu_children.ru_stime
    )
    assert tables["outcomes"]["replication"].nunique() == args.runs

    print(f"host: {platform.node()} · Python {platform.python_version()} · cpus {os.cpu_count()}")
    print(
        f"load average (1 min) before: {load_before:.1f}, after: {os.getloadavg()[0]:.1f} "
        "(other jobs share the machine when this is above the number of cpus)"
    )
    print(f"scenario: {scenario.name}, {scenario.horizon_days} days, {victims} victims counted")
    print(f"1 replication, 1 core: {t_one:.2f} s")
    print(f"{args.runs} replications, {args.workers} workers: {t_many:.1f} s")
    print(
        f"per replication: {t_many / args.runs:.3f} s wall; worker CPU time {cpu_workers:.1f} s "
        f"({cpu_workers / args.runs:.3f} s per replication; on {args.workers} otherwise idle "
        f"cores that is {cpu_workers / args.workers:.0f} s of wall time)"
    )
    print(f"speed-up over serial: {t_one * args.runs / t_many:.2f}x")


if __name__ == "__main__":
    main()
