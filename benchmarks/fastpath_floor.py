"""How far the fast path is from a lean event loop, and what that bounds the ratio to the engine.

The fast path's event loop (pharos.sim.batch) is compared with a lean loop built from the same
parts (the same calendar queue, the same counter-based streams and ziggurat, records of the same
shape): as many events and victims as the ten-year baseline, each event a pop, one record read
and written, an exponential and two uniforms, and a new event scheduled for most of them, but
none of the model's decisions. The lean loop is a floor for any event loop on these parts; the
engine's cost per event divided by it bounds the ratio a compiled loop of this kind could reach
if the victims' set-up cost nothing. Prints the three costs per event and the two ratios.

    PYTHONPATH=src python benchmarks/fastpath_floor.py [--replications 5]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from pharos.scenario.load import load_scenario
from pharos.sim.batch import Workspace, compile_world, draw_inputs, run_inputs
from pharos.sim.batch.queue import new_queue, peek, pop, schedule
from pharos.sim.batch.rng import FloatArray, IntArray, bare, compiled, standard_exponential, uniform
from pharos.sim.engine import Engine


@bare
def lean_loop(
    qt: FloatArray, qi: IntArray, recf: FloatArray, reci: IntArray, key: np.uint64
) -> int:
    """Events until the queue is empty: each writes its time into its victim's record and,
    for the first three kinds, schedules the next kind for the same or a random victim."""
    n = recf.shape[0]
    events = 0
    while peek(qt, qi) < np.inf:
        now, kind, a, _b = pop(qt, qi)
        events += 1
        recf[a, kind] = now
        c = events * 4
        if kind < 3:
            t = now + standard_exponential(key, c) * (30.0 + 20.0 * reci[a, 0])
            g = a if uniform(key, c + 1) < 0.5 else int(uniform(key, c + 2) * n)
            schedule(qt, qi, t, kind + 1, g, 0)
        else:
            reci[a, 1] += 1
    return events


@compiled
def lean_setup(
    n: int, first: int, horizon: float, key: np.uint64, states: int
) -> tuple[FloatArray, IntArray, FloatArray, IntArray]:
    """A queue with ``first`` events spread over the horizon, and records for ``n`` victims
    (spread over the scenario's ``states``), in :func:`lean_loop`'s order."""
    recf = np.zeros((n, 9))
    reci = np.zeros((n, 8), dtype=np.int64)
    for g in range(n):
        reci[g, 0] = g % states
    qt, qi = new_queue(3 * n + 1024, horizon, 8.0)
    for i in range(first):
        g = int(uniform(key, 2 * i) * n)
        schedule(qt, qi, uniform(key, 2 * i + 1) * horizon, 0, g, 0)
    return qt, qi, recf, reci


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20261128)
    args = parser.parse_args()
    scenario = load_scenario("mediterranean-baseline")
    cw = compile_world(scenario)
    workspace = Workspace()
    run_inputs(cw, draw_inputs(cw, args.seed, 0), workspace=workspace)  # compile once
    warm = lean_setup(1000, 250, cw.horizon, np.uint64(1), len(scenario.states))
    lean_loop(*warm, np.uint64(2))

    engine_s = fast_s = lean_s = 0.0
    engine_events = fast_events = lean_events = 0
    for r in range(args.replications):
        t0 = time.perf_counter()
        engine = Engine(scenario, args.seed, r).run()
        t1 = time.perf_counter()
        result = run_inputs(cw, draw_inputs(cw, args.seed, r), workspace=workspace)
        t2 = time.perf_counter()
        n = len(result.victims["recruited_at"])
        state = lean_setup(
            n, result.events // 4, cw.horizon, np.uint64(args.seed + r), len(scenario.states)
        )
        t3 = time.perf_counter()
        lean_events += lean_loop(*state, np.uint64(args.seed + r + 1))
        t4 = time.perf_counter()
        engine_s, fast_s, lean_s = engine_s + t1 - t0, fast_s + t2 - t1, lean_s + t4 - t3
        engine_events += engine.events
        fast_events += result.events

    engine_ns = engine_s / engine_events * 1e9
    fast_ns = fast_s / fast_events * 1e9
    lean_ns = lean_s / lean_events * 1e9
    print(f"{args.replications} replications of mediterranean-baseline, interleaved")
    print(f"engine:     {engine_ns:8.0f} ns per event (its {engine_events // args.replications:,})")
    print(
        f"fast path:  {fast_ns:8.0f} ns per event, all in "
        f"(its {fast_events // args.replications:,}: victims' set-up, queue, every step)"
    )
    print(f"lean loop:  {lean_ns:8.0f} ns per event ({lean_events // args.replications:,})")
    print(f"fast path / lean loop: {fast_ns / lean_ns:.1f}x")
    print(f"bound on engine / a compiled loop of this kind: {engine_ns / lean_ns:.0f}x")


if __name__ == "__main__":
    main()
