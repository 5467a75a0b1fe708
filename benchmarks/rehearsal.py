"""How long a rehearsal of the bundled regional scenario takes (issue 17: under 10 s).

A rehearsal (``pharos exercise rehearse``, ``pharos.exercise.runtime.rehearsal``) plays the
exercise through on the real engine, every team by its standard procedure. The reference,
measured in the same process and run, is the engine folding the rehearsal's own log once
(``pharos.exercise.rules.fold.fold``: the same events applied, nothing decided or checked): the
ratio says what the procedure, the session's checks and the report cost on top of replaying the
events. Prints the median wall time of each over ``--runs`` runs, the ratio, and whether the
rehearsal stays under the goal.

    PYTHONPATH=src python benchmarks/rehearsal.py [--runs 5] [--scenario mediterranean-regional]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from pharos.exercise.rules.fold import fold
from pharos.exercise.runtime.rehearsal import rehearse
from pharos.exercise.scenario.loader import load_scenario

GOAL_S = 10.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scenario", default="mediterranean-regional")
    args = parser.parse_args()
    loaded = load_scenario(args.scenario)
    r = rehearse(loaded)  # warm: the simulation scenario's world and the data files are cached
    exercise_id = r.log[0].exercise_id
    rehearsal_s, fold_s = [], []
    for _ in range(args.runs):
        t = time.perf_counter()
        r = rehearse(loaded)
        rehearsal_s.append(time.perf_counter() - t)
        t = time.perf_counter()
        fold(loaded.scenario, exercise_id, r.seed, r.log)
        fold_s.append(time.perf_counter() - t)
    rh, fo = statistics.median(rehearsal_s), statistics.median(fold_s)
    load = os.getloadavg()[0]
    print(f"scenario {args.scenario}, {len(r.log)} events, {args.runs} runs, load {load:.1f}")
    print(f"reference (fold of the rehearsal's log): {fo:.3f} s")
    print(
        f"rehearsal: {rh:.3f} s ({rh / fo:.1f}x the reference); goal under {GOAL_S:.0f} s: "
        f"{'met' if rh < GOAL_S else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
