"""Derive the calibration targets of the regional model from the shared reference data.

Reads (relative to the repository root) ``../shared/data/unodc_glotip/data_glotip_1.csv``,
``../shared/data/iom_gdidata/frontex.csv``,
``../shared/data/unhcr_med/stklem_unhcr_arrivals_12_31.csv`` and figures from
``../shared/reference/calibration.md`` (US TIP Report narratives for Italy, Greece and
Tunisia), and writes ``src/pharos/sim/data/calibration_targets.csv``. Not needed at run time.

Each target has a **role**:

- ``fitted``: a mean over the fit window 2017-2019. Only these may be used to set the model's
  inputs by hand.
- ``held_out``: the same figure over 2020-2021, never used to set an input. ``pharos
  calibrate`` reports the model's error on them as its out-of-sample error.
- ``input``: a figure the model takes as an input, or restates through one (arrivals per route
  and state; convictions, whose ratio to prosecutions is a scenario input). Shown as a check
  of the wiring, not as evidence of fit.
- ``check``: a second source for a figure (US TIP Report narratives); not compared with the
  model, only with the first source year by year, so ``pharos calibrate`` can flag where
  sources disagree.

Rules:
- a yearly value is the **sum of every row** of GLOTIP for that state, indicator, category and
  year: the file has several rows a year under "Other forms of exploitation" (one per
  sub-form), and all of them count (an earlier version kept only the last);
- GLOTIP's suppressed small counts ``<5`` count as 2.5;
- a target is the mean of its yearly values (counts) or the ratio of the window's sums (shares:
  over the victims whose form or sex is known);
- a fitted target needs at least two yearly values of its three years, a held-out target one;
  for prosecutions, also at most half of them suppressed (``<5``).

Usage: ``python scripts/derive_calibration_targets.py``
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
# ``shared/`` sits beside the clone (CI); a worktree may sit one folder deeper.
SHARED = next(
    (p / "shared" for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared").is_dir()),
    ROOT.parent / "shared",
)
GLOTIP_CSV = SHARED / "data" / "unodc_glotip" / "data_glotip_1.csv"
OUT = ROOT / "src" / "pharos" / "sim" / "data" / "calibration_targets.csv"
STATES = ("ITA", "ESP", "TUN", "EGY", "GRC", "DZA", "MLT")
FIT = (2017, 2019)
HELD_OUT = (2020, 2021)
WINDOW = (FIT[0], HELD_OUT[1])
GLOTIP = "UNODC GLOTIP country data (data_glotip.xlsx, sheet data_glotip_1)"
FIELDS = ["metric", "state", "route", "role", "value", "unit", "years", "yearly", "source"]
FORMS = ("Sexual exploitation", "Forced labour", "Other forms of exploitation")

#: US TIP Report figures for detected victims, from calibration.md section 3 (verified there):
#: the second source for GLOTIP's "Detected trafficking victims" in the same years.
TIP_IDENTIFIED = {
    "ITA": ({2020: 536, 2021: 493}, "US TIP Report 2023, Italy (calibration.md section 3.1)"),
    "GRC": (
        {2017: 38, 2018: 31, 2019: 150, 2020: 167},
        "US TIP Reports 2018-2021, Greece (calibration.md section 3.2)",
    ),
    "TUN": (
        {2017: 285, 2018: 780, 2021: 718},
        "US TIP Reports 2018-2022, Tunisia, INLTP figures (calibration.md section 3.5)",
    ),
}
#: Italy's persons prosecuted, US TIP Report 2023 (calibration.md section 4; GLOTIP has none).
TIP_PROSECUTED_ITA = {2019: 202, 2020: 106, 2021: 121, 2022: 95}


#: Italy's victims newly taken into the assistance programme of the Department for Equal
#: Opportunities (DPO; "nuove prese in carico", recorded in its SIRIT database): the published
#: figure for victims entering protection in Italy. GLOTIP and the TIP Report have none.
#: 2020: 716 new intakes (of 2,040 persons in care that year), DPO SIRIT data as reported in
#: Save the Children, "Piccoli schiavi invisibili" 2021 (agensir.it, 27 July 2021; ildubbio.news,
#: 29 July 2021). Secondary: the DPO's own tables were not found. 2022 (850 new intakes, the
#: report's 2023 edition) lies outside the windows; no 2017-2019 or 2021 count was found, so
#: there is no fitted target.
SIRIT_PROTECTED_ITA = (
    {2020: 716},
    "DPO SIRIT new intakes into the assistance programme, as "
    "reported in Save the Children, Piccoli schiavi invisibili 2021 (agensir.it 2021-07-27; "
    "ildubbio.news 2021-07-29), secondary",
)


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


def yearly(rows: pd.DataFrame, window: tuple[int, int] = WINDOW) -> dict[int, float]:
    """Year -> the sum of every row's value in ``window`` (``<5`` counts as 2.5)."""
    out: dict[int, float] = {}
    for year, text in zip(rows["Year"], rows["txtVALUE"], strict=True):
        v = _value(text)
        if v is not None and window[0] <= int(year) <= window[1]:
            out[int(year)] = out.get(int(year), 0.0) + v
    return out


