"""Derive the calibration targets of the regional model from the shared reference data.

Reads (relative to the repository root) ``../shared/data/unodc_glotip/data_glotip_1.csv``,
``../shared/data/iom_gdidata/frontex.csv``,
``../shared/data/unhcr_med/stklem_unhcr_arrivals_12_31.csv`` and figures from
``../shared/reference/calibration.md`` (Italy's prosecutions, US TIP Report
2023), and writes ``src/pharos/sim/data/calibration_targets.csv``. Not needed at run time.

Rules:
- a target is the mean of the yearly values over its window (2017-2021 for UNODC GLOTIP,
  the window used for the flows); GLOTIP's suppressed small counts ``<5`` count as 2.5;
- shares (form of exploitation, female) are over the victims whose form or sex is known;
- a state enters a target only when the window holds at least three yearly values; for
  prosecutions and convictions, also only when at most half of them are suppressed (``<5``).

Usage: ``python scripts/derive_calibration_targets.py``
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
# ``shared/`` sits beside the clone (CI); a worktree may sit one folder deeper.
SHARED = next(
    (p / "shared" for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared").is_dir()),
    ROOT.parent / "shared",
)
OUT = ROOT / "src" / "pharos" / "sim" / "data" / "calibration_targets.csv"
STATES = ("ITA", "ESP", "TUN", "EGY", "GRC", "DZA", "MLT")
WINDOW = (2017, 2021)
GLOTIP = "UNODC GLOTIP country data (data_glotip.xlsx, sheet data_glotip_1)"


def _value(text: object) -> float | None:
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return None
    s = str(text).replace(",", "").strip()
    if s == "<5":
        return 2.5
    try:
        return float(s)
    except ValueError:
        return None


def _suppressed(d: pd.DataFrame) -> int:
    years = d["Year"].between(*WINDOW)
    return int((d.loc[years, "txtVALUE"].astype(str).str.strip() == "<5").sum())


def _years(d: pd.DataFrame) -> dict[int, float]:
    out: dict[int, float] = {}
    for year, text in zip(d["Year"], d["txtVALUE"], strict=True):
        v = _value(text)
        if v is not None and WINDOW[0] <= int(year) <= WINDOW[1]:
            out[int(year)] = v
    return out


def glotip_targets() -> list[dict[str, object]]:
    d = pd.read_csv(SHARED / "data" / "unodc_glotip" / "data_glotip_1.csv")
    d = d[d["Iso3_code"].isin(STATES)]
    rows: list[dict[str, object]] = []
    total = (d["Dimension"] == "Total") & (d["Category"] == "Total") & (d["Age"] == "Total")
    for indicator, metric in (
        ("Detected trafficking victims", "identified"),
        ("Persons prosecuted", "prosecuted"),
        ("Persons convicted", "convicted"),
    ):
        for state in STATES:
            sel = d[total & (d["Sex"] == "Total") & (d["Indicator"] == indicator)]
            years = _years(sel[sel["Iso3_code"] == state])
            hidden = _suppressed(sel[sel["Iso3_code"] == state])
            if len(years) < 3 or (metric != "identified" and hidden * 2 > len(years)):
                continue
            rows.append(
                {
                    "metric": metric,
                    "state": state,
                    "value": round(sum(years.values()) / len(years), 2),
                    "unit": "persons per year",
                    "years": ",".join(str(y) for y in sorted(years)),
                    "source": f"{GLOTIP}: {indicator}, total"
                    + (f"; {hidden} yearly value(s) '<5' counted as 2.5" if hidden else ""),
                }
            )
    victims = d[d["Indicator"] == "Detected trafficking victims"]
    forms = victims[
        (victims["Dimension"] == "by form of exploitation")
        & (victims["Sex"] == "Total")
        & (victims["Age"] == "Total")
    ]
    sexes = victims[
        (victims["Dimension"] == "Total")
        & (victims["Category"] == "Total")
        & (victims["Age"] == "Total")
        & victims["Sex"].isin(["Female", "Male"])
    ]
    for state in ("ITA", "ESP", "TUN", "EGY", "GRC"):
        per_form = {
            cat: sum(
                _years(forms[(forms["Iso3_code"] == state) & (forms["Category"] == cat)]).values()
            )
            for cat in ("Sexual exploitation", "Forced labour", "Other forms of exploitation")
        }
        known = sum(per_form.values())
        for cat, metric in (
            ("Sexual exploitation", "share_sexual_exploitation"),
            ("Forced labour", "share_forced_labour"),
        ):
            rows.append(
                {
                    "metric": metric,
                    "state": state,
                    "value": round(per_form[cat] / known, 4),
                    "unit": "share of identified victims",
                    "years": f"{WINDOW[0]}-{WINDOW[1]}",
                    "source": f"{GLOTIP}: detected victims by form of exploitation",
                }
            )
        per_sex = {
            sex: sum(_years(sexes[(sexes["Iso3_code"] == state) & (sexes["Sex"] == sex)]).values())
            for sex in ("Female", "Male")
        }
        rows.append(
            {
                "metric": "share_female",
                "state": state,
                "value": round(per_sex["Female"] / (per_sex["Female"] + per_sex["Male"]), 4),
                "unit": "share of identified victims",
                "years": f"{WINDOW[0]}-{WINDOW[1]}",
                "source": f"{GLOTIP}: detected victims by sex",
            }
        )
    return rows


def tip_targets() -> list[dict[str, object]]:
    """Italy's persons prosecuted, from calibration.md section 4 (GLOTIP has none for Italy)."""
    values = {2019: 202, 2020: 106, 2021: 121, 2022: 95}
    return [
        {
            "metric": "prosecuted",
            "state": "ITA",
            "value": round(sum(values.values()) / len(values), 2),
            "unit": "persons per year",
            "years": ",".join(str(y) for y in values),
            "source": "US TIP Report 2023, Italy (calibration.md section 4), verified",
        }
    ]


