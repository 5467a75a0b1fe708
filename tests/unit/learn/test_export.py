"""Exports: CTDC layout, verified k, formula injection neutralised, HTCDS for exchange."""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pharos.learn.export import (
    ExportError,
    _formula_safe,
    export_ctdc,
    export_htcds,
    to_ctdc_frame,
)
from pharos.learn.importing import import_file
from pharos.learn.ingest.ctdc import FORMAT_B_COLUMNS, read_ctdc
from pharos.learn.ingest.report import neutralise_formula
from pharos.learn.schema import conform
from pharos.learn.store import Store


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("-99", "-99"),
        ("ITA", "ITA"),
        ("", ""),
    ],
)
def test_formula_cells_are_neutralised(cell: str, safe: str) -> None:
    assert neutralise_formula(cell) == safe


def test_round_trip_keeps_the_synthetic_layout(fixtures: Path, tmp_path: Path) -> None:
    victims, _ = read_ctdc(fixtures / "ctdc_synthetic_quirks.csv")
    frame = to_ctdc_frame(conform(victims, "victims"))
    assert tuple(frame.columns) == FORMAT_B_COLUMNS
    first = frame.row(0, named=True)
    assert first["gender"] == "Woman" and first["ageBroad"] == "9--17"
    assert first["isSexualExploit"] == "1" and first["isForcedLabour"] is None
    # the file it writes reads back as the same layout (k = 2 with identical rows)
    many = pl.concat([conform(victims, "victims")] * 3)
    out = tmp_path / "export.csv"
    export_ctdc(many, out, k=3)
    again, report = read_ctdc(out)
    assert report.refusals == [] and again.height == 15
    assert again.get_column("citizenship").to_list()[:5] == ["NGA", "MAR", None, "EGY", None]


def test_export_refuses_an_unknown_quasi_identifier(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="not a column"):
        export_ctdc(conform(pl.DataFrame({"source": ["x"]}), "victims"), tmp_path / "x.csv",
                    quasi_identifiers=("passportNumber",))  # fmt: skip
    assert not (tmp_path / "x.csv").exists()


def test_htcds_export_neutralises_formulas_and_keeps_no_identifiers(
    fixtures: Path, tmp_path: Path
) -> None:
    store = Store(tmp_path / "s")
    assert import_file(store, fixtures / "htcds_variants.csv").written
    cases = store.frame("htcds_cases").with_columns(
        pl.lit('=HYPERLINK("http://evil")').alias("vic_LocationOfExploitation")
    )
    out = tmp_path / "htcds.csv"
    export_htcds(cases, out)
    with out.open(encoding="utf-8", newline="") as fp:
        rows = list(csv.DictReader(fp))
    assert len(rows) == 3
    assert rows[0]["vic_LocationOfExploitation"].startswith("'=")
    assert rows[0]["prs_Citizenship"] == "NGA" and "prs_FirstName" not in rows[0]
    # an HTCDS export imports back into Pharos
    assert import_file(Store(tmp_path / "t"), out, accept_partial=True).rows_read == 3


@settings(max_examples=200, deadline=None)
@given(
    cells=st.lists(
        st.one_of(
            st.text(max_size=8),
            st.from_regex(r"\A *[=+\-@\t\r]?[0-9.]{0,4}[a-z(]?\Z"),
        ),
        max_size=30,
    )
)
def test_the_vectorised_formula_guard_agrees_with_neutralise_formula(cells: list[str]) -> None:
    """The CTDC export neutralises formulas with a Polars expression; it must give the same
    cell as ``neutralise_formula``, which the other exports use."""
    frame = pl.DataFrame({"c": cells}, schema={"c": pl.String})
    out = frame.select(_formula_safe("c")).get_column("c").to_list()
    assert out == [neutralise_formula(c) for c in cells]
