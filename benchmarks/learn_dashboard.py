"""The analytics page's queries over one million victims: p95 per query and per page.

Reference, measured in the same process: one full scan of the same Parquet data by DuckDB
(``SELECT count(*), sum(year) FROM victims``). Goal: every query's p95 under 300 ms.

    PYTHONPATH=src python benchmarks/learn_dashboard.py [--rows 1000000] [--repeat 40]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl

from pharos.learn import codes
from pharos.learn.analytics import Filters, flows, group_shares, victims_by_year
from pharos.learn.schema import conform
from pharos.learn.store import Store
from pharos.learn.trends import emerging

COUNTRIES = ["ITA", "GRC", "ESP", "MLT", "TUN", "EGY", "DZA", "NGA", "LBY", "MAR", "BGD", None]


def generate(rows: int, seed: int = 11) -> pl.DataFrame:
    rng = np.random.default_rng(seed)

    def pick(values: list[object]) -> list[object]:
        return list(rng.choice(np.array(values, dtype=object), size=rows))

    data: dict[str, object] = {
        "source": ["ctdc_synthetic"] * rows,
        "year": rng.integers(2002, 2023, size=rows).astype(np.int16),
        "gender": pick(["feminine", "masculine", codes.TRANS_OR_NON_CONFORMING, None]),
        "age_band": pick([*codes.AGE_BANDS, None]),
        "citizenship": pick(COUNTRIES),
        "exploitation_country": pick(COUNTRIES),
    }
    frame = pl.DataFrame(data)
    flags = {}
    for column in codes.flag_columns():
        draw = rng.random(rows)
        flags[column] = pl.Series(column, draw < 0.15).set(pl.Series(draw > 0.8), None)
    frame = frame.with_columns(**flags)
    return conform(frame, "victims")


def p95(samples: list[float]) -> float:
    return float(np.percentile(samples, 95))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    rng = np.random.default_rng(3)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        store = Store(Path(tmp))
        store.add(
            kind="bench", file="bench", digest="b" * 64, tables={"victims": generate(args.rows)}
        )
        print(f"generated and stored {args.rows:,} victims in {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        con = store.connect(in_memory=True)
        print(f"loaded into DuckDB in {time.perf_counter() - t0:.2f} s")

        def filters() -> Filters:
            focus = str(rng.choice(["all", "region", "mediterranean"]))
            start = int(rng.integers(2002, 2015))
            return Filters(year_from=start, focus=focus)

        queries: dict[str, Callable[[Filters], object]] = {
            "victims by year": lambda f: victims_by_year(con, f),
            "exploitation types": lambda f: group_shares(con, "exp", f),
            "sectors": lambda f: group_shares(con, "sector", f),
            "means of control": lambda f: group_shares(con, "means", f),
            "recruiter relation": lambda f: group_shares(con, "rel", f),
            "recruitment method": lambda f: group_shares(con, "rec", f),
            "citizenship -> exploitation": lambda f: flows(con, f),
        }
        reference: list[float] = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            con.execute("SELECT count(*), sum(year) FROM victims").fetchall()
            reference.append(time.perf_counter() - t0)
        ref = p95(reference)
        print(f"reference full scan: p95 {ref * 1000:.1f} ms")
        page: list[float] = []
        worst = 0.0
        timings: dict[str, list[float]] = {name: [] for name in queries}
        for _ in range(args.repeat):
            f = filters()
            start_page = time.perf_counter()
            for name, query in queries.items():
                t0 = time.perf_counter()
                query(f)
                timings[name].append(time.perf_counter() - t0)
            page.append(time.perf_counter() - start_page)
        for name, samples in timings.items():
            q = p95(samples)
            worst = max(worst, q)
            median = statistics.median(samples) * 1000
            print(f"{name:30s} p95 {q * 1000:7.1f} ms  median {median:7.1f} ms"
                  f"  ratio to scan {q / ref:5.1f}")  # fmt: skip
        print(f"whole page (7 queries) p95 {p95(page) * 1000:.1f} ms")
        t0 = time.perf_counter()
        emerging(con, ("exp", "rec", "citizenship"), Filters())
        print(f"trends scan (exp, rec, citizenship): {time.perf_counter() - t0:.2f} s")
        print(f"goal p95 < 300 ms per query: {'met' if worst < 0.3 else 'NOT met'}")


if __name__ == "__main__":
    main()
