"""k-anonymity: every combination of quasi-identifier values is shared by at least k rows.

``k_anonymise`` follows CTDC's method for its Global Dataset (codebook v6): values of the
quasi-identifiers are redacted (left empty) in the rows whose combination is rarer than k, one
attribute at a time, starting with the attribute that varies most among those rows; rows still
in a class smaller than k once all their quasi-identifiers are empty are removed. An empty value
is a value like any other for the check, so a reader cannot tell "suppressed" from "unknown".
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pharos.domain.disclosure import DEFAULT_K, check_k


@dataclass
class Suppression:
    """What anonymisation removed: cells emptied per column, and whole rows removed."""

    k: int
    quasi_identifiers: tuple[str, ...]
    rows_in: int = 0
    rows_out: int = 0
    cells_suppressed: dict[str, int] = field(default_factory=dict)

    @property
    def rows_removed(self) -> int:
        return self.rows_in - self.rows_out


def _class_sizes(frame: pl.DataFrame, quasi: list[str]) -> pl.Series:
    return frame.select(pl.len().over(quasi).alias("_n")).to_series()


def k_anonymise(
    frame: pl.DataFrame, quasi_identifiers: tuple[str, ...], k: int = DEFAULT_K
) -> tuple[pl.DataFrame, Suppression]:
    """``frame`` redacted so that it is k-anonymous over ``quasi_identifiers``."""
    check_k(k)
    quasi = list(quasi_identifiers)
    missing = [q for q in quasi if q not in frame.columns]
    if missing:
        raise KeyError(f"quasi-identifiers not in the data: {missing}")
    report = Suppression(k=k, quasi_identifiers=tuple(quasi), rows_in=frame.height)
    report.cells_suppressed = dict.fromkeys(quasi, 0)
    work = frame
    while True:  # each round empties at least one cell, so this ends
        sizes = _class_sizes(work, quasi)
        small = sizes < k
        if not small.any():
            break
        rare = work.filter(small)
        candidates = [q for q in quasi if rare.get_column(q).null_count() < rare.height]
        if not candidates:
            break
        target = max(candidates, key=lambda q: (rare.get_column(q).n_unique(), -quasi.index(q)))
        hit = small & work.get_column(target).is_not_null()
        report.cells_suppressed[target] += int(hit.sum())
        work = work.with_columns(
            pl.when(pl.Series(hit)).then(None).otherwise(pl.col(target)).alias(target)
        )
    sizes = _class_sizes(work, quasi)
    work = work.filter(sizes >= k)
    report.rows_out = work.height
    return work, report


def verify_csv(
    path: Path, quasi_identifiers: tuple[str, ...], k: int
) -> list[tuple[tuple[str, ...], int]]:
    """Re-read a written CSV and list every quasi-identifier combination rarer than ``k``.

    Reads the file with the standard ``csv`` module, independent of the code that wrote it;
    empty cells count as a value. An empty list means the file satisfies k.
    """
    check_k(k)
    counts: dict[tuple[str, ...], int] = {}
    with Path(path).open(encoding="utf-8", newline="") as fp:
        reader = csv.DictReader(fp)
        absent = [q for q in quasi_identifiers if q not in (reader.fieldnames or [])]
        if absent:
            raise KeyError(f"quasi-identifiers not in {path}: {absent}")
        for row in reader:
            key = tuple(row[q] for q in quasi_identifiers)
            counts[key] = counts.get(key, 0) + 1
    return sorted((key, n) for key, n in counts.items() if n < k)
