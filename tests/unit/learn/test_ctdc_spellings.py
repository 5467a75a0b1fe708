"""Every spelling the CTDC codebooks write is read (issue 16, item 1).

Before: a synthetic-layout file was refused row by row for ``traffickMonths: unknown duration
band ('0--12 (0-1 yr)')`` (5,945 of 8,000 rows of the issue's file), because the importer knew
only hand-typed ``0--12``, ``13--24``, ``25+``."""

from __future__ import annotations

import collections
import csv
import importlib.util
from pathlib import Path

import polars as pl
import pytest

from pharos.learn import codebook, codes
from pharos.learn.importing import import_file
from pharos.learn.ingest.ctdc import read_ctdc
from pharos.learn.store import Store

from .ctdc_files import SYNTHETIC_MONTHS, write_synthetic

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "scripts" / "derive_ctdc_codebook_values.py"


def test_a_synthetic_file_with_the_codebook_spellings_imports_completely(tmp_path: Path) -> None:
    path = write_synthetic(tmp_path / "synthetic.csv", 8_000)
    expected = collections.Counter(r["traffickMonths"] for r in csv.DictReader(path.open()))
    victims, report = read_ctdc(path)
    assert report.refusals == []
    assert (report.rows_read, report.rows_accepted) == (8_000, 8_000)
    got = collections.Counter(victims.get_column("traffick_months").to_list())
    bands = dict(zip(SYNTHETIC_MONTHS, ["0--12", "13--24", "25+", None], strict=True))
    assert got == {bands[k]: n for k, n in expected.items()}
    assert 0 < got[None] < 8_000 and set(got) == {"0--12", "13--24", "25+", None}


def test_the_v2024_spellings_fixture(fixtures: Path) -> None:
    victims, report = read_ctdc(fixtures / "ctdc_synthetic_v2024_spellings.csv")
    assert (report.rows_accepted, report.refusals) == (6, [])
    rows = victims.to_dicts()
    assert [r["traffick_months"] for r in rows] == ["0--12", "13--24", "25+", "0--12", "25+", None]
    assert [r["gender"] for r in rows][:3] == ["feminine", "masculine", "trans_or_non_conforming"]
    assert rows[3]["minor"] is True and rows[4]["age_band"] == "48+"
    last = rows[5]  # NULL written out, as the codebook names missing data
    assert (last["gender"], last["age_band"], last["citizenship"]) == (None, None, None)


def _one_row_files(tmp_path: Path, fixtures: Path) -> dict[str, pl.DataFrame]:
    out = {}
    for layout, name, sep in (
        ("global", "ctdc_global_quirks.csv", ";"),
        ("synthetic", "ctdc_synthetic_quirks.csv", ","),
    ):
        frame = pl.read_csv(fixtures / name, separator=sep, infer_schema=False)
        out[layout] = frame.head(1)
    del tmp_path
    return out


@pytest.mark.parametrize(
    "variable", ["gender", "ageBroad", "traffickMonths", "majorityStatus", "Datasource"]
)
def test_every_value_the_codebooks_list_is_read(
    tmp_path: Path, fixtures: Path, variable: str
) -> None:
    """Each value, as the codebook writes it (em dashes included), in a file of its layout."""
    templates = _one_row_files(tmp_path, fixtures)
    listed = codebook.listed(variable)
    assert listed, variable
    for i, value in enumerate(listed):
        layout = value.layout if variable != "traffickMonths" else "synthetic"
        template = templates[layout]
        column = next(c for c in template.columns if c.lower() == variable.lower())
        frame = template.with_columns(pl.lit(value.value).alias(column))
        path = tmp_path / f"{layout}-{variable}-{i}.csv"
        frame.write_csv(path, separator=";" if layout == "global" else ",")
        _victims, report = read_ctdc(path)
        assert report.refusals == [], (value, report.refusals)


def test_codes_come_from_the_codebooks() -> None:
    assert codes.AGE_BANDS == ("0--8", "9--17", "18--20", "21--23", "24--26", "27--29",
                               "30--38", "39--47", "48+")  # fmt: skip
    assert codes.TRAFFICK_MONTHS == ("0--12", "13--24", "25+")
    assert {"-99", "null", "unknown", ""} <= codes.MISSING_TEXT
    assert {"ZZ", "00"} == codes.MISSING_COUNTRY
    assert codebook.year_range("synthetic") == (2002, 2022)
    assert codebook.year_range("global") == (2002, 2017)


def test_the_derived_file_is_what_the_script_makes_of_the_codebooks(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("derive_ctdc", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not (module.SHARED / "data" / "ctdc").is_dir():
        pytest.skip("the shared CTDC codebooks are not beside this clone")
    module.OUT = tmp_path / "ctdc_values.csv"
    module.main()
    shipped = ROOT / "src" / "pharos" / "learn" / "data" / "ctdc_values.csv"
    assert module.OUT.read_text(encoding="utf-8") == shipped.read_text(encoding="utf-8")


def test_refusals_are_summarised_by_field_and_value(tmp_path: Path) -> None:
    path = write_synthetic(tmp_path / "s.csv", 400, seed=7)
    text = path.read_text(encoding="utf-8")
    text = text.replace(",13--24 (1-2 yrs),", ",13-24 months,").replace(",Woman,", ",W,")
    bad = tmp_path / "bad.csv"
    bad.write_text(text, encoding="utf-8")
    report = import_file(Store(tmp_path / "store"), bad)
    assert not report.written
    groups = report.summary()
    counts = {(g.field, g.value): g.count for g in groups}
    lines = text.splitlines()[1:]
    assert counts[("traffickMonths", "13-24 months")] == sum(",13-24 months," in x for x in lines)
    assert counts[("gender", "W")] == sum(",W," in x for x in lines)
    assert [g.count for g in groups] == sorted((g.count for g in groups), reverse=True)
    first = min(i for i, x in enumerate(lines, start=2) if ",13-24 months," in x)
    assert next(g for g in groups if g.field == "traffickMonths").first_line == first
