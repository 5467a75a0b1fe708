"""CTDC files in the published layouts, with no change over the years unless one is asked for.

The false-alarm and power tests of the emerging-trends scan (``test_trends_false_alarms.py``)
import these files with the real importer, so the data reach the test as real files do: the
k-anonymised Global Dataset's layout (Format A: a terms-of-use first column, 63 columns,
semicolons, ISO2 countries, ``Case Management``/``Hotline``, flags ``0``/``1``/empty, as in the
excerpt bundled in ``tests/fixtures/learn/ctdc_global_quirks.csv``) and the Global Synthetic
Dataset's (Format B: 27 columns, commas, ISO3, flags ``1``/empty, duration bands with their year
gloss, as in ``ctdc_synthetic_v2024_spellings.csv``).

Each row draws its categories from probabilities that do not depend on the year (``jitter``
adds year-to-year noise with no trend, as real yearly shares have), so any change the scan
reports is a false alarm, unless ``step`` multiplies one category's probability from a year on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from pharos.learn import codes
from pharos.learn.ingest.ctdc import FORMAT_A_COLUMNS, FORMAT_B_COLUMNS

TERMS = "By using this data you agree to the Terms of Use: https://www.ctdatacollaborative.org/terms-use"

#: Citizenships and countries of exploitation (ISO3, ISO2) and their weights: Mediterranean
#: states and the main origins of victims identified there.
COUNTRIES = (
    ("ITA", "IT", 8), ("GRC", "GR", 5), ("ESP", "ES", 6), ("MLT", "MT", 1), ("TUN", "TN", 3),
    ("EGY", "EG", 4), ("DZA", "DZ", 2), ("MAR", "MA", 4), ("NGA", "NG", 8), ("UKR", "UA", 5),
    ("ROU", "RO", 4), ("PHL", "PH", 3), ("USA", "US", 6), ("BGD", "BD", 2), ("LBY", "LY", 1),
)  # fmt: skip

#: Exploitation: forced labour, sexual exploitation, other, not recorded.
EXPLOITATION = ("isForcedLabour", "isSexualExploit", "isOtherExploit", None)
#: Sectors of forced labour in both layouts, and not recorded.
SECTORS = ("Agriculture", "Construction", "DomesticWork", "Hospitality", None)
RELATIONS = ("IntimatePartner", "Friend", "Family", "Other", None)
#: Means of control: the synthetic layout's composite flags and the Global Dataset's detailed
#: flag that the importer folds into each (codebook v2024, Appendix II).
MEANS = (
    ("meansDebtBondageEarnings", "meansOfControlDebtBondage"),
    ("meansThreats", "meansOfControlThreats"),
    ("meansAbusePsyPhySex", "meansOfControlPhysicalAbuse"),
    ("meansFalsePromises", "meansOfControlFalsePromises"),
    ("meansDrugsAlcohol", "meansOfControlPsychoactiveSubstances"),
    ("meansDenyBasicNeeds", "meansOfControlRestrictsMovement"),
    ("meansExcessiveWorkHours", "meansOfControlExcessiveWorkingHours"),
    ("meansWithholdDocs", "meansOfControlWithholdsDocuments"),
)
GENDERS_A = ("Female", "Male", "Transgender/NonConforming", "")
GENDERS_B = ("Woman", "Man", "Trans/Transgender/NonConforming", "")
MONTHS_B = ("0--12 (0-1 yr)", "13--24 (1-2 yrs)", "25+ (2+ yrs)", "")


@dataclass(frozen=True)
class Profile:
    """What a source records: the probabilities of each category (fixed over the years)."""

    exploitation: tuple[float, ...] = (0.35, 0.45, 0.08, 0.12)
    sectors: tuple[float, ...] = (0.3, 0.2, 0.3, 0.1, 0.1)
    relations: tuple[float, ...] = (0.15, 0.2, 0.25, 0.1, 0.3)
    means: tuple[float, ...] = (0.3, 0.35, 0.3, 0.4, 0.1, 0.25, 0.15, 0.2)


@dataclass(frozen=True)
class Step:
    """A real change: ``column``'s probability times ``factor`` from ``year`` on."""

    column: str
    year: int
    factor: float


