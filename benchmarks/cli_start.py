"""How fast the command line starts, and how much memory it takes (issue 13, item 6).

Runs, each in a fresh process and in turn so that a busy machine slows them alike:

- the reference, ``python -c "import yaml, pydantic"`` (what any command needs at least);
- ``pharos --help``;
- ``pharos screen examples/screening/01_agriculture_ragusa_greenhouse.yaml --json``.

and prints for each the median wall time and the median peak resident memory (the child's own
``ru_maxrss``, from ``os.wait4``), and the ratio of the wall times to the reference's. Goal
(docs/architecture.md, "A fast command line"): ``pharos screen`` at most 6 times the reference
and under 120 MB.

    PYTHONPATH=src python benchmarks/cli_start.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "screening" / "01_agriculture_ragusa_greenhouse.yaml"
PHAROS = [sys.executable, "-c", "import sys; from pharos.cli import main; sys.exit(main())"]

COMMANDS: dict[str, list[str]] = {
    "reference: import yaml, pydantic": [sys.executable, "-c", "import yaml, pydantic"],
    "pharos --help": [*PHAROS, "--help"],
    "pharos screen FILE --json": [*PHAROS, "screen", str(EXAMPLE), "--json"],
}
GOAL_RATIO = 6.0
GOAL_MB = 120.0


def run_once(argv: list[str]) -> tuple[float, float]:
    """(wall seconds, peak resident MB) of one run of ``argv`` in a fresh process."""
    env = {k: v for k, v in os.environ.items() if k not in ("PHAROS_LANG", "LANG")}
    start = time.perf_counter()
    child = subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=env
    )
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited with {child.returncode}")
    return wall, usage.ru_maxrss / 1024  # Linux gives kilobytes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    walls: dict[str, list[float]] = {name: [] for name in COMMANDS}
    peaks: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for argv in COMMANDS.values():  # warm the file cache once
        run_once(argv)
    for _ in range(args.runs):
        for name, argv in COMMANDS.items():
            wall, peak = run_once(argv)
            walls[name].append(wall)
            peaks[name].append(peak)
    reference = statistics.median(walls["reference: import yaml, pydantic"])
    print(f"{'command':34} {'median s':>9} {'peak MB':>8} {'x ref':>6}   ({args.runs} runs)")
    for name in COMMANDS:
        wall = statistics.median(walls[name])
        peak = statistics.median(peaks[name])
        print(f"{name:34} {wall:9.3f} {peak:8.1f} {wall / reference:6.2f}")
    screen = statistics.median(walls["pharos screen FILE --json"]) / reference
    screen_mb = statistics.median(peaks["pharos screen FILE --json"])
    met = screen <= GOAL_RATIO and screen_mb < GOAL_MB
    print(
        f"goal: pharos screen <= {GOAL_RATIO:g}x the reference and < {GOAL_MB:g} MB: "
        f"{screen:.2f}x, {screen_mb:.1f} MB, {'met' if met else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
