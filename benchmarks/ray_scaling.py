"""Ray with 2 local workers against 1 worker on the same experiment (and the same results).

Runs the bundled ``baseline-sobol`` experiment with a smaller N (default 16: 672 runs of ten
simulated years through the batched fast path; tasks of 16 runs, well over Ray's ~10 ms
guidance) on a local Ray cluster started with ``num_cpus=1`` and then ``num_cpus=2``; prints
both wall times, the speed-up, and whether the outcomes are identical.

    PYTHONPATH=src python benchmarks/ray_scaling.py [--n 16]
"""

from __future__ import annotations

import argparse
import os
import time

import pandas as pd
import ray

from pharos.analysis.backends import RayBackend
from pharos.analysis.runner import run_experiment
from pharos.analysis.spec import load_experiment, parse_experiment
from pharos.cli.analysis import bundled_experiment


def timed(spec: object, cpus: int) -> tuple[float, pd.DataFrame]:
    ray.init(num_cpus=cpus, include_dashboard=False, log_to_driver=False)
    try:
        backend = RayBackend(workers=cpus)
        # warm the workers (imports, numba cache) outside the timing, as a long-lived cluster
        warm = parse_experiment({**spec.model_dump(mode="json"), "n": 2})  # type: ignore[attr-defined]
        run_experiment(warm, backend=backend)
        start = time.perf_counter()
        result = run_experiment(spec, backend=backend)  # type: ignore[arg-type]
        return time.perf_counter() - start, result.runs
    finally:
        ray.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=16)
    args = parser.parse_args()
    path = bundled_experiment("baseline-sobol")
    assert path is not None
    spec, _doc = load_experiment(path)
    spec = parse_experiment({**spec.model_dump(mode="json"), "n": args.n, "batch_size": 16})

    one, runs_one = timed(spec, 1)
    two, runs_two = timed(spec, 2)
    same = runs_one.equals(runs_two)
    print(f"host: {os.cpu_count()} cores, shared with other engineers while this ran")
    print(f"experiment: {len(runs_one)} runs (baseline-sobol, N = {args.n}), horizon 3650 days")
    print(f"Ray, 1 worker:  {one:7.1f} s")
    print(f"Ray, 2 workers: {two:7.1f} s")
    print(f"speed-up (1 worker / 2 workers): {one / two:.2f}x; identical outcomes: {same}")


if __name__ == "__main__":
    main()
