"""The emerging-trends scan's false-alarm rate and power, on CTDC files in the published layouts.

At least 200 data sets with no change are written as CTDC files (``null_files.py``: the Global
Dataset's and the synthetic layout's), imported with the real importer and scanned with the
defaults of ``pharos trends`` and the trends page (``pharos.learn.options``). The share of data
sets with *any* alarm must be at most the nominal family-wise level, 5 %. Then a real change
must still be flagged. The figures print with ``-s``:

    PYTHONPATH=src pytest -s -p no:cacheprovider tests/unit/learn/test_trends_false_alarms.py

``PHAROS_TREND_RUNS`` sets the number of null data sets (default 200).
"""

from __future__ import annotations

import math
import os
from collections import Counter
from pathlib import Path

import pytest

from pharos.learn.analytics import Filters
from pharos.learn.importing import import_file
from pharos.learn.options import DEFAULT_FOCUS, TREND_ALPHA
from pharos.learn.store import Store
from pharos.learn.trends import TrendReport, scan

from .null_files import Profile, Step, write_ctdc

pytestmark = pytest.mark.slow

RUNS = int(os.environ.get("PHAROS_TREND_RUNS", "200"))
SEED = 20261205

#: A second source that records other exploitation three times as often, and more hospitality
#: work: pooled with the first over different years, it looks like a change (the issue's case).
OTHER_PROFILE = Profile(exploitation=(0.3, 0.35, 0.25, 0.1), sectors=(0.2, 0.2, 0.2, 0.3, 0.1))

SHAPES = (
    "one Global Dataset file",
    "one synthetic file",
    "two sources, different years",
    "yearly noise, no trend",
    "short series",
)


def _null_store(root: Path, i: int) -> tuple[str, Store]:
    """The ``i``-th data set with no change: its shape and the store it was imported into."""
    shape = SHAPES[i % len(SHAPES)]
    store = Store(root / "store")
    seed = SEED + i
    rows = 2000 + (i * 397) % 5000
    first = 2004 + i % 5
    files: list[Path] = []
    if shape == "one Global Dataset file":
        files.append(write_ctdc(root / "a.csv", layout="global", rows=rows,
                                years=range(first, 2024), seed=seed))  # fmt: skip
    elif shape == "one synthetic file":
        files.append(write_ctdc(root / "b.csv", layout="synthetic", rows=rows,
                                years=range(first, 2024), seed=seed))  # fmt: skip
    elif shape == "two sources, different years":
        files.append(write_ctdc(root / "a.csv", layout="global", rows=rows,
                                years=range(first, 2020), seed=seed))  # fmt: skip
        files.append(write_ctdc(root / "b.csv", layout="synthetic", rows=rows // 2,
                                years=range(2017, 2024), seed=seed + 10_000,
                                profile=OTHER_PROFILE))  # fmt: skip
    elif shape == "yearly noise, no trend":
        files.append(write_ctdc(root / "b.csv", layout="synthetic", rows=rows,
                                years=range(first, 2024), seed=seed, jitter=0.12))  # fmt: skip
    else:
        files.append(write_ctdc(root / "a.csv", layout="global", rows=rows // 2,
                                years=range(2015, 2024), seed=seed, jitter=0.05))  # fmt: skip
    for path in files:
        report = import_file(store, path)
        assert report.written, report.refusals[:3]
    return shape, store


def _scan(store: Store) -> TrendReport:
    # the defaults of `pharos trends` and of /learn/trends
    return scan(store.connect(), f=Filters(focus=DEFAULT_FOCUS))


