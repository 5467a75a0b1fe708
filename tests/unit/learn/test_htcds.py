"""HTCDS import: the standard's own field-name variants, labels or names, CSV or XLSX."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from pharos.learn.importing import detect_kind, import_file
from pharos.learn.ingest.htcds import canonical_field, read_htcds
from pharos.learn.options import Kind
from pharos.learn.store import Store


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("prs_First_Name", "prs_FirstName"),
        ("vic_Methods_of_Control", "vic_MethodsOfControl"),
        ("vic_TraffickinStatusDecisionMakingOrg", "vic_TraffickingStatusDecisionMakingOrg"),
        ("VIC_TYPEOFEXPLOITATION", "vic_TypeOfExploitation"),
        ("Case Owner", None),
    ],
)
def test_field_name_variants(header: str, field: str | None) -> None:
    assert canonical_field(header) == field


def test_csv_with_variants_labels_and_xlsform_lists(fixtures: Path) -> None:
    tables, report = read_htcds(fixtures / "htcds_variants.csv")
    assert report.refusals == []
    assert report.rows_read == 3 and report.rows_accepted == 3  # the label row is skipped
    victims = tables["victims"].to_dicts()
    amina, karim, sara = victims
    assert amina["gender"] == "feminine" and amina["citizenship"] == "NGA"
    assert amina["age_band"] == "9--17" and amina["minor"] is True and amina["year"] == 2023
    assert amina["rec_online_social_networks"] is True and amina["rec_at_work"] is False
    assert amina["means_threats"] and amina["means_debt_bondage_earnings"]
    assert amina["exploitation_country"] == "ITA"
    assert karim["citizenship"] == "EGY"  # an English name
    assert karim["means_withhold_docs"] and karim["means_excessive_work_hours"]
    assert karim["sector_agriculture"] is True  # a label of the Excel validation sheet
    assert karim["exploitation_country"] == "LBY"
    assert sara["gender"] == "trans_or_non_conforming"
    assert sara["rec_friends"] and sara["rec_online_advertisement"]  # XLSForm: space-separated
    assert sara["exp_forced_labour"] and sara["exp_sexual_exploitation"]
    assert sara["sector_domestic_work"] and sara["sex_private_sexual_services"]
    assert sara["exploitation_country"] == "GRC"
    outcomes = tables["case_outcomes"].to_dicts()
    assert [o["identified"] for o in outcomes] == [True, False, True]
    assert [o["referred"] for o in outcomes] == [True, False, True]
    assert outcomes[0]["days_to_referral"] == 14.0 and outcomes[2]["days_to_referral"] == 46.0
    assert outcomes[0]["unaccompanied"] is True
    kept = tables["htcds_cases"]
    assert "prs_FirstName" not in kept.columns  # direct identifiers are never stored
    assert kept.row(0, named=True)["vic_MethodsOfControl"] == "PhysicalThreats;DebtBondage"


def test_xlsx_like_the_excel_template(tmp_path: Path, fixtures: Path) -> None:
    with (fixtures / "htcds_variants.csv").open(encoding="utf-8") as fp:
        rows = list(csv.reader(fp))
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Case Sheet"
    for i, row in enumerate(rows):
        ws.append([i - 1 if i > 1 else None, *row])  # the template's row-number column
    ws.append([99])  # an empty numbered row
    path = tmp_path / "cases.xlsx"
    wb.save(path)
    assert detect_kind(path) is Kind.HTCDS
    tables, report = read_htcds(path)
    assert report.refusals == [] and report.rows_accepted == 3
    assert tables["victims"].get_column("citizenship").to_list() == ["NGA", "EGY", "TUN"]


def test_bad_codes_and_formulas_are_refused(tmp_path: Path, fixtures: Path) -> None:
    text = (fixtures / "htcds_variants.csv").read_text(encoding="utf-8")
    text = text.replace("PhysicalThreats;DebtBondage", "PhysicalThreats;Witchcraft")
    text = text.replace(",Egypt,", ',"=HYPERLINK(""http://evil"")",')
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    store = Store(tmp_path / "s")
    report = import_file(store, path)
    assert not report.written and store.datasets() == []
    found = {(r.line, r.field, r.value) for r in report.refusals}
    assert (3, "vic_MethodsOfControl", "Witchcraft") in found
    assert any(r.line == 4 and "formula" in r.reason for r in report.refusals)
