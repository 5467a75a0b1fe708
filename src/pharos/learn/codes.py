"""The codes of the learn area: one internal vocabulary for CTDC, HTCDS and Pharos' own cases.

Every imported victim record becomes one row of the *victims* table whose columns are listed in
``VICTIM_COLUMNS``. Category flags are nullable booleans: ``True`` (recorded), ``False``
(recorded as absent) and ``None`` (not known). Sources: CTDC codebook v6 (Nov 2017), CTDC data
dictionary (15 Aug 2018), CTDC Global Synthetic Data Codebook v2 (Feb 2024), HTCDS v2.0
(UNMigration/HTCDS, CC BY 4.0); see docs/learn.md.
"""

from __future__ import annotations

from pharos.domain.geography import iso_codes
from pharos.domain.vocabulary import ExploitationType, Gender, RecruitmentMethod
from pharos.learn import codebook

#: CTDC age bands, canonical spelling: the values the codebooks list for ``ageBroad``
#: (``pharos.learn.codebook``; the data dictionary's spelling ``0--8``).
AGE_BANDS: tuple[str, ...] = codebook.spellings("ageBroad", "global")
MINOR_AGE_BANDS = frozenset({"0--8", "9--17"})

#: CTDC Format B ``traffickMonths`` bands, without the codebook's year gloss: the synthetic
#: codebook (v2024) writes ``0--12 (0-1 yr)``, ``13--24 (1-2 yrs)``, ``25+ (2+ yrs)``.
TRAFFICK_MONTHS: tuple[str, ...] = tuple(
    dict.fromkeys(codebook.band(s) for s in codebook.spellings("traffickMonths"))
)

#: CTDC "Transgender/NonConforming" and HTCDS "NonConforming" have no single value in
#: ``pharos.domain.vocabulary.Gender``; the learn area keeps them under this extension code.
TRANS_OR_NON_CONFORMING = "trans_or_non_conforming"

GENDERS: tuple[str, ...] = (
    Gender.FEMININE.value,
    Gender.MASCULINE.value,
    Gender.TRANSGENDER_FEMININE.value,
    Gender.TRANSGENDER_MASCULINE.value,
    TRANS_OR_NON_CONFORMING,
)

#: Composite means-of-control flags (CTDC Format B names, codebook v2024 Appendix II).
MEANS: tuple[str, ...] = (
    "debt_bondage_earnings",
    "threats",
    "abuse_psy_phy_sex",
    "false_promises",
    "drugs_alcohol",
    "deny_basic_needs",
    "excessive_work_hours",
    "withhold_docs",
)

#: Exploitation types recorded by CTDC or HTCDS, in the domain vocabulary.
EXPLOITATION: tuple[str, ...] = (
    ExploitationType.FORCED_LABOUR.value,
    ExploitationType.SEXUAL_EXPLOITATION.value,
    ExploitationType.FORCED_MARRIAGE.value,
    ExploitationType.FORCED_MILITARY.value,
    ExploitationType.ORGAN_REMOVAL.value,
    ExploitationType.SERVITUDE.value,
    ExploitationType.FORCED_BEGGING.value,
    ExploitationType.FORCED_CRIMINALITY.value,
    ExploitationType.CHILD_LABOUR.value,
    ExploitationType.FORCED_ADOPTION.value,
    ExploitationType.SURROGACY.value,
    ExploitationType.OTHER.value,
)

#: Sectors of forced labour (CTDC ``typeOfLabour*``; HTCDS ISIC sections mapped where they match).
SECTORS: tuple[str, ...] = (
    "agriculture",
    "aquafarming",
    "begging",
    "construction",
    "domestic_work",
    "hospitality",
    "illicit_activities",
    "manufacturing",
    "mining_or_drilling",
    "peddling",
    "transportation",
    "other",
)

