"""The batched fast path (pharos.sim.batch) against the reference engine, same replications.

Runs the bundled baseline (mediterranean-baseline: ten simulated years, 3,650 days) for R
replications with each implementation, interleaved so that load from other processes on the
machine hits both alike, and prints the time per replication of each and the ratio: the
figure to compare with the goal. Both run on one core (each can use more through worker
processes, alike). Interleaving runs the fast path with caches the engine has just filled; as
experiments run it, one replication after another, it is somewhat faster: the fast path alone
on the same replications is printed after, for information.

    PYTHONPATH=src python benchmarks/fastpath_vs_engine.py [--replications 10]
"""

from __future__ import annotations

import argparse
import os
import platform
import time

from pharos.scenario.load import load_scenario
from pharos.sim.batch import Workspace, compile_world, draw_inputs, inputs_from_engine, run_inputs
from pharos.sim.engine import Engine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=10)
    parser.add_argument("--seed", type=int, default=20261128)
    args = parser.parse_args()

    scenario = load_scenario("mediterranean-baseline")
    cw = compile_world(scenario)
    workspace = Workspace()  # as experiments run it: each replication's records reuse memory
    warm = Engine(scenario, args.seed, 0).run()
    run_inputs(cw, inputs_from_engine(warm))  # compile (or load the numba cache) once
    run_inputs(cw, draw_inputs(cw, args.seed, 0))

    engine_s = fast_s = 0.0
    events = victims = 0
    for r in range(args.replications):
        t0 = time.perf_counter()
        engine = Engine(scenario, args.seed, r).run()
        t1 = time.perf_counter()
        result = run_inputs(cw, draw_inputs(cw, args.seed, r), workspace=workspace)
        t2 = time.perf_counter()
        engine_s += t1 - t0
        fast_s += t2 - t1
        events += engine.events
        victims += len(result.victims["recruited_at"])

    t0 = time.perf_counter()
    for r in range(args.replications):
        run_inputs(cw, draw_inputs(cw, args.seed, r), workspace=workspace)
    alone_s = time.perf_counter() - t0

    n = args.replications
    print(f"host: {platform.node()} · {os.cpu_count()} cores (shared with other engineers)")
    print(
        f"scenario: mediterranean-baseline, horizon {scenario.horizon_days} days, {n} replications"
    )
    print(
        f"engine:    {engine_s / n * 1000:8.1f} ms per replication ({events / n:,.0f} events, "
        f"{engine_s / events * 1e6:.2f} us each)"
    )
    print(
        f"fast path: {fast_s / n * 1000:8.1f} ms per replication ({victims / n:,.0f} victims, "
        f"{fast_s / events * 1e9:.0f} ns per engine event)"
    )
    print(f"ratio (engine / fast path): {engine_s / fast_s:.1f}x")
    print(
        f"for information, the fast path alone, one replication after another: "
        f"{alone_s / n * 1000:.1f} ms per replication ({engine_s / alone_s:.1f}x)"
    )


if __name__ == "__main__":
    main()
