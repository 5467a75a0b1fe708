"""Import CTDC case files in both published layouts into the victims table.

Format A, the k-anonymised Global Dataset (codebook v6, data dictionary 15 Aug 2018): 63 columns
after a terms-of-use first column, semicolon-delimited, ``meansOfControl*`` flags coded 0/1/-99,
``*Concatenated`` lists, ISO2 countries. Format B, the Global Synthetic Dataset (codebook v2,
Feb 2024): 27 columns, comma-delimited, flags 1/NULL, ISO3 countries, ``typeOf*`` or
``sectorOf*`` names. The layout is decided from the header names, never by position.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pharos.i18n import _, lazy_gettext
from pharos.learn import codebook, codes
from pharos.learn.ingest.report import (
    ImportRefused,
    ImportReport,
    Refusal,
    check_size,
    drop_bias,
    looks_like_formula,
    refusals_from_mask,
)
from pharos.learn.ingest.tabular import (
    DELIMITER_NAMES,
    read_header_line,
    read_table,
    sniff_delimiter,
)
from pharos.learn.options import DEFAULT_MAX_BYTES, Layout

TERMS_PREFIX = "by using this data"
INVALID = "\x00invalid"


LAYOUT_NAMES = {
    Layout.GLOBAL_K_ANON: lazy_gettext("global"),
    Layout.SYNTHETIC: lazy_gettext("synthetic"),
}


_A_MEANS = [
    "DebtBondage",
    "TakesEarnings",
    "RestrictsFinancialAccess",
    "Threats",
    "PsychologicalAbuse",
    "PhysicalAbuse",
    "SexualAbuse",
    "FalsePromises",
    "PsychoactiveSubstances",
    "RestrictsMovement",
    "RestrictsMedicalCare",
    "ExcessiveWorkingHours",
    "UsesChildren",
    "ThreatOfLawEnforcement",
    "WithholdsNecessities",
    "WithholdsDocuments",
    "Other",
    "NotSpecified",
]
_A_LABOUR = [
    "Agriculture",
    "Aquafarming",
    "Begging",
    "Construction",
    "DomesticWork",
    "Hospitality",
    "IllicitActivities",
    "Manufacturing",
    "MiningOrDrilling",
    "Peddling",
    "Transportation",
    "Other",
    "NotSpecified",
]
_A_SEX = ["Prostitution", "Pornography", "RemoteInteractiveServices", "PrivateSexualServices"]
_A_EXPLOIT = [
    "isForcedLabour",
    "isSexualExploit",
    "isOtherExploit",
    "isSexAndLabour",
    "isForcedMarriage",
    "isForcedMilitary",
    "isOrganRemoval",
    "isSlaveryAndPractices",
]
_RELATIONS = ["IntimatePartner", "Friend", "Family", "Other"]

#: Format A columns in file order (after the terms-of-use column).
FORMAT_A_COLUMNS: tuple[str, ...] = tuple(
    [
        "yearOfRegistration",
        "Datasource",
        "gender",
        "ageBroad",
        "majorityStatus",
        "majorityStatusAtExploit",
        "majorityEntry",
        "citizenship",
    ]
    + [f"meansOfControl{m}" for m in _A_MEANS]
    + ["meansOfControlConcatenated"]
    + _A_EXPLOIT
    + ["typeOfExploitConcatenated"]
    + [f"typeOfLabour{s}" for s in _A_LABOUR]
    + ["typeOfLabourConcatenated"]
    + [f"typeOfSex{s}" for s in _A_SEX]
    + ["typeOfSexConcatenated", "isAbduction", "RecruiterRelationship", "CountryOfExploitation"]
    + [f"recruiterRelation{r}" for r in [*_RELATIONS, "Unknown"]]
)

_B_MEANS = {
    "meansDebtBondageEarnings": "debt_bondage_earnings",
    "meansThreats": "threats",
    "meansAbusePsyPhySex": "abuse_psy_phy_sex",
    "meansFalsePromises": "false_promises",
    "meansDrugsAlcohol": "drugs_alcohol",
    "meansDenyBasicNeeds": "deny_basic_needs",
    "meansExcessiveWorkHours": "excessive_work_hours",
    "meansWithholdDocs": "withhold_docs",
}
#: Format B columns (codebook v2024, variable list).
FORMAT_B_COLUMNS: tuple[str, ...] = tuple(
    ["yearOfRegistration", "gender", "ageBroad", "citizenship", "CountryOfExploitation"]
    + ["traffickMonths", *_B_MEANS, "isForcedLabour", "isSexualExploit", "isOtherExploit"]
    + [f"typeOfLabour{s}" for s in ["Agriculture", "Construction", "DomesticWork", "Hospitality"]]
    + ["typeOfSexProstitution", "typeOfSexPornography"]
    + [f"recruiterRelation{r}" for r in _RELATIONS]
)

#: Composite flags of Format B from the detailed Format A flags (codebook v2024, Appendix II).
A_TO_COMPOSITE: dict[str, tuple[str, ...]] = {
    "debt_bondage_earnings": ("DebtBondage", "TakesEarnings"),
    "threats": ("Threats", "UsesChildren", "ThreatOfLawEnforcement"),
    "abuse_psy_phy_sex": ("PsychologicalAbuse", "PhysicalAbuse", "SexualAbuse"),
    "false_promises": ("FalsePromises",),
    "drugs_alcohol": ("PsychoactiveSubstances",),
    "deny_basic_needs": (
        "RestrictsFinancialAccess",
        "RestrictsMovement",
        "RestrictsMedicalCare",
        "WithholdsNecessities",
    ),
    "excessive_work_hours": ("ExcessiveWorkingHours",),
    "withhold_docs": ("WithholdsDocuments",),
}

#: What each gender the codebooks list means in Pharos' vocabulary (v6: Male, Female,
#: Transgender/NonConforming; v2024: Man, Woman, Trans/Transgender/NonConforming).
GENDER_MEANINGS = {
    "female": "feminine",
    "woman": "feminine",
    "male": "masculine",
    "man": "masculine",
    "transgender/nonconforming": codes.TRANS_OR_NON_CONFORMING,
    "trans/transgender/nonconforming": codes.TRANS_OR_NON_CONFORMING,
}
#: Every gender spelling the codebooks list (a KeyError here: a codebook value with no meaning).
_GENDERS: dict[str, str | None] = {s: GENDER_MEANINGS[s] for s in codebook.spellings("gender")}
_MAJORITY: dict[str, str | None] = {s: s for s in codebook.spellings("majorityStatus")}
_DATASOURCE: dict[str, str | None] = {
    s: s.replace(" ", "_") for s in codebook.spellings("Datasource")
}
#: ``traffickMonths`` as the synthetic codebook writes it (``0--12 (0-1 yr)``) or without the
#: year gloss (``0--12``), to the band.
_MONTHS: dict[str, str | None] = {
    **{b: b for b in codes.TRAFFICK_MONTHS},
    **{s: codebook.band(s) for s in codebook.spellings("traffickMonths")},
}
_FLAG = {"1": True, "0": False, "1.0": True, "0.0": False}


def _alias(name: str) -> str:
    """The canonical spelling of a CTDC column name (codebook/dictionary/file variants)."""
    n = name.strip()
    if n.startswith("sectorOf"):
        n = "typeOf" + n[len("sectorOf") :]
    if n == "meansWithholdDocuments":
        n = "meansWithholdDocs"
    return n


_CANONICAL = {c.lower(): c for c in FORMAT_A_COLUMNS + FORMAT_B_COLUMNS}


def canonical_header(raw: list[str]) -> tuple[list[str], bool]:
    """Canonical names of a CTDC header and whether it starts with the terms-of-use column."""
    terms = bool(raw) and raw[0].strip().lower().startswith(TERMS_PREFIX)
    out = []
    for i, name in enumerate(raw):
        if i == 0 and terms:
            out.append("_terms")
            continue
        a = _alias(name)
        out.append(_CANONICAL.get(a.lower(), a))
    return out, terms


def detect_layout(header: list[str]) -> Layout | None:
    """Format A if the header has ``meansOfControl*`` flags, B if it has the composite flags."""
    names = set(header)
    if any(n.startswith("meansOfControl") for n in names) and "citizenship" in names:
        return Layout.GLOBAL_K_ANON
    if any(n in names for n in _B_MEANS) and "citizenship" in names:
        return Layout.SYNTHETIC
    return None


def _coded(
    frame: pl.DataFrame, column: str, mapping: dict[str, str | None], file: str, reason: str
) -> tuple[pl.Series, list[Refusal]]:
    """Map ``column`` to codes; every value not in ``mapping`` (nor missing) is a refusal."""
    values = frame.get_column(column)
    table: dict[str, str | None] = {}
    bad_values: list[str] = []
    for u in values.unique().to_list():
        if u is None:
            continue
        key = codebook.normalise(u)
        if key in codes.MISSING_TEXT:
            table[u] = None
            continue
        found = mapping.get(key, INVALID)
        if found == INVALID:
            bad_values.append(u)
            table[u] = None
        else:
            table[u] = found
    mapped = values.replace_strict(table, default=None, return_dtype=pl.String)
    refusals: list[Refusal] = []
    if bad_values:
        refusals = refusals_from_mask(
            frame, values.is_in(bad_values), file=file, field_name=column, reason=reason
        )
    return mapped, refusals


def _country_mapping(layout: Layout) -> dict[str, str | None]:
    iso2 = codes.iso2_to_iso3()
    table: dict[str, str | None] = {}
    for k, v in iso2.items():
        table[k.lower()] = v
        table[v.lower()] = v
    for m in codes.MISSING_COUNTRY:
        table[m.lower()] = None
    return table


def _age_mapping(values: list[str | None]) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for v in values:
        if v is None:
            continue
        band = codes.normalise_age_band(v)
        if band is not None:
            out[codebook.normalise(v)] = band
    return out


def read_ctdc(
    path: Path, *, layout: Layout | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[pl.DataFrame, ImportReport]:
    """Validate a CTDC file; return its accepted rows as victims rows and the report.

    Raises :class:`ImportRefused` for a problem with the whole file (size, encoding, delimiter,
    not a CTDC header, a different layout than ``layout``). Refused rows are listed in the report
    and left out of the returned frame; the caller decides whether to write anything.
    """
    path = Path(path)
    check_size(path, max_bytes)
    header_line = read_header_line(path)
    delimiter = sniff_delimiter(header_line)
    raw_header = header_line.split(delimiter)
    header, _terms = canonical_header([h.strip().strip('"') for h in raw_header])
    found = detect_layout(header)
    if delimiter not in (";", ","):
        raise ImportRefused(
            _(
                "%(file)s is delimited by %(found)s; CTDC files use semicolons (global "
                "dataset) or commas (synthetic dataset)"
            )
            % {"file": path.name, "found": str(DELIMITER_NAMES[delimiter])}
        )
    if found is None:
        raise ImportRefused(
            _("%(file)s is not a CTDC file: its header has none of the CTDC columns")
            % {"file": path.name}
        )
    if layout is not None and found is not layout:
        raise ImportRefused(
            _("%(file)s is in the CTDC %(found)s layout, not the %(asked)s layout asked for")
            % {
                "file": path.name,
                "found": str(LAYOUT_NAMES[found]),
                "asked": str(LAYOUT_NAMES[layout]),
            }
        )
    expected = FORMAT_A_COLUMNS if found is Layout.GLOBAL_K_ANON else FORMAT_B_COLUMNS
    required = {"yearOfRegistration", "gender", "ageBroad", "citizenship", "CountryOfExploitation"}
    missing = sorted((required | {c for c in expected if c.startswith("is")}) - set(header))
    if missing:
        raise ImportRefused(
            _("%(file)s lacks the column(s) %(columns)s of the CTDC %(layout)s layout")
            % {"file": path.name, "columns": ", ".join(missing), "layout": str(LAYOUT_NAMES[found])}
        )
    duplicates = sorted({h for h in header if header.count(h) > 1})
    if duplicates:
        raise ImportRefused(
            _("%(file)s repeats the column(s) %(columns)s")
            % {"file": path.name, "columns": ", ".join(duplicates)}
        )
    table = read_table(path, delimiter, header)
    report = ImportReport(file=path.name, kind=f"ctdc_{found.value}", rows_read=table.rows_read)
    refusals = list(table.structural)
    frame = table.frame
    victims, value_refusals = _to_victims(frame, found, path.name)
    refusals.extend(value_refusals)
    refused_lines = {r.line for r in refusals}
    report.bias = drop_bias(frame, refused_lines)
    if refused_lines:
        keep = ~victims.get_column("_line").is_in(list(refused_lines))
        victims = victims.filter(keep)
    report.refusals = sorted(refusals, key=lambda r: (r.line, r.field))
    report.rows_accepted = victims.height
    return victims.drop("_line"), report


def _nulls(n: int, dtype: type[pl.DataType]) -> pl.Series:
    """A column of ``n`` nulls."""
    return pl.select(pl.repeat(None, n, dtype=dtype)).to_series()


def _flag(frame: pl.DataFrame, column: str, file: str) -> tuple[pl.Series, list[Refusal]]:
    """A 0/1/-99/empty column as nullable booleans; other values are refusals."""
    if column not in frame.columns:
        return _nulls(frame.height, pl.Boolean), []
    values = frame.get_column(column)
    table: dict[str, bool | None] = {}
    bad_values: list[str] = []
    for u in values.unique().to_list():
        if u is None:
            continue
        key = u.strip().lower()
        if key in codes.MISSING_TEXT:
            table[u] = None
        elif key in _FLAG:
            table[u] = _FLAG[key]
        else:
            table[u] = None
            bad_values.append(u)
    mapped = values.replace_strict(table, default=None, return_dtype=pl.Boolean).alias(column)
    refusals: list[Refusal] = []
    if bad_values:
        refusals = refusals_from_mask(
            frame,
            values.is_in(bad_values),
            file=file,
            field_name=column,
            reason=_("not a flag (expected 0, 1 or -99)"),
        )
    return mapped, refusals


def _any_known(series: list[pl.Series]) -> pl.Series:
    """True if any is True, False if any is False (and none True), else None."""
    df = pl.DataFrame(series)
    anyt = df.select(pl.any_horizontal([pl.col(c).fill_null(False) for c in df.columns]))
    anyf = df.select(pl.any_horizontal([(~pl.col(c)).fill_null(False) for c in df.columns]))
    t = anyt.to_series()
    f = anyf.to_series()
    return pl.select(pl.when(t).then(True).when(f).then(False).otherwise(None)).to_series()


def _to_victims(
    frame: pl.DataFrame, layout: Layout, file: str
) -> tuple[pl.DataFrame, list[Refusal]]:
    refusals: list[Refusal] = []
    text_columns = [c for c in frame.columns if c not in ("_line", "_terms")]
    for c in text_columns:
        # test each distinct value once: flag columns have a handful
        uniques = frame.get_column(c).unique().drop_nulls().to_frame()
        formulas = uniques.filter(looks_like_formula(pl.col(c))).get_column(c)
        if formulas.len():
            mask = frame.get_column(c).is_in(formulas.implode())
            refusals += refusals_from_mask(
                frame,
                mask,
                file=file,
                field_name=c,
                reason=_("a formula is not accepted in a cell"),
            )
    out: dict[str, pl.Series] = {"_line": frame.get_column("_line")}
    n = frame.height
    out["source"] = pl.Series(["ctdc_" + layout.value] * n, dtype=pl.String)
    # year
    year_text = frame.get_column("yearOfRegistration").str.strip_chars()
    missing_year = year_text.is_null() | year_text.str.to_lowercase().is_in(
        list(codes.MISSING_TEXT)
    )
    year = year_text.cast(pl.Int64, strict=False)
    bad_year = ~missing_year & (year.is_null() | (year < 1990) | (year > 2100))
    if bad_year.any():
        refusals += refusals_from_mask(
            frame,
            bad_year,
            file=file,
            field_name="yearOfRegistration",
            reason=_("not a year of registration"),
        )
    out["year"] = year.set(missing_year | bad_year, None).cast(pl.Int16)
    gender, r = _coded(frame, "gender", _GENDERS, file, _("unknown gender code"))
    refusals += r
    out["gender"] = gender
    ages = frame.get_column("ageBroad").unique().to_list()
    age, r = _coded(frame, "ageBroad", _age_mapping(ages), file, _("unknown age band"))
    refusals += r
    out["age_band"] = age
    if "Datasource" in frame.columns:
        data_source, r = _coded(frame, "Datasource", _DATASOURCE, file, _("unknown data source"))
        refusals += r
        out["data_source"] = data_source.str.to_lowercase()
    else:
        out["data_source"] = pl.Series([None] * n, dtype=pl.String)
    minor = age.is_in(list(codes.MINOR_AGE_BANDS)).set(age.is_null(), None)
    for col in ("majorityStatus", "majorityStatusAtExploit", "majorityEntry"):
        if col in frame.columns:
            maj, r = _coded(frame, col, _MAJORITY, file, _("unknown majority status"))
            refusals += r
            if col == "majorityStatus":
                minor = pl.select(
                    pl.when(maj.is_not_null()).then(maj == "minor").otherwise(minor)
                ).to_series()
    out["minor"] = minor.alias("minor")
    countries = _country_mapping(layout)
    for col, name in (
        ("citizenship", "citizenship"),
        ("CountryOfExploitation", "exploitation_country"),
    ):
        mapped, r = _coded(frame, col, countries, file, _("unknown country code"))
        refusals += r
        out[name] = mapped
    if "traffickMonths" in frame.columns:
        tm, r = _coded(frame, "traffickMonths", _MONTHS, file, _("unknown duration band"))
        refusals += r
        out["traffick_months"] = tm
    else:
        out["traffick_months"] = _nulls(n, pl.String)
    flags: dict[str, pl.Series] = {}
    flag_columns = [
        c
        for c in frame.columns
        if c.startswith(("meansOf", "means", "is", "typeOf", "recruiterRelation"))
        and not c.endswith("Concatenated")
    ]
    for c in flag_columns:
        s, r = _flag(frame, c, file)
        refusals += r
        flags[c] = s

    def f(name: str) -> pl.Series:
        return flags.get(name, _nulls(n, pl.Boolean))

    for code in codes.MEANS:
        if layout is Layout.GLOBAL_K_ANON:
            out[f"means_{code}"] = _any_known(
                [f(f"meansOfControl{m}") for m in A_TO_COMPOSITE[code]]
            )
        else:
            b_name = next(k for k, v in _B_MEANS.items() if v == code)
            out[f"means_{code}"] = f(b_name)
    sex_and_labour = f("isSexAndLabour")
    exp = {
        "forced_labour": _any_known([f("isForcedLabour"), sex_and_labour]),
        "sexual_exploitation": _any_known([f("isSexualExploit"), sex_and_labour]),
        "forced_marriage": f("isForcedMarriage"),
        "forced_military": f("isForcedMilitary"),
        "organ_removal": f("isOrganRemoval"),
        "servitude": f("isSlaveryAndPractices"),
        "forced_begging": f("typeOfLabourBegging"),
        "forced_criminality": f("typeOfLabourIllicitActivities"),
        "other": f("isOtherExploit"),
    }
    for code in codes.EXPLOITATION:
        out[f"exp_{code}"] = exp.get(code, _nulls(n, pl.Boolean))
    camel = {
        "agriculture": "Agriculture",
        "aquafarming": "Aquafarming",
        "begging": "Begging",
        "construction": "Construction",
        "domestic_work": "DomesticWork",
        "hospitality": "Hospitality",
        "illicit_activities": "IllicitActivities",
        "manufacturing": "Manufacturing",
        "mining_or_drilling": "MiningOrDrilling",
        "peddling": "Peddling",
        "transportation": "Transportation",
        "other": "Other",
    }
    for code in codes.SECTORS:
        out[f"sector_{code}"] = f(f"typeOfLabour{camel[code]}")
    sex_camel = dict(zip(codes.SEX_TYPES, _A_SEX, strict=True))
    for code in codes.SEX_TYPES:
        out[f"sex_{code}"] = f(f"typeOfSex{sex_camel[code]}")
    rel_camel = dict(zip(codes.RELATIONS, _RELATIONS, strict=True))
    for code in codes.RELATIONS:
        out[f"rel_{code}"] = f(f"recruiterRelation{rel_camel[code]}")
    for code in codes.RECRUITMENT:
        out[f"rec_{code}"] = _nulls(n, pl.Boolean)
    if layout is Layout.GLOBAL_K_ANON:
        _blank_not_specified(out, "rel", codes.RELATIONS, f("recruiterRelationUnknown"))
        _blank_not_specified(out, "means", codes.MEANS, f("meansOfControlNotSpecified"))
        _blank_not_specified(out, "sector", codes.SECTORS, f("typeOfLabourNotSpecified"))
    victims = pl.DataFrame({k: v.alias(k) for k, v in out.items()})
    return apply_group_rule(victims), refusals


def _blank_not_specified(
    out: dict[str, pl.Series], group: str, group_codes: tuple[str, ...], marker: pl.Series
) -> None:
    """Format A's ``*NotSpecified``/``*Unknown`` flag: the group is unknown unless a 1 is set."""
    cols = [f"{group}_{c}" for c in group_codes]
    frame = pl.DataFrame([out[c].alias(c) for c in cols] + [marker.alias("_marker")])
    has_true = frame.select(pl.any_horizontal([pl.col(c).fill_null(False) for c in cols]))
    unknown = frame.get_column("_marker").fill_null(False) & ~has_true.to_series()
    for c in cols:
        out[c] = out[c].set(unknown, None)


def apply_group_rule(victims: pl.DataFrame) -> pl.DataFrame:
    """Within each flag group, a row with at least one True has its unknowns set to False.

    This is the CTDC synthetic codebook's rule for shares (v2024, section 6): people with no
    information in a group stay unknown and are left out of that group's denominator.
    """
    exprs = []
    for group, group_codes in codes.FLAG_GROUPS.items():
        cols = [f"{group}_{c}" for c in group_codes]
        has_true = pl.any_horizontal([pl.col(c).fill_null(False) for c in cols])
        exprs += [
            pl.when(has_true).then(pl.col(c).fill_null(False)).otherwise(pl.col(c)).alias(c)
            for c in cols
        ]
    return victims.with_columns(exprs).select(
        ["_line", *codes.VICTIM_COLUMNS]
        if "_line" in victims.columns
        else list(codes.VICTIM_COLUMNS)
    )