def flow_targets() -> list[dict[str, object]]:
    f = pd.read_csv(SHARED / "data" / "iom_gdidata" / "frontex.csv")
    f["year"] = f["t"].str[:4].astype(int)
    f = f[f["year"].between(*WINDOW)]
    rows: list[dict[str, object]] = []
    for frontex, route in (
        ("Central Mediterranean Route", "central_med"),
        ("Eastern Mediterranean Route", "eastern_med"),
        ("Western Mediterranean Route", "western_med"),
        ("Western African Route", "atlantic"),
    ):
        yearly = f[f["route"] == frontex].groupby("year")["n"].sum()
        rows.append(
            {
                "metric": "arrivals",
                "state": "",
                "route": route,
                "value": round(float(yearly.mean()), 1),
                "unit": "detections per year",
                "years": f"{WINDOW[0]}-{WINDOW[1]}",
                "source": f"Frontex monthly detections of illegal border crossings ({frontex}),"
                " via IOM gdidata frontex.csv",
            }
        )
    u = pd.read_csv(SHARED / "data" / "unhcr_med" / "stklem_unhcr_arrivals_12_31.csv")
    u = u[u["year"].between(2017, 2019)]
    for col, state in (
        ("italy_all", "ITA"),
        ("greece_all", "GRC"),
        ("spain_all", "ESP"),
        ("malta_all", "MLT"),
    ):
        yearly = u.groupby("year")[col].sum()
        rows.append(
            {
                "metric": "arrivals",
                "state": state,
                "route": "",
                "value": round(float(yearly.mean()), 1),
                "unit": "arrivals per year",
                "years": "2017-2019",
                "source": "UNHCR Mediterranean arrivals (stklem/med_migration, unhcr_arrivals)",
            }
        )
    return rows


def main() -> None:
    rows = glotip_targets() + tip_targets() + flow_targets()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    fields = ["metric", "state", "route", "value", "unit", "years", "source"]
    with OUT.open("w", newline="", encoding="utf-8") as fp:
        w = csv.DictWriter(fp, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: r.get(k, "") for k in fields})
    print(f"wrote {len(rows)} targets to {OUT}")


if __name__ == "__main__":
    main()
