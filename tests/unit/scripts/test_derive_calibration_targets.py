"""The calibration targets against hand sums of UNODC's GLOTIP country data.

The fixture ``tests/fixtures/glotip/data_glotip_1_excerpt.csv`` holds GLOTIP's own rows for the
seven states (see its SOURCES.txt). The hand sums below were added up from those rows by
reading them (``<5`` counted as 2.5, as the derivation's rule says), not by the script: e.g.
Greece, 2017-2021, victims by form of exploitation:

- sexual exploitation 35 + 30 + 96 + 74 + 85 = 320
- forced labour 2.5 + 2.5 + 25 + 22 + 57 = 109
- other forms: 2.5 (2017) + 2.5 (2018) + 46 + 3 x 2.5 (2019) + 75 + 3 x 2.5 (2020) + 32 (2021)
  = 173; every "Other forms of exploitation" row counts (GLOTIP has up to four a year)

so the sexual share is 320 / 602 = 0.532 and forced labour 109 / 602 = 0.181 (the targets
derived from the last row of each year only said 0.68 and 0.23).
"""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[3]
EXCERPT = ROOT / "tests" / "fixtures" / "glotip" / "data_glotip_1_excerpt.csv"
SHIPPED = ROOT / "src" / "pharos" / "sim" / "data" / "calibration_targets.csv"


@pytest.fixture(scope="module")
def derive() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "derive_calibration_targets", ROOT / "scripts" / "derive_calibration_targets.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _form_shares(derive: ModuleType, state: str, window: tuple[int, int]) -> dict[str, float]:
    d = derive.read_glotip(EXCERPT)
    forms = d[
        (d["Indicator"] == "Detected trafficking victims")
        & (d["Dimension"] == "by form of exploitation")
        & (d["Iso3_code"] == state)
    ]
    sums = {
        cat: sum(derive.yearly(forms[forms["Category"] == cat], window).values())
        for cat in derive.FORMS
    }
    total = sum(sums.values())
    return {cat: v / total for cat, v in sums.items()}


# (state, sexual exploitation, forced labour, other forms): hand sums over 2017-2021
HAND_SUMS = {
    "GRC": (320.0, 109.0, 173.0),
    # ESP other: 7+2.5+2.5, 12+16+2.5, 22+37+2.5, 10+2.5+2.5, 2.5
    "ESP": (155 + 128 + 294 + 158 + 136, 58 + 94 + 192 + 99 + 51, 121.5),
    # EGY other: 44, 19+88, 2.5, 2.5, 24+33
    "EGY": (18 + 43 + 2.5 + 2.5 + 30, 15 + 2.5 + 2.5 + 2.5 + 209, 213.0),
}


@pytest.mark.parametrize("state", sorted(HAND_SUMS))
def test_every_row_of_a_year_counts(derive: ModuleType, state: str) -> None:
    sexual, labour, other = HAND_SUMS[state]
    total = sexual + labour + other
    shares = _form_shares(derive, state, (2017, 2021))
    assert shares["Sexual exploitation"] == pytest.approx(sexual / total)
    assert shares["Forced labour"] == pytest.approx(labour / total)


def test_the_figures_of_the_issue(derive: ModuleType) -> None:
    """Issue 15: Greece 0.53 and 0.18, Spain 0.59, Egypt's forced labour 0.43 (2017-2021)."""
    assert round(_form_shares(derive, "GRC", (2017, 2021))["Sexual exploitation"], 2) == 0.53
    assert round(_form_shares(derive, "GRC", (2017, 2021))["Forced labour"], 2) == 0.18
    assert round(_form_shares(derive, "ESP", (2017, 2021))["Sexual exploitation"], 2) == 0.59
    assert round(_form_shares(derive, "EGY", (2017, 2021))["Forced labour"], 2) == 0.43


def _shipped() -> list[dict[str, str]]:
    with SHIPPED.open(encoding="utf-8") as fp:
        return list(csv.DictReader(fp))


def test_the_shipped_targets_are_the_derivation_of_the_file(derive: ModuleType) -> None:
    derived = derive.glotip_targets(derive.read_glotip(EXCERPT))
    shipped = {
        (r["metric"], r["state"], r["role"]): float(r["value"])
        for r in _shipped()
        if r["source"].startswith("UNODC GLOTIP")
    }
    assert {(r["metric"], r["state"], r["role"]): r["value"] for r in derived} == shipped


def test_greece_fit_window_by_hand() -> None:
    """2017-2019: sexual 35+30+96 = 161; forced labour 2.5+2.5+25 = 30; other 2.5+2.5+53.5;
    161 / 249.5 = 0.6453; 30 / 249.5 = 0.1202."""
    rows = {(r["metric"], r["state"], r["role"]): float(r["value"]) for r in _shipped()}
    assert rows[("share_sexual_exploitation", "GRC", "fitted")] == pytest.approx(0.6453, abs=1e-4)
    assert rows[("share_forced_labour", "GRC", "fitted")] == pytest.approx(0.1202, abs=1e-4)


def test_roles_split_inputs_fit_and_held_out() -> None:
    rows = _shipped()
    roles = {(r["metric"], r["role"]) for r in rows}
    assert {r["role"] for r in rows} == {"input", "fitted", "held_out", "check"}
    # arrivals and convictions restate inputs; they are never counted as evidence of fit
    assert {role for metric, role in roles if metric in ("arrivals", "convicted")} == {"input"}
    assert sum(r["role"] == "input" for r in rows) == 12
    for r in rows:
        if r["role"] == "fitted" and r["yearly"]:
            assert all(2017 <= int(p.split(":")[0]) <= 2019 for p in r["yearly"].split(";"))
        if r["role"] == "held_out" and r["yearly"]:
            assert all(2020 <= int(p.split(":")[0]) <= 2021 for p in r["yearly"].split(";"))


def test_italy_victims_entering_protection_is_a_held_out_target() -> None:
    """Italy's new intakes into the DPO assistance programme in 2020: 716 (of 2,040 persons in
    care), DPO SIRIT data as Save the Children's "Piccoli schiavi invisibili" 2021 reports them
    (agensir.it, 27 July 2021: "2.040, tra cui 716 nuovi casi emersi e presi in carico"). No
    count for 2017-2019 was found, so it is held out only, never a figure to fit."""
    rows = [r for r in _shipped() if r["metric"] == "protected"]
    assert [(r["state"], r["role"], float(r["value"]), r["yearly"]) for r in rows] == [
        ("ITA", "held_out", 716.0, "2020:716")
    ]
    assert "SIRIT" in rows[0]["source"] and "secondary" in rows[0]["source"]