def _suppressed(rows: pd.DataFrame, window: tuple[int, int]) -> int:
    years = rows["Year"].between(*window)
    return int((rows.loc[years, "txtVALUE"].astype(str).str.strip() == "<5").sum())


def _within(values: dict[int, float], window: tuple[int, int]) -> dict[int, float]:
    return {y: v for y, v in sorted(values.items()) if window[0] <= y <= window[1]}


def _yearly_text(values: dict[int, float]) -> str:
    return ";".join(f"{y}:{v:g}" for y, v in sorted(values.items()))


def _count_row(
    metric: str, state: str, role: str, values: dict[int, float], source: str
) -> dict[str, object]:
    return {
        "metric": metric,
        "state": state,
        "role": role,
        "value": round(sum(values.values()) / len(values), 2),
        "unit": "persons per year",
        "years": ",".join(str(y) for y in sorted(values)),
        "yearly": _yearly_text(values),
        "source": source,
    }


def _windows(metric: str) -> Iterable[tuple[str, tuple[int, int], int]]:
    """(role, window, minimum yearly values) of a metric's targets."""
    if metric == "convicted":
        yield "input", WINDOW, 3
        return
    yield "fitted", FIT, 2
    yield "held_out", HELD_OUT, 1


def read_glotip(path: Path = GLOTIP_CSV) -> pd.DataFrame:
    """The rows of GLOTIP's country data for the seven states."""
    d = pd.read_csv(path, dtype={"txtVALUE": str})
    return d[d["Iso3_code"].isin(STATES)]