def test_no_more_false_alarms_than_the_nominal_level(tmp_path: Path) -> None:
    assert RUNS >= 200 or "PHAROS_TREND_RUNS" in os.environ
    alarms: Counter[str] = Counter()
    runs: Counter[str] = Counter()
    mix_reported = 0
    mix_only = 0
    tests = 0
    for i in range(RUNS):
        shape, store = _null_store(tmp_path / str(i), i)
        report = _scan(store)
        runs[shape] += 1
        tests += report.tests
        alarms[shape] += bool(report.significant)
        if shape == "two sources, different years":
            mix_reported += report.mix.changed
            mix_only += bool(report.mix_only)
    rate = sum(alarms.values()) / RUNS
    # Monte Carlo standard error; with no alarm at all, the 95 % upper bound is 3/N
    error = math.sqrt(rate * (1 - rate) / RUNS)
    print(
        f"\nTrends, no change: {sum(alarms.values())} of {RUNS} data sets with any alarm, "
        f"{rate:.3f} ± {error:.3f} (nominal {TREND_ALPHA}; 95 % upper bound if none: "
        f"{3 / RUNS:.3f}); {tests / RUNS:.0f} tests per data set"
    )
    for shape in SHAPES:
        print(f"  {shape}: {alarms[shape]} of {runs[shape]}")
    two = runs["two sources, different years"]
    print(f"  source mix reported in {mix_reported} of {two} two-source data sets; pooled-only "
          f"changes explained by the mix in {mix_only}")  # fmt: skip
    assert rate <= TREND_ALPHA
    # every two-source data set covers different years: the mix is always reported
    assert mix_reported == runs["two sources, different years"]


def _flagged(report: TrendReport, dimension: str, category: str, year: int) -> bool:
    return any(
        t.dimension == dimension and t.category == category and t.rising
        and abs(t.since - year) <= 1
        for t in report.significant
    )  # fmt: skip


@pytest.mark.parametrize(
    ("layout", "step", "dimension", "category"),
    [
        ("synthetic", Step("isOtherExploit", 2019, 2.0), "exp", "other"),
        ("global", Step("Hospitality", 2020, 2.5), "sector", "hospitality"),
    ],
)
def test_a_real_change_is_still_found(
    tmp_path: Path, layout: str, step: Step, dimension: str, category: str
) -> None:
    """Power: files of 30,000 rows (the k-anonymised Global Dataset has about 48,000) with one
    category's probability doubled from a year on (its share rises about 1.8 times), or, for a
    sector of forced labour (some 35 victims a year), multiplied by 2.5."""
    runs = 15
    found = 0
    for i in range(runs):
        root = tmp_path / str(i)
        store = Store(root / "store")
        path = write_ctdc(root / "f.csv", layout=layout, rows=30_000, years=range(2006, 2024),
                          seed=SEED + 500 + i, step=step)  # fmt: skip
        assert import_file(store, path).written
        found += _flagged(_scan(store), dimension, category, step.year)
    power = found / runs
    error = math.sqrt(power * (1 - power) / runs)
    print(f"\nTrends, {category} x{step.factor} from {step.year} ({layout}): flagged and dated in "
          f"{found} of {runs} data sets, power {power:.2f} ± {error:.2f}")  # fmt: skip
    assert power >= 0.8


def test_a_real_change_within_one_source_of_two_is_found(tmp_path: Path) -> None:
    """Within-source comparisons keep a real change visible when the mix changes too: a change
    in the world shows in both sources, one of which covers only the later years."""
    runs = 10
    found = 0
    for i in range(runs):
        root = tmp_path / str(i)
        store = Store(root / "store")
        a = write_ctdc(root / "a.csv", layout="global", rows=30_000, years=range(2006, 2024),
                       seed=SEED + 900 + i, step=Step("isOtherExploit", 2019, 2.0))  # fmt: skip
        b = write_ctdc(root / "b.csv", layout="synthetic", rows=10_000, years=range(2016, 2024),
                       seed=SEED + 950 + i, profile=OTHER_PROFILE,
                       step=Step("isOtherExploit", 2019, 2.0))  # fmt: skip
        for path in (a, b):
            assert import_file(store, path).written
        report = _scan(store)
        assert report.mix.changed
        found += _flagged(report, "exp", "other", 2019)
    print(f"\nTrends, a change in one source of two: flagged in {found} of {runs}")
    assert found / runs >= 0.8
