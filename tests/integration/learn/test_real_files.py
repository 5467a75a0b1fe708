"""The real CTDC excerpt and the real UNODC GLOTIP file import completely.

Reads ``../shared/data`` beside the repository (CI keeps a copy there); skipped if absent.
Expected numbers are counted from the files here with the standard library, not by Pharos.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from pharos.domain.geography import region_state_codes
from pharos.learn.importing import import_file
from pharos.learn.options import Kind
from pharos.learn.store import Store

REPO = Path(__file__).resolve().parents[3]
# beside the clone (CI); a git worktree in /work/wt/<area> has it one level higher
SHARED = next(
    (p / "shared" / "data" for p in (REPO.parent, REPO.parent.parent) if (p / "shared").is_dir()),
    REPO.parent / "shared" / "data",
)
CTDC = SHARED / "ctdc" / "excerpt" / "ctdc_global_k_anon_dataset_EXCERPT.csv"
GLOTIP_XLSX = SHARED / "unodc_glotip" / "data_glotip.xlsx"
GLOTIP_CSV = SHARED / "unodc_glotip" / "data_glotip_1.csv"

needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason=f"shared data folder {SHARED} is absent (it sits beside the clone)"
)


@needs_shared
def test_ctdc_excerpt_imports_completely(tmp_path: Path) -> None:
    with CTDC.open(encoding="utf-8", newline="") as fp:
        rows = list(csv.DictReader(fp, delimiter=";"))
    store = Store(tmp_path)
    report = import_file(store, CTDC)
    assert report.written and report.refusals == []
    assert report.rows_read == report.rows_accepted == len(rows) == 12
    con = store.connect()
    by_citizenship = dict(
        con.execute("SELECT citizenship, count(*) FROM victims GROUP BY 1").fetchall()
    )
    expected = Counter(r["citizenship"] for r in rows)
    iso3 = {"CO": "COL", "MD": "MDA", "CM": "CMR"}
    assert by_citizenship == {iso3[c]: n for c, n in expected.items()}
    libya = con.execute("SELECT count(*) FROM victims WHERE exploitation_country = 'LBY'")
    assert libya.fetchone() == (sum(r["CountryOfExploitation"] == "LY" for r in rows),)
    sexual = con.execute("SELECT count(*) FROM victims WHERE exp_sexual_exploitation")
    assert sexual.fetchone() == (sum(r["isSexualExploit"] == "1" for r in rows),)
    no_year = con.execute("SELECT count(*) FROM victims WHERE year IS NULL").fetchone()
    assert no_year == (sum(r["yearOfRegistration"] == "" for r in rows),)


@needs_shared
def test_ctdc_excerpt_k_export_refuses_at_11_and_keeps_everything_at_2(tmp_path: Path) -> None:
    """The real excerpt's 12 rows: six registered in 2002, six with no year. At k = 11 every
    class must hold 11 of the 12 rows, so the year, the country and the age must go: refused,
    nothing written. At k = 2 every row keeps its year and citizenship as recorded."""
    from pharos.learn.export import ExportRefused, export_ctdc

    store = Store(tmp_path / "s")
    import_file(store, CTDC)
    out = tmp_path / "out.csv"
    with pytest.raises(ExportRefused) as refused:
        export_ctdc(store.frame("victims"), out, k=11)
    assert "yearOfRegistration" in refused.value.plan.over_limit and not out.exists()
    report = export_ctdc(store.frame("victims"), out, k=2)
    assert report.plan is not None and report.verification is not None
    assert report.verification.failures == () and report.verification.smallest >= 2
    with out.open(encoding="utf-8", newline="") as fp:
        written = list(csv.DictReader(fp))
    with CTDC.open(encoding="utf-8", newline="") as fp:
        raw = list(csv.DictReader(fp, delimiter=";"))
    assert Counter(r["yearOfRegistration"] for r in written) == Counter(
        r["yearOfRegistration"] for r in raw
    )
    iso3 = {"CO": "COL", "MD": "MDA", "CM": "CMR"}
    assert Counter(r["citizenship"] for r in written) == Counter(
        iso3[r["citizenship"]] for r in raw
    )


def _glotip_expected() -> tuple[int, dict[str, tuple[int, int]]]:
    """Rows, and per region state: (sum of exact detected-victim totals, censored cells)."""
    totals: dict[str, tuple[int, int]] = {}
    n = 0
    with GLOTIP_CSV.open(encoding="utf-8", newline="") as fp:
        for r in csv.DictReader(fp):
            n += 1
            if r["Iso3_code"] not in region_state_codes():
                continue
            if (r["Indicator"], r["Dimension"], r["Sex"], r["Age"]) != (
                "Detected trafficking victims", "Total", "Total", "Total",
            ):  # fmt: skip
                continue
            value, censored = totals.get(r["Iso3_code"], (0, 0))
            if r["txtVALUE"].startswith("<"):
                censored += 1
            else:
                value += int(r["txtVALUE"].replace(",", ""))
            totals[r["Iso3_code"]] = (value, censored)
    return n, totals


def _glotip_actual(store: Store) -> dict[str, tuple[int, int]]:
    con = store.connect()
    rows = con.execute(
        "SELECT iso3, coalesce(sum(value), 0), count(*) FILTER (WHERE censored) FROM glotip "
        "WHERE indicator = 'Detected trafficking victims' AND dimension = 'Total' "
        "AND sex = 'Total' AND age = 'Total' AND list_contains(?, iso3) GROUP BY iso3",
        [list(region_state_codes())],
    ).fetchall()
    return {iso3: (int(v), int(c)) for iso3, v, c in rows}


@needs_shared
def test_glotip_csv_export_imports_completely(tmp_path: Path) -> None:
    rows, expected = _glotip_expected()
    store = Store(tmp_path)
    report = import_file(store, GLOTIP_CSV, kind=Kind.UNODC)
    assert report.written and report.refusals == []
    assert report.rows_accepted == rows == 46556
    assert _glotip_actual(store) == expected
    # not a comparison of empty sets: GLOTIP's country data has detected-victim totals for these
    assert {"DZA", "EGY", "TUN", "ITA", "GRC", "MLT", "ESP"} <= set(expected)


@needs_shared
@pytest.mark.slow
def test_glotip_xlsx_imports_completely(tmp_path: Path) -> None:
    rows, expected = _glotip_expected()
    store = Store(tmp_path)
    report = import_file(store, GLOTIP_XLSX)
    assert report.kind == "unodc_glotip"
    assert report.written and report.refusals == [] and report.rows_accepted == rows
    assert _glotip_actual(store) == expected
    censored = store.connect().execute("SELECT count(*) FROM glotip WHERE value_text = '<5'")
    assert censored.fetchone() == (23076,)