#: Forms of sexual exploitation (CTDC ``typeOfSex*``, HTCDS ``vic_TypeOfSexExploitation``).
SEX_TYPES: tuple[str, ...] = (
    "prostitution",
    "pornography",
    "remote_interactive_services",
    "private_sexual_services",
)

#: Relation of the recruiter to the victim (CTDC ``recruiterRelation*``).
RELATIONS: tuple[str, ...] = ("intimate_partner", "friend", "family", "other")

#: HTCDS ``vic_MethodOfRecruitment`` in the domain vocabulary.
RECRUITMENT: tuple[str, ...] = tuple(m.value for m in RecruitmentMethod)

#: Groups of flags and their column prefix; shares are computed within a group (codebook v2024 §6).
FLAG_GROUPS: dict[str, tuple[str, ...]] = {
    "means": MEANS,
    "exp": EXPLOITATION,
    "sector": SECTORS,
    "sex": SEX_TYPES,
    "rel": RELATIONS,
    "rec": RECRUITMENT,
}

BASE_COLUMNS: tuple[str, ...] = (
    "source",
    #: CTDC Format A ``Datasource`` (``case_management`` or ``hotline``): within one file, a
    #: source whose share changes over the years (``pharos.learn.trends`` compares within it).
    "data_source",
    "year",
    "gender",
    "age_band",
    "minor",
    "citizenship",
    "exploitation_country",
    "traffick_months",
)


def flag_columns() -> list[str]:
    """All flag columns of the victims table, ``<group>_<code>``."""
    return [f"{group}_{code}" for group, codes in FLAG_GROUPS.items() for code in codes]


VICTIM_COLUMNS: tuple[str, ...] = BASE_COLUMNS + tuple(flag_columns())


def iso2_to_iso3() -> dict[str, str]:
    """ISO 3166-1 alpha-2 to alpha-3 (``"IT" -> "ITA"``), from the domain's ISO code table."""
    return iso_codes().iso3_by_iso2


def english_short_names() -> dict[str, str]:
    """English short name by ISO3 code, as IOM's ISO table spells them: for reading country names
    in imported files only (a name shown to a user is CLDR's: ``geography.country_name``)."""
    return iso_codes().short_names


#: Codes that mean "missing" in CTDC files, lower case: those the codebooks list (``-99``,
#: ``NULL``, ``Unknown``; codebook v6, data dictionary, synthetic codebook) and the empty cell
#: (the global dataset's file writes missing values as empty cells).
MISSING_TEXT = frozenset({""}) | codebook.missing_codes()
#: Country codes for an unknown country: ``ZZ`` (codebook v6), ``00`` (data dictionary).
MISSING_COUNTRY = frozenset(c.upper() for c in codebook.missing_countries())


def normalise_age_band(value: str) -> str | None:
    """Canonical CTDC age band for the spellings found in files and codebooks, else None.

    Accepts ``0--8``, ``0—8`` (em dash in the PDFs), ``0-8``, ``09--17`` and ``48+``.
    """
    v = value.strip().replace("\u2014", "--").replace("\u2013", "--")
    if v.endswith("+"):
        head = v[:-1].lstrip("0") or "0"
        candidate = f"{head}+"
    else:
        parts = [p for p in v.replace("--", "-").split("-") if p != ""]
        if len(parts) != 2 or not all(p.isdigit() for p in parts):
            return None
        candidate = f"{int(parts[0])}--{int(parts[1])}"
    return candidate if candidate in AGE_BANDS else None


def age_band_of(age_years: int) -> str:
    """The CTDC age band holding ``age_years`` (whole years)."""
    bounds: tuple[tuple[int, str], ...] = (
        (8, "0--8"),
        (17, "9--17"),
        (20, "18--20"),
        (23, "21--23"),
        (26, "24--26"),
    )
    bounds += ((29, "27--29"), (38, "30--38"), (47, "39--47"))
    for upper, band in bounds:
        if age_years <= upper:
            return band
    return "48+"