def glotip_targets(d: pd.DataFrame) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    total = (d["Dimension"] == "Total") & (d["Category"] == "Total") & (d["Age"] == "Total")
    for indicator, metric in (
        ("Detected trafficking victims", "identified"),
        ("Persons prosecuted", "prosecuted"),
        ("Persons convicted", "convicted"),
    ):
        sel = d[total & (d["Sex"] == "Total") & (d["Indicator"] == indicator)]
        for role, window, least in _windows(metric):
            for state in STATES:
                mine = sel[sel["Iso3_code"] == state]
                values = yearly(mine, window)
                hidden = _suppressed(mine, window)
                if len(values) < least or (metric != "identified" and hidden * 2 > len(values)):
                    continue
                rows.append(
                    _count_row(
                        metric,
                        state,
                        role,
                        values,
                        f"{GLOTIP}: {indicator}, total"
                        + (f"; {hidden} yearly value(s) '<5' counted as 2.5" if hidden else ""),
                    )
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
    for role, window, _least in _windows("shares"):
        for state in ("ITA", "ESP", "TUN", "EGY", "GRC"):
            per_form = {
                cat: yearly(
                    forms[(forms["Iso3_code"] == state) & (forms["Category"] == cat)], window
                )
                for cat in FORMS
            }
            known = sum(sum(v.values()) for v in per_form.values())
            for cat, metric in (
                ("Sexual exploitation", "share_sexual_exploitation"),
                ("Forced labour", "share_forced_labour"),
            ):
                if known == 0:
                    continue
                rows.append(
                    {
                        "metric": metric,
                        "state": state,
                        "role": role,
                        "value": round(sum(per_form[cat].values()) / known, 4),
                        "unit": "share of identified victims",
                        "years": f"{window[0]}-{window[1]}",
                        "yearly": "",
                        "source": f"{GLOTIP}: detected victims by form of exploitation, every"
                        " row (all sub-forms of other forms of exploitation)",
                    }
                )
            per_sex = {
                sex: sum(
                    yearly(
                        sexes[(sexes["Iso3_code"] == state) & (sexes["Sex"] == sex)], window
                    ).values()
                )
                for sex in ("Female", "Male")
            }
            if per_sex["Female"] + per_sex["Male"] == 0:
                continue
            rows.append(
                {
                    "metric": "share_female",
                    "state": state,
                    "role": role,
                    "value": round(per_sex["Female"] / (per_sex["Female"] + per_sex["Male"]), 4),
                    "unit": "share of identified victims",
                    "years": f"{window[0]}-{window[1]}",
                    "yearly": "",
                    "source": f"{GLOTIP}: detected victims by sex",
                }
            )
    return rows


def tip_targets() -> list[dict[str, object]]:
    """Italy's persons prosecuted (TIP) and victims entering protection (SIRIT), targets; TIP's
    detected victims (second sources)."""
    rows: list[dict[str, object]] = []
    for role, window, least in _windows("prosecuted"):
        values = _within({y: float(v) for y, v in TIP_PROSECUTED_ITA.items()}, window)
        if len(values) >= least:
            rows.append(
                _count_row(
                    "prosecuted",
                    "ITA",
                    role,
                    values,
                    "US TIP Report 2023, Italy (calibration.md section 4), verified",
                )
            )
    sirit, sirit_source = SIRIT_PROTECTED_ITA
    for role, window, least in _windows("protected"):
        values = _within({y: float(v) for y, v in sirit.items()}, window)
        if len(values) >= least:
            rows.append(_count_row("protected", "ITA", role, values, sirit_source))
    for state, (values, source) in TIP_IDENTIFIED.items():
        rows.append(
            _count_row(
                "identified",
                state,
                "check",
                {y: float(v) for y, v in values.items()},
                source + ", verified",
            )
        )
    return rows


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
        per_year = f[f["route"] == frontex].groupby("year")["n"].sum()
        rows.append(
            {
                "metric": "arrivals",
                "state": "",
                "route": route,
                "role": "input",
                "value": round(float(per_year.mean()), 1),
                "unit": "detections per year",
                "years": f"{WINDOW[0]}-{WINDOW[1]}",
                "yearly": _yearly_text({int(y): float(v) for y, v in per_year.items()}),
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
        per_year = u.groupby("year")[col].sum()
        rows.append(
            {
                "metric": "arrivals",
                "state": state,
                "route": "",
                "role": "input",
                "value": round(float(per_year.mean()), 1),
                "unit": "arrivals per year",
                "years": "2017-2019",
                "yearly": _yearly_text({int(y): float(v) for y, v in per_year.items()}),
                "source": "UNHCR Mediterranean arrivals (stklem/med_migration, unhcr_arrivals)",
            }
        )
    return rows


def write(rows: list[dict[str, object]], out: Path = OUT) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as fp:
        w = csv.DictWriter(fp, fieldnames=FIELDS, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: r.get(k, "") for k in FIELDS})


def ordered(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """Rows by role, then figure, in a stable order (states as derived)."""
    roles = ("input", "fitted", "held_out", "check")
    metrics = (
        "identified",
        "protected",
        "prosecuted",
        "convicted",
        "share_sexual_exploitation",
        "share_forced_labour",
        "share_female",
        "arrivals",
    )
    return sorted(
        rows, key=lambda r: (roles.index(str(r["role"])), metrics.index(str(r["metric"])))
    )


def main() -> None:
    rows = ordered(glotip_targets(read_glotip()) + tip_targets() + flow_targets())
    write(rows)
    print(f"wrote {len(rows)} targets to {OUT}")


if __name__ == "__main__":
    main()
