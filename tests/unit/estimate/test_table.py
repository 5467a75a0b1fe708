"""Reading and checking overlap tables: every bad input names its line and field."""

from __future__ import annotations

import pytest

from pharos.estimate.table import (
    OverlapTable,
    OverlapTableError,
    parse_overlap_csv,
    table_from_persons,
)

GOOD = "A,B,C,count\n1,0,0,30\n0,1,0,20\n0,0,1,25\n1,1,0,8\n1,0,1,5\n0,1,1,3\n1,1,1,1\n"


def test_reads_counts_and_fills_missing_patterns_with_zero() -> None:
    table = parse_overlap_csv("A,B,C,count\n1,0,0,30\n0,1,0,20\n1,1,0,8\n")
    assert table.lists == ("A", "B", "C")
    assert table.observed == 58
    assert table.counts[(0, 0, 1)] == 0
    assert len(table.counts) == 7
    assert table.overlap("A", "B") == 8
    assert table.list_size("A") == 38


def test_reads_the_sparsemse_layout_with_decimals_and_other_count_names() -> None:
    table = parse_overlap_csv("I,K,frequency\n1.0,0.0,4.0\n0.0,1.0,2.0\n1.0,1.0,1.0\n")
    assert table.lists == ("I", "K")
    assert table.counts[(1, 1)] == 1


@pytest.mark.parametrize(
    ("text", "line", "field", "words"),
    [
        ("A,B,count\n1,0,3\n2,0,4\n", 3, "A", "0 or 1"),
        ("A,B,count\n1,0,3\n0,1,-4\n", 3, "count", "negative"),
        ("A,B,count\n1,0,3\n0,1,x\n", 3, "count", "whole number"),
        ("A,count\n1,3\n", 1, None, "at least two lists"),
        ("A,B,count\n1,0,3\n0,0,4\n", 3, "A, B", "every list at 0"),
        ("A,B,C\n1,0,1\n", 1, None, "no count column"),
        ("A,B,count\n1,0,3\n0,1,4\n1,0,5\n", 4, "A, B", "already appears on line 2"),
        ("A,B,count\n1,0,3\n0,1\n", 3, None, "expected 3 fields"),
    ],
)
def test_bad_input_names_the_line_and_field(
    text: str, line: int, field: str | None, words: str
) -> None:
    with pytest.raises(OverlapTableError) as info:
        parse_overlap_csv(text)
    assert info.value.line == line
    assert info.value.field == field
    assert words in str(info.value)
    assert f"line {line}" in str(info.value)


def test_an_empty_file_and_a_table_of_zeros_are_refused() -> None:
    with pytest.raises(OverlapTableError):
        parse_overlap_csv("")
    with pytest.raises(OverlapTableError, match="holds no one"):
        parse_overlap_csv("A,B,count\n1,0,0\n")


def test_small_cells_are_suppressed_with_a_secondary_cell_when_only_one_is_small() -> None:
    table = parse_overlap_csv(GOOD)
    rows = {"+".join(r["lists"]): r for r in table.protected_rows(k=11)}  # type: ignore[arg-type]
    assert rows["A"]["count"] == 30
    assert rows["A+B"]["suppressed"] and rows["A+B+C"]["count"] is None
    one_small = parse_overlap_csv("A,B,count\n1,0,30\n0,1,20\n1,1,3\n")
    shown = {"+".join(r["lists"]): r["count"] for r in one_small.protected_rows(k=11)}  # type: ignore[arg-type]
    # the single small cell (3) and the smallest other cell (20) are both hidden
    assert shown == {"A": 30, "B": None, "A+B": None}


def test_merging_lists_adds_people_on_either() -> None:
    table = parse_overlap_csv(GOOD)
    merged = table.merge_lists(["B", "C"], "BC")
    assert merged.lists == ("A", "BC")
    assert merged.observed == table.observed
    assert merged.counts[(0, 1)] == 20 + 25 + 3
    assert merged.counts[(1, 1)] == 8 + 5 + 1


def test_round_trip_through_csv_and_building_from_persons() -> None:
    table = parse_overlap_csv(GOOD)
    assert parse_overlap_csv(table.to_csv()) == table
    built = table_from_persons(["A", "B"], [frozenset({"A"}), frozenset({"A", "B"}), frozenset()])
    assert built.counts == {(1, 0): 1, (0, 1): 0, (1, 1): 1}


def test_a_table_needs_two_distinct_lists() -> None:
    with pytest.raises(OverlapTableError):
        OverlapTable(("A",), {(1,): 3})
    with pytest.raises(OverlapTableError):
        OverlapTable(("A", "A"), {(1, 0): 3})
