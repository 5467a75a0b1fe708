"""The k-anonymous export of one million rows, generalisation search included; and DuckDB.

Generates the one-million-row CTDC Format A file of ``learn_import.py`` (same seed), imports
it, then times ``export_ctdc`` (k = 11, the default six quasi-identifiers, every flag of the
layout as a sensitive field: search, generalisation and suppression, writing, the re-read with
DuckDB). The reference, measured in the same process, is a plain DuckDB ``COPY`` of the same
rows in the same layout to CSV, without any anonymisation. Goal: the export under 60 s. Also
prints the plan and the share of rows whose year and citizenship are kept (possibly
generalised), the issue's figure of usefulness.

    PYTHONPATH=src python benchmarks/learn_export.py [--rows 1000000] [--k 11]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))

from learn_import import generate
from pharos.learn.export import export_ctdc, to_ctdc_frame
from pharos.learn.importing import import_file
from pharos.learn.store import Store


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--k", type=int, default=11)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "ctdc_global.csv"
        generate(source, args.rows)
        store = Store(Path(tmp) / "store")
        t0 = time.perf_counter()
        imported = import_file(store, source, accept_partial=True, max_bytes=2**30)
        print(f"imported {imported.rows_accepted:,} rows in {time.perf_counter() - t0:.1f} s")
        victims = store.frame("victims")

        t0 = time.perf_counter()
        layout = to_ctdc_frame(victims)  # noqa: F841  (read by DuckDB below)
        duckdb.sql(f"COPY (SELECT * FROM layout) TO '{Path(tmp) / 'plain.csv'}' (HEADER)")
        reference = time.perf_counter() - t0
        print(f"reference: the same rows in the CTDC layout, DuckDB COPY to CSV: {reference:.2f} s")

        t0 = time.perf_counter()
        report = export_ctdc(victims, Path(tmp) / "k.csv", k=args.k, force=True)
        pharos = time.perf_counter() - t0
        plan, check = report.plan, report.verification
        assert plan is not None and check is not None
        print(f"pharos k = {args.k} export (search, generalise, suppress, write, verify): "
              f"{pharos:.2f} s; {plan.nodes_evaluated} of {plan.nodes_total} plans "
              "evaluated")  # fmt: skip
        for col in plan.columns():
            if col.quasi or col.lost_share > 0:
                print(f"  {col.column:<34} {col.generalisation:<42} lost {col.lost_share:6.1%}")
        print(f"  rows written {report.rows:,} of {plan.rows_in:,}; "
              f"information loss {plan.loss:.1%}; {check.classes} classes, "
              f"smallest {check.smallest}, failures {len(check.failures)}")  # fmt: skip
        for column in ("yearOfRegistration", "citizenship"):
            print(f"  {column} kept (possibly generalised) for {1 - plan.lost_share(column):.1%} "
                  "of the rows")  # fmt: skip
        print(f"ratio pharos / DuckDB COPY: {pharos / reference:.1f}")
        print(f"goal < 60 s: {'met' if pharos < 60 else 'NOT met'}")


if __name__ == "__main__":
    main()
