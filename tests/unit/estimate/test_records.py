"""Overlap tables from Pharos records (one registration per person and agency)."""

from __future__ import annotations

import pytest

from pharos.estimate.records import ListRecord, RecordFilter, overlap_table_from_records
from pharos.estimate.table import OverlapTableError

RECORDS = [
    ListRecord("p1", "police", state="ITA", year=2024, exploitation=("sexual",), sex="female"),
    ListRecord("p1", "ngo", state="ITA", year=2024, exploitation=("sexual",), sex="female"),
    ListRecord("p1", "ngo", state="ITA", year=2024, exploitation=("sexual",), sex="female"),
    ListRecord(
        "p2", "ngo", state="ITA", year=2024, exploitation=("labour", "domestic"), sex="male"
    ),
    ListRecord(
        "p3", "labour_inspectorate", state="ITA", year=2024, exploitation=("labour", "domestic")
    ),
    ListRecord("p3", "ngo", state="ITA", year=2024, exploitation=("labour", "domestic")),
    ListRecord("p4", "police", state="GRC", year=2024, exploitation=("sexual",)),
    ListRecord("p5", "police", state="ITA", year=2023, exploitation=("sexual",)),
]


def test_each_person_counts_once_on_every_list_that_recorded_them() -> None:
    table = overlap_table_from_records(RECORDS, RecordFilter(state="ITA", year=2024))
    assert table.lists == ("labour_inspectorate", "ngo", "police")
    assert table.observed == 3
    assert table.counts[(0, 1, 1)] == 1  # p1: ngo (twice) and police
    assert table.counts[(0, 1, 0)] == 1  # p2
    assert table.counts[(1, 1, 0)] == 1  # p3


def test_filters_on_exploitation_and_sex_and_fixed_lists() -> None:
    table = overlap_table_from_records(
        RECORDS, RecordFilter(exploitation="sexual"), lists=["police", "ngo"]
    )
    assert table.lists == ("police", "ngo")
    assert table.counts == {(1, 0): 2, (0, 1): 0, (1, 1): 1}
    female = overlap_table_from_records(
        RECORDS, RecordFilter(sex="female"), lists=["police", "ngo"]
    )
    assert female.observed == 1


def test_fewer_than_two_lists_with_anyone_is_an_error() -> None:
    with pytest.raises(OverlapTableError):
        overlap_table_from_records(RECORDS, RecordFilter(state="GRC"))
