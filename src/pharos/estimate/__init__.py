"""Estimating the hidden figure: multiple systems estimation from overlapping agency lists.

``read_overlap_csv`` / ``overlap_table_from_records`` give an :class:`OverlapTable`;
``estimate(table)`` selects a log-linear model and returns a :class:`HiddenFigure` with the
estimate, its profile-likelihood interval, the models considered and those excluded.
"""

from pharos.estimate.records import ListRecord, RecordFilter, overlap_table_from_records
from pharos.estimate.report import HiddenFigure, estimate
from pharos.estimate.selection import Criterion, NoModelError
from pharos.estimate.table import (
    OverlapTable,
    OverlapTableError,
    parse_overlap_csv,
    read_overlap_csv,
)

__all__ = [
    "Criterion",
    "HiddenFigure",
    "ListRecord",
    "NoModelError",
    "OverlapTable",
    "OverlapTableError",
    "RecordFilter",
    "estimate",
    "overlap_table_from_records",
    "parse_overlap_csv",
    "read_overlap_csv",
]
