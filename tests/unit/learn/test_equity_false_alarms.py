"""The equal-protection monitor's false-alarm rate and power, on HTCDS case tables.

At least 200 case tables in which no group fares worse are written as HTCDS files
(``null_cases.py``), imported with the real importer and run through the monitor with the
defaults of ``pharos equity`` and the equal-protection page (k = 11; Holm across every cell of
the monitor). The share of tables with *any* flag must be at most 5 %. Without the correction
(each cell at 5 %, as before issue 16) most tables raise one. Then a group that really fares
worse must still be flagged. The figures print with ``-s``:

    PYTHONPATH=src pytest -s -p no:cacheprovider tests/unit/learn/test_equity_false_alarms.py

``PHAROS_EQUITY_RUNS`` sets the number of null tables (default 200).
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest

from pharos.learn.equity import GroupResult, comparisons, monitor
from pharos.learn.importing import import_file
from pharos.learn.options import EQUITY_ALPHA
from pharos.learn.store import Store

from .null_cases import Worse, write_htcds

pytestmark = pytest.mark.slow

RUNS = int(os.environ.get("PHAROS_EQUITY_RUNS", "200"))
SEED = 16_003


def _flags(results: list[GroupResult]) -> int:
    return sum(r.flagged for r in results)


def _uncorrected(results: list[GroupResult]) -> bool:
    cells = [c for r in results for c in (*r.shares.values(), *r.durations.values())]
    return any(c.p_value is not None and c.p_value < EQUITY_ALPHA for c in cells)


def _cases(root: Path, rows: int, seed: int, worse: Worse | None = None) -> Store:
    store = Store(root / "store")
    report = import_file(store, write_htcds(root / "cases.csv", rows=rows, seed=seed, worse=worse))
    assert report.written, report.refusals[:3]
    return store


def test_no_more_false_alarms_than_the_nominal_level(tmp_path: Path) -> None:
    assert RUNS >= 200 or "PHAROS_EQUITY_RUNS" in os.environ
    alarms = 0
    uncorrected = 0
    tests = 0
    for i in range(RUNS):
        store = _cases(tmp_path / str(i), rows=500 + (i * 293) % 1200, seed=SEED + i)
        results = monitor(store.frame("case_outcomes"))
        alarms += _flags(results) > 0
        uncorrected += _uncorrected(results)
        tests += comparisons(results)
    rate = alarms / RUNS
    error = math.sqrt(rate * (1 - rate) / RUNS)
    print(
        f"\nEquity, no group worse: {alarms} of {RUNS} tables with any flag, {rate:.3f} ± "
        f"{error:.3f} (nominal {EQUITY_ALPHA}; 95 % upper bound if none: {3 / RUNS:.3f}); "
        f"{tests / RUNS:.0f} tests per table; each cell at 5 % without correction: "
        f"{uncorrected} of {RUNS}"
    )
    assert rate <= EQUITY_ALPHA
    assert uncorrected > RUNS / 2  # what the correction is for


@pytest.mark.parametrize(
    ("worse", "dimension", "group"),
    [
        (Worse("prs_Citizenship", "CI", 0.45), "citizenship", "CIV"),
        (Worse("x_pharos_AgeBand", "9--17", 0.55), "age_band", "9--17"),
    ],
)
def test_a_group_that_fares_worse_is_flagged(
    tmp_path: Path, worse: Worse, dimension: str, group: str
) -> None:
    """Power: one group identified less often (45 % or 55 % against 70 %) in tables of 3,000."""
    runs = 20
    found = 0
    others = 0
    for i in range(runs):
        store = _cases(tmp_path / str(i), rows=3000, seed=SEED + 1000 + i, worse=worse)
        results = monitor(store.frame("case_outcomes"))
        hit = [r for r in results if r.dimension == dimension and r.group == group]
        found += bool(hit and hit[0].shares["identified"].worse)
        others += any(r.flagged for r in results if (r.dimension, r.group) != (dimension, group))
    power = found / runs
    print(f"\nEquity, {group} identified at {worse.share:.0%} against 70 %: flagged in {found} of "
          f"{runs} tables, power {power:.2f} ± {math.sqrt(power * (1 - power) / runs):.2f}; "
          f"another group flagged in {others}")  # fmt: skip
    assert power >= 0.8
