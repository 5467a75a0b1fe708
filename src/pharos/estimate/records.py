"""Building an overlap table from Pharos' own records.

Each record says that a person (a key given after duplicate resolution, so that two records of
the same person share one key) was met by an agency; the agency, or its kind (police, NGO, labour
inspectorate, ...), is the list. Filters select the registrations of one state, year,
exploitation type, sex or age band. A person counts once, on every list that recorded them
through a registration that passes the filters.

The records are plain values, so that any store (the server's case database, an import) can feed
them without this module knowing its schema.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pharos.estimate.table import OverlapTable, OverlapTableError, table_from_persons
from pharos.i18n import _


@dataclass(frozen=True)
class ListRecord:
    """One registration: person ``person`` is on list ``list_name``.

    ``person`` must already be the resolved person key (duplicates merged); ``year`` is the
    calendar year of the registration; ``exploitation`` holds the case's exploitation types
    (HTCDS codes, a case may have several); the other fields use the case model's vocabulary.
    """

    person: str
    list_name: str
    state: str | None = None
    year: int | None = None
    exploitation: tuple[str, ...] = ()
    sex: str | None = None
    age_band: str | None = None


@dataclass(frozen=True)
class RecordFilter:
    """Which registrations count; None means any value."""

    state: str | None = None
    year: int | None = None
    exploitation: str | None = None
    sex: str | None = None
    age_band: str | None = None

    def accepts(self, record: ListRecord) -> bool:
        if self.exploitation is not None and self.exploitation not in record.exploitation:
            return False
        for name in ("state", "year", "sex", "age_band"):
            wanted = getattr(self, name)
            if wanted is not None and getattr(record, name) != wanted:
                return False
        return True


def overlap_table_from_records(
    records: Iterable[ListRecord],
    where: RecordFilter | None = None,
    *,
    lists: Sequence[str] | None = None,
) -> OverlapTable:
    """The overlap table of the people in ``records`` that pass ``where``.

    ``lists`` fixes the lists and their order (records on other lists are ignored); by default
    every list with at least one person is used, in alphabetical order. Raises
    :class:`OverlapTableError` when fewer than two lists hold anyone.
    """
    where = where or RecordFilter()
    on_lists: dict[str, set[str]] = {}
    for record in records:
        if not where.accepts(record):
            continue
        if lists is not None and record.list_name not in lists:
            continue
        on_lists.setdefault(record.person, set()).add(record.list_name)
    names = (
        list(lists)
        if lists is not None
        else sorted({name for on in on_lists.values() for name in on})
    )
    used = [n for n in names if any(n in on for on in on_lists.values())]
    if len(used) < 2:
        raise OverlapTableError(
            _(
                "the selected records name fewer than two lists with anyone on them: "
                "at least two are needed to estimate"
            )
        )
    return table_from_persons(used, (frozenset(on) for on in on_lists.values()))
