"""A Sobol analysis of the baseline over 20 uncertain parameters and the dummy factor, N = 512
(512 x (2 x 21 + 2) = 22,528 runs).

Runs the bundled experiment ``baseline-sobol`` (mediterranean-baseline, horizon 3,650 days with
a 730-day warm-up, one replication per run, common random numbers: the seed chosen by the
dummy factor) through the batched fast path on local worker processes, then computes
first-order and total Sobol indices and the noise floor. Prints the wall time against the
10-minute budget and next to the reference engine's projected time for the same runs (its time
per run measured in this process on a sample of them, times the runs, over the workers); the
goal is the fast path at least 25x ahead (issue 15).

    PYTHONPATH=src python benchmarks/sobol_baseline.py [--workers 2] [--n 512] [--out DIR]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from pharos.analysis.backends import LocalBackend
from pharos.analysis.designs import run_values
from pharos.analysis.model import build_model
from pharos.analysis.runner import model_ref, run_experiment
from pharos.analysis.sensitivity import noise_floor, sobol_indices
from pharos.analysis.spec import load_experiment, parse_experiment
from pharos.cli.analysis import bundled_experiment

BUDGET_S = 600.0
GOAL_RATIO = 25.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--n", type=int, default=512)
    parser.add_argument("--engine-sample", type=int, default=12)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    path = bundled_experiment("baseline-sobol")
    assert path is not None
    spec, _doc = load_experiment(path)
    if args.n != spec.n:
        spec = parse_experiment({**spec.model_dump(mode="json"), "n": args.n})
    out = args.out or Path(tempfile.mkdtemp(prefix="pharos-sobol-"))

    started = time.perf_counter()
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if now - last[0] > 30 or done == total:
            last[0] = now
            print(f"  {done:>6}/{total} runs, {now - started:6.0f} s", flush=True)

    result = run_experiment(spec, folder=out, backend=LocalBackend(args.workers), progress=progress)
    elapsed = time.perf_counter() - started
    si = sobol_indices(result, "focus_days_to_identification")

    # the reference engine on a sample of the same runs, in this process
    fast = build_model(model_ref(spec))
    engine = build_model(model_ref(spec).__class__("pharos", dict(spec.model_options)))
    rows = result.runs.sample(args.engine_sample, random_state=1)
    values, seeds = run_values(spec, rows), rows["seed"].to_numpy(np.uint64)
    first = {k: v[:1] for k, v in values.items()}
    fast.run_batch(first, seeds[:1], spec.replications)  # load the compiled code first
    engine.run_batch(first, seeds[:1], spec.replications)
    c0, t0 = time.process_time(), time.perf_counter()
    fast.run_batch(values, seeds, spec.replications)
    c1, t1 = time.process_time(), time.perf_counter()
    engine.run_batch(values, seeds, spec.replications)
    c2, t2 = time.process_time(), time.perf_counter()
    cpu_engine = (c2 - c1) / len(rows)
    per_fast, per_engine = (t1 - t0) / len(rows), (t2 - t1) / len(rows)
    cpu_fast = (c1 - c0) / len(rows)

    n_runs = len(result.runs)
    projected = per_engine * n_runs / args.workers
    factors = len(result.design.problem["names"])
    print(f"host: {os.cpu_count()} cores shared with other engineers; {args.workers} workers")
    print(
        f"experiment: {n_runs} runs (N = {spec.n}, {factors - 1} uncertainties + the dummy), "
        "horizon 3650 days, common random numbers"
    )
    print(f"wall time: {elapsed:.0f} s = {elapsed / BUDGET_S:.2f} of the 10-minute budget")
    ratio = projected / elapsed
    verdict = "met" if ratio >= GOAL_RATIO else "NOT met"
    print(
        f"engine's projected time for the same runs: {projected:.0f} s ({projected / 60:.0f} min)"
        f" = {ratio:.1f}x the fast path's wall time (goal >= {GOAL_RATIO:.0f}x: {verdict})"
    )
    print(
        f"per run, one process: fast path {per_fast * 1000:.0f} ms, "
        f"engine {per_engine * 1000:.0f} ms"
    )
    print(
        f"the engine would need about {per_engine * n_runs / args.workers / 60:.0f} min on "
        f"{args.workers} workers ({per_engine / per_fast:.0f}x the fast path)"
    )
    print(
        f"CPU time per run: fast path {cpu_fast * 1000:.1f} ms, engine {cpu_engine * 1000:.0f} ms"
        f" ({cpu_engine / cpu_fast:.0f}x; on a loaded machine the wall-time ratio above mixes"
        " the load of two moments, this one does not)"
    )
    print(
        f"CPU time per run (fast path): {cpu_fast * 1000:.0f} ms; on {args.workers} cores "
        f"free of other work the {n_runs} runs need about "
        f"{cpu_fast * n_runs / args.workers / 60:.1f} min"
    )
    print("Sobol indices of focus_days_to_identification (Egypt-recruited online, in Italy):")
    print(si.head(8).round(3).to_string())
    print(f"noise floor (the dummy's ST + its 95% half-width): {noise_floor(si):.3f}")
    if "mla_median_days" in si.index:
        row = si.loc["mla_median_days"]
        print(
            f"mla_median_days: ST {row['ST']:.3f} +- {row['ST_conf']:.3f}, "
            f"clear of the floor: {bool(row['above_noise'])}"
        )
    print(f"outputs: {out}")


if __name__ == "__main__":
    main()
