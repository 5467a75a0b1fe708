"""Pharos's engine against SimPy on the core of the regional model, same seeds, same outcomes.

Both run the core scenario (``benchmarks/simpy_model.py``: the baseline with justice switched
off) over ten simulated years. Both get the same pre-drawn random inputs from the named streams
(drawn before the clock starts, as in the project benchmark of simulation.md section 2b); the
timing covers the simulation itself. Model events are counted from the outcomes in the same
way for both (recruitment, arrival, detection, identification start and end, shelter admission
and exit, cross-border request). Best of ``--repeat`` runs of each, interleaved, with a garbage
collection before each run. The outcomes of every victim are checked to be equal first.

Usage: ``PYTHONPATH=src python benchmarks/sim_vs_simpy.py [--repeat 5] [--years 10]``
"""

from __future__ import annotations

import argparse
import gc
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pharos.sim.engine import Engine
from simpy_model import SimPyCore, core_scenario, model_events, outcomes


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    scenario = core_scenario(365 * args.years)

    check_p = Engine(scenario, args.seed, 0).run()
    check_s = SimPyCore(scenario, args.seed).run()
    a, b = outcomes(check_p.cohorts), outcomes(check_s.cohorts)
    for name in a:
        if not np.allclose(a[name], b[name], rtol=0.0, atol=1e-6, equal_nan=True):
            raise SystemExit(f"outcomes differ: {name}")
    events = model_events(check_p.cohorts, check_p.horizon)
    assert events == model_events(check_s.cohorts, check_s.world.horizon)
    victims = sum(c.n for c in check_p.cohorts)

    pharos_times, simpy_times = [], []
    for _ in range(args.repeat):
        engine = Engine(scenario, args.seed, 0)
        gc.collect()
        t = time.perf_counter()
        engine.run()
        pharos_times.append(time.perf_counter() - t)
        model = SimPyCore(scenario, args.seed)
        gc.collect()
        t = time.perf_counter()
        model.run()
        simpy_times.append(time.perf_counter() - t)

    tp, ts = min(pharos_times), min(simpy_times)
    print(f"host: {platform.node()} · Python {platform.python_version()} · {platform.machine()}")
    print(f"core scenario: {args.years} years, {victims} victims, {events} model events")
    print("outcomes per victim: identical (detection, identification, protection, loss, exit)")
    print(f"{'engine':<22}{'best s':>9}{'median s':>10}{'model events/s':>16}")
    for name, times in (("Pharos (heapq engine)", pharos_times), ("SimPy 4", simpy_times)):
        best, med = min(times), float(np.median(times))
        print(f"{name:<22}{best:>9.3f}{med:>10.3f}{events / best:>16,.0f}")
    print(f"ratio (SimPy time / Pharos time, best of {args.repeat}): {ts / tp:.1f}x")


if __name__ == "__main__":
    main()