def _year_weights(rng: np.random.Generator, years: range) -> np.ndarray:
    # CTDC registers more victims in later years, unevenly: a rising, bumpy profile
    w = np.linspace(1.0, 2.5, len(years)) * rng.lognormal(0.0, 0.25, len(years))
    return w / w.sum()


def _jittered(p: np.ndarray, rng: np.random.Generator, jitter: float) -> np.ndarray:
    q = p * rng.lognormal(0.0, jitter, len(p)) if jitter else p.copy()
    return q / q.sum()


def write_ctdc(
    path: Path,
    *,
    layout: str,
    rows: int,
    years: range,
    seed: int,
    profile: Profile = Profile(),
    jitter: float = 0.0,
    step: Step | None = None,
) -> Path:
    """Write a CTDC file (``layout`` ``global`` or ``synthetic``) of ``rows`` victims."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    year = rng.choice(np.array(years), size=rows, p=_year_weights(rng, years))
    exp_idx = np.empty(rows, dtype=int)
    sector_idx = np.empty(rows, dtype=int)
    rel_idx = np.empty(rows, dtype=int)
    means = np.empty((rows, len(MEANS)), dtype=bool)
    base_means = np.asarray(profile.means)
    for y in years:
        at = np.flatnonzero(year == y)
        pe = np.asarray(profile.exploitation, dtype=float)
        ps = np.asarray(profile.sectors, dtype=float)
        pm = base_means.copy()
        if step is not None and y >= step.year:
            if step.column in EXPLOITATION:
                pe[EXPLOITATION.index(step.column)] *= step.factor
            elif step.column in SECTORS:
                ps[SECTORS.index(step.column)] *= step.factor
            else:
                j = [b for b, _a in MEANS].index(step.column)
                pm[j] = min(0.95, pm[j] * step.factor)
        pe, ps = _jittered(pe, rng, jitter), _jittered(ps, rng, jitter)
        pr = _jittered(np.asarray(profile.relations), rng, jitter)
        if jitter:
            pm = np.clip(pm * rng.lognormal(0.0, jitter, len(pm)), 0, 0.95)
        exp_idx[at] = rng.choice(len(EXPLOITATION), size=len(at), p=pe)
        sector_idx[at] = rng.choice(len(SECTORS), size=len(at), p=ps)
        rel_idx[at] = rng.choice(len(RELATIONS), size=len(at), p=pr)
        means[at] = rng.random((len(at), len(MEANS))) < pm
    means_known = rng.random(rows) < 0.7  # the others record no means of control
    weights = np.array([w for *_c, w in COUNTRIES], dtype=float)
    cit = rng.choice(len(COUNTRIES), size=rows, p=weights / weights.sum())
    coe = rng.choice(len(COUNTRIES), size=rows, p=weights / weights.sum())
    ages = np.array([*codes.AGE_BANDS, ""], dtype=object)
    age = rng.choice(ages, size=rows)
    if layout == "global":
        return _write_a(path, rng, year, exp_idx, sector_idx, rel_idx, means, means_known,
                        cit, coe, age)  # fmt: skip
    return _write_b(path, rng, year, exp_idx, sector_idx, rel_idx, means, means_known, cit, coe,
                    age)  # fmt: skip


def _flag(mask: np.ndarray, known: np.ndarray, zero: str) -> np.ndarray:
    return np.where(mask, "1", np.where(known, zero, ""))


def _write_a(path: Path, rng: np.random.Generator, year: np.ndarray, exp_idx: np.ndarray,
             sector_idx: np.ndarray, rel_idx: np.ndarray, means: np.ndarray,
             means_known: np.ndarray, cit: np.ndarray, coe: np.ndarray,
             age: np.ndarray) -> Path:  # fmt: skip
    rows = len(year)
    data: dict[str, np.ndarray] = {c: np.full(rows, "", dtype=object) for c in FORMAT_A_COLUMNS}
    data["yearOfRegistration"] = year.astype(str).astype(object)
    data["Datasource"] = rng.choice(np.array(["Case Management", "Hotline"], dtype=object),
                                    size=rows, p=[0.8, 0.2])  # fmt: skip
    data["gender"] = rng.choice(np.array(GENDERS_A, dtype=object), size=rows,
                                p=[0.55, 0.38, 0.01, 0.06])  # fmt: skip
    data["ageBroad"] = age
    minor = np.isin(age, list(codes.MINOR_AGE_BANDS))
    data["majorityStatus"] = np.where(age == "", "", np.where(minor, "Minor", "Adult"))
    data["citizenship"] = np.array([COUNTRIES[i][1] for i in cit], dtype=object)
    data["CountryOfExploitation"] = np.array([COUNTRIES[i][1] for i in coe], dtype=object)
    exp_known = exp_idx < len(EXPLOITATION) - 1
    for i, name in enumerate(EXPLOITATION[:-1]):
        assert name is not None
        data[name] = _flag(exp_idx == i, exp_known, "0")
    labour = exp_idx == 0
    sector_known = labour & (sector_idx < len(SECTORS) - 1)
    for i, name in enumerate(SECTORS[:-1]):
        data[f"typeOfLabour{name}"] = _flag(sector_known & (sector_idx == i), sector_known, "0")
    rel_known = rel_idx < len(RELATIONS) - 1
    for i, name in enumerate(RELATIONS[:-1]):
        data[f"recruiterRelation{name}"] = _flag(rel_idx == i, rel_known, "0")
    for j, (_b, a) in enumerate(MEANS):
        data[a] = _flag(means[:, j] & means_known, means_known, "0")
    frame = pl.DataFrame({"_terms": np.full(rows, "", dtype=object),
                          **{c: data[c] for c in FORMAT_A_COLUMNS}})  # fmt: skip
    frame = frame.cast(pl.String).rename({"_terms": TERMS})
    frame.write_csv(path, separator=";", null_value="")
    return path


def _write_b(path: Path, rng: np.random.Generator, year: np.ndarray, exp_idx: np.ndarray,
             sector_idx: np.ndarray, rel_idx: np.ndarray, means: np.ndarray,
             means_known: np.ndarray, cit: np.ndarray, coe: np.ndarray,
             age: np.ndarray) -> Path:  # fmt: skip
    rows = len(year)
    data: dict[str, np.ndarray] = {c: np.full(rows, "", dtype=object) for c in FORMAT_B_COLUMNS}
    data["yearOfRegistration"] = year.astype(str).astype(object)
    data["gender"] = rng.choice(np.array(GENDERS_B, dtype=object), size=rows,
                                p=[0.55, 0.38, 0.01, 0.06])  # fmt: skip
    data["ageBroad"] = age
    data["citizenship"] = np.array([COUNTRIES[i][0] for i in cit], dtype=object)
    data["CountryOfExploitation"] = np.array([COUNTRIES[i][0] for i in coe], dtype=object)
    data["traffickMonths"] = rng.choice(np.array(MONTHS_B, dtype=object), size=rows)
    for i, name in enumerate(EXPLOITATION[:-1]):
        assert name is not None
        data[name] = np.where(exp_idx == i, "1", "")
    labour = exp_idx == 0
    for i, name in enumerate(SECTORS[:-1]):
        data[f"typeOfLabour{name}"] = np.where(labour & (sector_idx == i), "1", "")
    for i, name in enumerate(RELATIONS[:-1]):
        data[f"recruiterRelation{name}"] = np.where(rel_idx == i, "1", "")
    for j, (b, _a) in enumerate(MEANS):
        data[b] = np.where(means[:, j] & means_known, "1", "")
    frame = pl.DataFrame({c: data[c] for c in FORMAT_B_COLUMNS}).cast(pl.String)
    frame.write_csv(path, separator=",", null_value="")
    return path
