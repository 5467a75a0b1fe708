"""CTDC files written as the codebooks spell them, for the tests."""

from __future__ import annotations

from pathlib import Path

#: The synthetic layout's spellings, transcribed from the Global Synthetic Data Codebook v2
#: (Feb 2024), variables 2, 3 and 6, with the double hyphen the files write where the PDF prints
#: an em dash (as in CTDC_global_synthetic_data_v2024.csv read by other projects, e.g.
#: ``valid_values <- c("0--12 (0-1 yr)", "13--24 (1-2 yrs)", "25+ (2+ yrs)")``). Typed here by
#: hand on purpose: the importer reads its lists from the derived codebook file, the tests do not.
SYNTHETIC_GENDERS = ("Man", "Woman", "Trans/Transgender/NonConforming", "")
SYNTHETIC_AGES = ("0--8", "9--17", "18--20", "21--23", "24--26", "27--29", "30--38", "39--47",
                  "48+", "")  # fmt: skip
SYNTHETIC_MONTHS = ("0--12 (0-1 yr)", "13--24 (1-2 yrs)", "25+ (2+ yrs)", "")
SYNTHETIC_HEADER = (
    "yearOfRegistration,gender,ageBroad,citizenship,CountryOfExploitation,traffickMonths,"
    "meansDebtBondageEarnings,meansThreats,meansAbusePsyPhySex,meansFalsePromises,"
    "meansDrugsAlcohol,meansDenyBasicNeeds,meansExcessiveWorkHours,meansWithholdDocs,"
    "isForcedLabour,isSexualExploit,isOtherExploit,typeOfLabourAgriculture,"
    "typeOfLabourConstruction,typeOfLabourDomesticWork,typeOfLabourHospitality,"
    "typeOfSexProstitution,typeOfSexPornography,recruiterRelationIntimatePartner,"
    "recruiterRelationFriend,recruiterRelationFamily,recruiterRelationOther"
)


def write_synthetic(path: Path, rows: int, seed: int = 2024, months_missing: float = 0.257) -> Path:
    """A file in the synthetic layout with the codebook's spellings; about ``months_missing``
    of the rows have no duration (the issue's 8,000-row file: 2,055 of 8,000)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    countries = ("ITA", "GRC", "ESP", "MLT", "TUN", "EGY", "DZA", "NGA", "MAR", "UKR", "")
    flags = len(SYNTHETIC_HEADER.split(",")) - 6
    lines = [SYNTHETIC_HEADER]
    months_p = [(1 - months_missing) / 3] * 3 + [months_missing]
    for _ in range(rows):
        cells = [
            str(rng.integers(2002, 2023)),
            str(rng.choice(SYNTHETIC_GENDERS, p=[0.4, 0.5, 0.02, 0.08])),
            str(rng.choice(SYNTHETIC_AGES)),
            str(rng.choice(countries)),
            str(rng.choice(countries)),
            str(rng.choice(SYNTHETIC_MONTHS, p=months_p)),
        ]
        cells += ["1" if x else "" for x in rng.random(flags) < 0.2]
        lines.append(",".join(cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
