"""Dashboard queries: counts, shares within a group, flows, filters and small cells."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from pharos.learn.analytics import (
    Filters,
    dashboard,
    flows,
    group_shares,
    has_cube,
    prepare,
    victims_by_year,
)
from pharos.learn.schema import conform
from pharos.learn.store import Store


def _victims() -> pl.DataFrame:
    rows: list[dict[str, object]] = []
    # 30 Nigerian women to Italy in 2019, sexual exploitation; 20 also forced labour
    for i in range(30):
        rows.append({"year": 2019, "gender": "feminine", "citizenship": "NGA",
                     "exploitation_country": "ITA", "exp_sexual_exploitation": True,
                     "exp_forced_labour": i < 20})  # fmt: skip
    # 15 Bangladeshi men to Malta in 2020, forced labour only
    for _ in range(15):
        rows.append({"year": 2020, "gender": "masculine", "citizenship": "BGD",
                     "exploitation_country": "MLT", "exp_forced_labour": True,
                     "exp_sexual_exploitation": False})  # fmt: skip
    # 4 Colombians in the USA (outside the region) in 2020; no exploitation information
    for _ in range(4):
        rows.append({"year": 2020, "gender": "feminine", "citizenship": "COL",
                     "exploitation_country": "USA"})  # fmt: skip
    return conform(pl.DataFrame(rows, schema_overrides={"year": pl.Int16}), "victims")


@pytest.fixture
def con(tmp_path: Path):  # type: ignore[no-untyped-def]
    store = Store(tmp_path)
    store.add(kind="test", file="t", digest="0" * 64, tables={"victims": _victims()})
    connection = store.connect()
    yield connection
    connection.close()


def test_victims_by_year_suppresses_small_cells(con) -> None:  # type: ignore[no-untyped-def]
    table = victims_by_year(con, Filters())
    assert table.rows == [(2019, 30), (2020, 19)]
    assert victims_by_year(con, Filters(gender="feminine")).rows == [(2019, 30), (2020, None)]


def test_shares_use_people_with_information_as_denominator(con) -> None:  # type: ignore[no-untyped-def]
    table = group_shares(con, "exp", Filters())
    assert table.total == 45  # the 4 without information are left out
    by = {r[0]: r for r in table.rows}
    assert by["forced_labour"][1:] == (35, pytest.approx(35 / 45))
    assert by["sexual_exploitation"][1:] == (30, pytest.approx(30 / 45))


def test_region_focus_and_flows(con) -> None:  # type: ignore[no-untyped-def]
    assert victims_by_year(con, Filters(focus="region")).rows == [(2019, 30), (2020, 15)]
    table = flows(con, Filters())
    assert table.rows == [("NGA", "ITA", 30), ("BGD", "MLT", 15)]
    assert table.suppressed == 1  # COL -> USA, 4 people


def test_empty_store_gives_empty_tables(tmp_path: Path) -> None:
    con = Store(tmp_path / "empty").connect()
    tables = dashboard(con, Filters(focus="mediterranean"))
    assert [t.rows for t in tables] == [[]] * len(tables)


def test_pre_aggregated_tables_give_the_same_answers(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.add(kind="test", file="t", digest="0" * 64, tables={"victims": _victims()})
    raw = store.connect(in_memory=True)
    cubed = store.connect(in_memory=True)
    prepare(cubed)
    assert has_cube(cubed) and not has_cube(raw)
    for f in (Filters(), Filters(focus="region"), Filters(focus="mediterranean", gender="feminine"),
              Filters(year_from=2020), Filters(year_to=2019, focus="region")):  # fmt: skip
        assert [t.rows for t in dashboard(raw, f)] == [t.rows for t in dashboard(cubed, f)]
        assert [t.total for t in dashboard(raw, f)] == [t.total for t in dashboard(cubed, f)]
