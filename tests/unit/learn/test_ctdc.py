"""CTDC import: both layouts, every coding quirk, and bad input that changes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pharos.learn.importing import import_file
from pharos.learn.ingest.ctdc import read_ctdc
from pharos.learn.ingest.report import ImportRefused
from pharos.learn.options import Layout
from pharos.learn.store import Store


def _row(frame, i):  # type: ignore[no-untyped-def]
    return frame.row(i, named=True)


def test_global_layout_quirks(fixtures: Path) -> None:
    victims, report = read_ctdc(fixtures / "ctdc_global_quirks.csv")
    assert report.kind == "ctdc_global"
    assert (report.rows_read, report.rows_accepted, report.refusals) == (6, 6, [])
    first = _row(victims, 0)
    # ISO2 -> ISO3, -99 is missing, 0 is a recorded "no"
    assert first["citizenship"] == "NGA" and first["exploitation_country"] == "ITA"
    assert first["gender"] == "feminine" and first["minor"] is False
    assert first["means_debt_bondage_earnings"] is True
    assert first["means_threats"] is False  # -99 becomes False within a group with a 1
    assert first["exp_sexual_exploitation"] is True and first["exp_forced_labour"] is False
    assert first["sex_prostitution"] is True and first["rel_friend"] is True
    second = _row(victims, 1)
    # isSexAndLabour sets both types; a quoted ';' list inside a ';' file is one field
    assert second["exp_forced_labour"] and second["exp_sexual_exploitation"]
    assert second["means_threats"] and second["means_abuse_psy_phy_sex"]
    assert second["sector_construction"] is True
    assert second["rel_family"] is None  # recruiterRelationUnknown = 1 means unknown
    third = _row(victims, 2)
    # "Unknown", ZZ and an empty year are missing, not errors
    assert third["year"] is None and third["gender"] is None and third["age_band"] is None
    assert third["citizenship"] is None and third["exploitation_country"] == "USA"
    fourth = _row(victims, 3)
    assert fourth["gender"] == "trans_or_non_conforming" and fourth["minor"] is True
    assert fourth["citizenship"] is None  # 00 = unknown country
    assert fourth["means_threats"] is None  # meansOfControlNotSpecified = 1
    assert fourth["exp_forced_marriage"] is True
    fifth = _row(victims, 4)
    assert fifth["exp_forced_begging"] and fifth["exp_forced_criminality"]
    assert fifth["exp_servitude"] and fifth["means_deny_basic_needs"]
    assert fifth["means_withhold_docs"] and fifth["age_band"] == "0--8"
    assert _row(victims, 5)["age_band"] == "48+"


def test_synthetic_layout_quirks(fixtures: Path) -> None:
    victims, report = read_ctdc(fixtures / "ctdc_synthetic_quirks.csv")
    assert report.kind == "ctdc_synthetic"
    assert (report.rows_accepted, report.refusals) == (5, [])
    rows = victims.to_dicts()
    assert rows[0]["age_band"] == "9--17" and rows[0]["minor"] is True  # 09--17
    assert rows[1]["age_band"] == "0--8"  # em dash of the PDFs
    assert rows[0]["sex_prostitution"] is True  # sectorOfSex* -> typeOfSex*
    assert rows[1]["sector_agriculture"] is True  # sectorOfLabour*
    assert rows[1]["means_withhold_docs"] is True  # meansWithholdDocuments alias
    assert rows[0]["means_threats"] is False  # NULL in a group with a 1 -> 0
    assert rows[2]["means_threats"] is None  # no information in the group
    assert rows[2]["gender"] == "trans_or_non_conforming" and rows[2]["citizenship"] is None
    assert rows[3]["gender"] is None and rows[3]["traffick_months"] == "13--24"
    assert rows[4]["citizenship"] is None  # NULL
    assert rows[1]["citizenship"] == "MAR" and rows[1]["exploitation_country"] == "ESP"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _store_unchanged(store: Store) -> None:
    assert store.datasets() == []
    assert store.files("victims") == []


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "store")


def test_wrong_delimiter_is_refused(tmp_path: Path, fixtures: Path, store: Store) -> None:
    text = (fixtures / "ctdc_global_quirks.csv").read_text().replace(";", "|")
    path = _write(tmp_path, "pipes.csv", text)
    with pytest.raises(ImportRefused, match="vertical bars"):
        import_file(store, path)
    _store_unchanged(store)


def test_rows_split_by_another_delimiter_are_refused_with_their_line(
    tmp_path: Path, fixtures: Path, store: Store
) -> None:
    lines = (fixtures / "ctdc_global_quirks.csv").read_text().splitlines()
    lines[2] = lines[2].replace(";", ",")
    path = _write(tmp_path, "mixed.csv", "\n".join(lines) + "\n")
    report = import_file(store, path)
    assert not report.written
    assert [r.line for r in report.refusals] == [3]
    assert report.refusals[0].reason == "1 field where the header has 64"
    _store_unchanged(store)


def test_unknown_codes_name_file_line_and_field(
    tmp_path: Path, fixtures: Path, store: Store
) -> None:
    text = (fixtures / "ctdc_synthetic_quirks.csv").read_text()
    text = text.replace("2019,Man,", "2019,Alien,").replace(",EGY,", ",XYZ,")
    text = text.replace("0--12,,,,1,", "0--12,,,,yes,")
    path = _write(tmp_path, "codes.csv", text)
    report = import_file(store, path)
    assert not report.written and report.rows_accepted == 2
    found = {(r.line, r.field, r.value) for r in report.refusals}
    assert found == {
        (3, "gender", "Alien"),
        (5, "citizenship", "XYZ"),
        (2, "meansFalsePromises", "yes"),
    }
    assert all(r.file == "codes.csv" for r in report.refusals)
    assert "line 3, field gender" in next(r for r in report.refusals if r.line == 3).describe()
    _store_unchanged(store)


def test_accept_partial_stores_the_accepted_rows(
    tmp_path: Path, fixtures: Path, store: Store
) -> None:
    text = (fixtures / "ctdc_synthetic_quirks.csv").read_text().replace("2019,Man,", "2019,Alien,")
    report = import_file(store, _write(tmp_path, "p.csv", text), accept_partial=True)
    assert report.written and report.rows_accepted == 4 and report.rows_refused == 1
    assert store.frame("victims").height == 4


def test_file_in_the_other_layout_is_refused(fixtures: Path, store: Store) -> None:
    with pytest.raises(ImportRefused, match="synthetic layout, not the global layout"):
        import_file(store, fixtures / "ctdc_synthetic_quirks.csv", layout=Layout.GLOBAL_K_ANON)
    _store_unchanged(store)


def test_truncated_file_is_refused(tmp_path: Path, fixtures: Path, store: Store) -> None:
    data = (fixtures / "ctdc_global_quirks.csv").read_bytes()
    path = tmp_path / "cut.csv"
    path.write_bytes(data[: len(data) - 120])
    report = import_file(store, path)
    assert not report.written
    assert report.refusals[-1].reason.startswith("the last line is incomplete")
    _store_unchanged(store)


def test_formula_in_a_cell_is_refused(tmp_path: Path, fixtures: Path, store: Store) -> None:
    text = (fixtures / "ctdc_global_quirks.csv").read_text()
    text = text.replace("Debt bondage", '"=HYPERLINK(""http://x"",""y"")"', 1)
    report = import_file(store, _write(tmp_path, "f.csv", text))
    assert not report.written
    assert [(r.line, r.field) for r in report.refusals] == [(2, "meansOfControlConcatenated")]
    assert "formula" in report.refusals[0].reason
    _store_unchanged(store)


def test_a_2_gb_upload_is_refused_before_reading(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as fp:
        fp.truncate(2 * 1024**3)  # sparse: nothing is really written
    with pytest.raises(ImportRefused, match="more than the limit"):
        import_file(store, path)
    _store_unchanged(store)


def test_not_a_ctdc_file(tmp_path: Path, store: Store) -> None:
    with pytest.raises(ImportRefused, match="not a CTDC file"):
        import_file(store, _write(tmp_path, "x.csv", "a,b,c\n1,2,3\n"))


def test_same_file_twice_is_refused(fixtures: Path, store: Store, tmp_path: Path) -> None:
    copy = tmp_path / "again.csv"
    shutil.copy(fixtures / "ctdc_global_quirks.csv", copy)
    assert import_file(store, fixtures / "ctdc_global_quirks.csv").written
    with pytest.raises(ImportRefused, match="already imported"):
        import_file(store, copy)
    assert len(store.datasets()) == 1


def test_the_same_file_given_at_once_is_stored_once(fixtures: Path, tmp_path: Path) -> None:
    """Several importers (server workers sharing the data folder, found by the soak's double
    submissions) given the same file at the same moment: one stores it, the others refuse it.
    Without the store's lock each checked that the file was new before any had written it."""
    import threading

    path = fixtures / "ctdc_global_quirks.csv"
    start = threading.Barrier(6)
    answers: list[str] = []

    def importer() -> None:
        store = Store(tmp_path / "shared")  # each its own Store, as each process has
        start.wait()
        try:
            answers.append("stored" if import_file(store, path).written else "not written")
        except ImportRefused as exc:
            answers.append("refused" if "already imported" in str(exc) else str(exc))

    threads = [threading.Thread(target=importer) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(answers) == ["refused"] * 5 + ["stored"]
    assert len(Store(tmp_path / "shared").datasets()) == 1


def test_a_file_that_is_not_utf8_names_its_line(
    tmp_path: Path, fixtures: Path, store: Store
) -> None:
    data = (fixtures / "ctdc_synthetic_quirks.csv").read_bytes()
    lines = data.split(b"\n")
    lines[2] = lines[2].replace(b"Man", b"Ma\xe9n")  # Latin-1, not UTF-8
    path = tmp_path / "latin1.csv"
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(ImportRefused, match="line 3: not UTF-8"):
        import_file(store, path)
    _store_unchanged(store)
