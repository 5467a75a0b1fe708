"""What the k-anonymous CTDC export keeps of CTDC files: the figures of docs/learn.md ("Measured").

Imports each file into a temporary store, exports it at each k (the default quasi-identifiers
and sensitive fields, ``--force`` so that a refused plan is still measured), and prints, per k,
whether the export would have been refused (the columns over the 20 % limit), the share of rows
whose year and citizenship are kept (possibly generalised, as ``Plan.lost_share`` counts them)
and the independent check's classes, smallest class and failures.

    PYTHONPATH=src python scripts/learn_export_usefulness.py [FILE ...] [--k 2 --k 11]

Default file: the real CTDC excerpt in ``../shared/data/ctdc/excerpt/``. The generated million
is measured by ``benchmarks/learn_export.py``, which prints the same two shares.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from pharos.learn.export import export_ctdc
from pharos.learn.importing import import_file
from pharos.learn.store import Store

REPO = Path(__file__).resolve().parent.parent
#: the shared data sit beside the clone (or beside its parent, for a worktree)
SHARED = next(
    (p / "shared" / "data" for p in (REPO.parent, REPO.parent.parent) if (p / "shared").is_dir()),
    REPO.parent / "shared" / "data",
)
EXCERPT = SHARED / "ctdc" / "excerpt" / "ctdc_global_k_anon_dataset_EXCERPT.csv"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="*", type=Path, default=[EXCERPT])
    parser.add_argument("--k", type=int, action="append", dest="ks")
    args = parser.parse_args()
    for path in args.files:
        with tempfile.TemporaryDirectory() as tmp:
            store = Store(Path(tmp) / "store")
            imported = import_file(store, path)
            victims = store.frame("victims")
            print(f"{path.name}: {imported.rows_accepted} rows imported")
            for k in args.ks or [2, 6, 7, 11]:
                report = export_ctdc(victims, Path(tmp) / f"k{k}.csv", k=k, force=True)
                plan, check = report.plan, report.verification
                assert plan is not None and check is not None
                year = 1 - plan.lost_share("yearOfRegistration")
                citizenship = 1 - plan.lost_share("citizenship")
                refused = ", ".join(plan.over_limit) or "no"
                print(
                    f"  k = {k:2}: year kept {year:6.1%} ({plan.levels['yearOfRegistration']}), "
                    f"citizenship kept {citizenship:6.1%} ({plan.levels['citizenship']}); "
                    f"rows written {report.rows}; refused without --force: {refused}; "
                    f"check: {check.classes} classes, smallest {check.smallest}, "
                    f"failures {len(check.failures)}"
                )


if __name__ == "__main__":
    main()
