"""The list-overlap table: how many people were seen by each combination of lists.

An overlap table for L lists has one cell per non-empty capture pattern (2**L - 1 cells); the
all-zero pattern — people on no list — is the hidden figure the models estimate. Tables are read
from CSV (one 0/1 column per list and a ``count`` column, the layout of the SparseMSE data sets)
or built from Pharos records (:mod:`pharos.estimate.records`).
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pharos.domain.disclosure import DEFAULT_K, protect
from pharos.i18n import _, ngettext

#: Names accepted for the count column (the SparseMSE tables use ``count``, ``n`` or ``frequency``).
COUNT_COLUMNS: tuple[str, ...] = ("count", "n", "frequency", "freq")

Pattern = tuple[int, ...]


class OverlapTableError(ValueError):
    """A table that cannot be used, with the line (1 = header) and field at fault."""

    def __init__(self, message: str, *, line: int | None = None, field: str | None = None):
        self.line = line
        self.field = field
        self.detail = message
        where = []
        if line is not None:
            where.append(_("line %(line)s") % {"line": line})
        if field is not None:
            where.append(_("field %(field)s") % {"field": field})
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


@dataclass(frozen=True)
class OverlapTable:
    """Counts of people by capture pattern; patterns never seen have count 0.

    ``lists`` names the lists in column order; ``counts`` maps every non-empty pattern (a tuple of
    0/1, one per list) to the number of people (persons, not records) on exactly those lists.
    """

    lists: tuple[str, ...]
    counts: Mapping[Pattern, int]

    def __post_init__(self) -> None:
        if len(self.lists) < 2:
            raise OverlapTableError(_("an overlap table needs at least two lists"))
        if len(set(self.lists)) != len(self.lists):
            raise OverlapTableError(_("list names must be different"))
        full = {p: 0 for p in all_patterns(len(self.lists))}
        for pattern, count in self.counts.items():
            if pattern not in full:
                raise OverlapTableError(
                    _("pattern %(pattern)s is not a non-empty 0/1 pattern of the lists")
                    % {"pattern": pattern}
                )
            if count < 0:
                raise OverlapTableError(_("a count cannot be negative"))
            full[pattern] = int(count)
        object.__setattr__(self, "counts", full)

    @property
    def n_lists(self) -> int:
        return len(self.lists)

    @property
    def observed(self) -> int:
        """People seen on at least one list."""
        return sum(self.counts.values())

    def list_size(self, name: str) -> int:
        """People on list ``name`` (whatever other lists they are on)."""
        i = self.lists.index(name)
        return sum(c for p, c in self.counts.items() if p[i])

    def overlap(self, a: str, b: str) -> int:
        """People on both lists ``a`` and ``b``."""
        i, j = self.lists.index(a), self.lists.index(b)
        return sum(c for p, c in self.counts.items() if p[i] and p[j])

    def rows(self, *, include_zero: bool = False) -> list[tuple[Pattern, int]]:
        """Cells in a stable order (by number of lists, then pattern), zero cells optional."""
        cells = sorted(self.counts.items(), key=lambda pc: (sum(pc[0]), [-v for v in pc[0]]))
        return [(p, c) for p, c in cells if include_zero or c > 0]

    def protected_rows(self, k: int = DEFAULT_K) -> list[dict[str, object]]:
        """Non-empty cells as they may be shown: counts below ``k`` become None (suppressed).

        The total seen is shown beside the table, so a single suppressed cell could be recovered
        by subtraction: when exactly one cell is suppressed, the smallest shown cell is
        suppressed too (secondary suppression).
        """
        rows = self.rows()
        hidden = {p for p, c in rows if protect(c, k).suppressed}
        if len(hidden) == 1:
            shown = [(c, p) for p, c in rows if p not in hidden]
            if shown:
                hidden.add(min(shown)[1])
        return [
            {
                "lists": [n for n, on in zip(self.lists, pattern, strict=True) if on],
                "count": None if pattern in hidden else count,
                "suppressed": pattern in hidden,
            }
            for pattern, count in rows
        ]

    def merge_lists(self, names: Sequence[str], merged_name: str) -> OverlapTable:
        """The table with lists ``names`` combined into one list (a person on any of them)."""
        idx = [self.lists.index(n) for n in names]
        keep = [i for i in range(self.n_lists) if i not in idx]
        new_lists = (*tuple(self.lists[i] for i in keep), merged_name)
        counts: dict[Pattern, int] = {}
        for pattern, count in self.counts.items():
            new = (*tuple(pattern[i] for i in keep), int(any(pattern[i] for i in idx)))
            counts[new] = counts.get(new, 0) + count
        return OverlapTable(new_lists, counts)

    def to_csv(self) -> str:
        """The table as CSV (all non-empty cells with a positive count, exact counts)."""
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow([*self.lists, "count"])
        for pattern, count in self.rows():
            writer.writerow([*pattern, count])
        return buf.getvalue()


def all_patterns(n_lists: int) -> list[Pattern]:
    """Every non-empty 0/1 pattern of ``n_lists`` lists."""
    return [p for p in itertools.product((0, 1), repeat=n_lists) if any(p)]


def _binary(value: str, *, line: int, field: str) -> int:
    text = value.strip()
    try:
        number = float(text)
    except ValueError:
        number = float("nan")
    if number not in (0.0, 1.0):
        raise OverlapTableError(
            _("a list column must hold 0 or 1, found %(value)r") % {"value": value},
            line=line,
            field=field,
        )
    return int(number)


def _count(value: str, *, line: int, field: str) -> int:
    text = value.strip()
    try:
        number = float(text)
    except ValueError:
        raise OverlapTableError(
            _("the count must be a whole number, found %(value)r") % {"value": value},
            line=line,
            field=field,
        ) from None
    if number != number or number != int(number):
        raise OverlapTableError(
            _("the count must be a whole number, found %(value)r") % {"value": value},
            line=line,
            field=field,
        )
    if number < 0:
        raise OverlapTableError(
            _("a count cannot be negative, found %(value)s") % {"value": text},
            line=line,
            field=field,
        )
    return int(number)


def parse_overlap_csv(text: str) -> OverlapTable:
    """Read an overlap table from CSV text; errors name the line (header = 1) and the field."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise OverlapTableError(_("the file is empty"), line=1) from None
    lowered = [h.lower() for h in header]
    count_idx = next((lowered.index(c) for c in COUNT_COLUMNS if c in lowered), None)
    if count_idx is None:
        raise OverlapTableError(
            _("no count column: add a column named 'count' holding the number of people"),
            line=1,
        )
    list_names = [h for i, h in enumerate(header) if i != count_idx]
    if any(not h for h in list_names):
        raise OverlapTableError(_("a list column has no name"), line=1)
    if len(set(list_names)) != len(list_names):
        raise OverlapTableError(_("two list columns have the same name"), line=1)
    if len(list_names) < 2:
        raise OverlapTableError(
            _("an overlap table needs at least two lists, found %(n)s") % {"n": len(list_names)},
            line=1,
        )
    counts: dict[Pattern, int] = {}
    first_line: dict[Pattern, int] = {}
    for line_no, row in enumerate(reader, start=2):
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise OverlapTableError(
                _("expected %(expected)s, found %(found)s")
                % {
                    "expected": ngettext("%(n)s field", "%(n)s fields", len(header))
                    % {"n": len(header)},
                    "found": len(row),
                },
                line=line_no,
            )
        pattern = tuple(
            _binary(row[i], line=line_no, field=header[i])
            for i in range(len(header))
            if i != count_idx
        )
        count = _count(row[count_idx], line=line_no, field=header[count_idx])
        if not any(pattern):
            raise OverlapTableError(
                _(
                    "a row with every list at 0 describes people on no list, which no agency "
                    "can count: remove it (the models estimate that cell)"
                ),
                line=line_no,
                field=", ".join(list_names),
            )
        if pattern in first_line:
            raise OverlapTableError(
                _("this pattern of lists already appears on line %(other)s")
                % {"other": first_line[pattern]},
                line=line_no,
                field=", ".join(list_names),
            )
        first_line[pattern] = line_no
        counts[pattern] = count
    if sum(counts.values()) == 0:
        raise OverlapTableError(_("the table holds no one: every count is zero or missing"))
    return OverlapTable(tuple(list_names), counts)


def read_overlap_csv(path: str | Path) -> OverlapTable:
    """Read an overlap table CSV file (UTF-8); see :func:`parse_overlap_csv`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise OverlapTableError(_("the file is not UTF-8 text")) from None
    return parse_overlap_csv(text)


def table_from_persons(lists: Sequence[str], persons: Iterable[frozenset[str]]) -> OverlapTable:
    """The table of people given, for each person, the set of lists that person is on."""
    counts: dict[Pattern, int] = {}
    for on in persons:
        pattern = tuple(int(name in on) for name in lists)
        if any(pattern):
            counts[pattern] = counts.get(pattern, 0) + 1
    return OverlapTable(tuple(lists), counts)
