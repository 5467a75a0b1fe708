"""HTCDS case tables in which no group fares worse, unless one is asked to.

The equal-protection monitor's false-alarm test (``test_equity_false_alarms.py``) imports these
files with the real HTCDS importer, so the case outcomes reach the monitor as a partner's file
does: the HTCDS 2.0 coded fields (``prs_Gender``, ``prs_Citizenship`` as ISO2,
``vic_TraffickingStatus``, ``vic_TypeOfExploitation``, ``cas_OutgoingReferralDate``) and
Pharos' ``x_pharos_*`` fields (age band, unaccompanied, first contact, identification and
protection dates), as in ``tests/fixtures/learn/htcds_variants.csv``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from pharos.learn import codes

GENDERS = ("Feminine", "Masculine", "NonConforming")
GENDER_P = (0.6, 0.38, 0.02)
EXPLOITATION = ("SexualExploitation", "ForcedLabour", "ForcedBegging", "Other",
                "Servitude")  # fmt: skip
EXPLOITATION_P = (0.45, 0.35, 0.07, 0.08, 0.05)
#: ISO2 citizenships and weights: the region's states and the main origins of victims.
CITIZENSHIPS = (("NG", 12), ("RO", 6), ("UA", 5), ("AL", 4), ("MA", 6), ("TN", 4), ("EG", 5),
                ("DZ", 3), ("CI", 3), ("GN", 3), ("BD", 3), ("PK", 3), ("IT", 4), ("GR", 2),
                ("ES", 3), ("SY", 2), ("ER", 2))  # fmt: skip
AGE_P = (0.03, 0.12, 0.15, 0.14, 0.12, 0.1, 0.18, 0.1, 0.06)


@dataclass(frozen=True)
class Worse:
    """A real difference: ``column`` = ``value`` cases identified with ``share`` instead."""

    column: str
    value: str
    share: float


def write_htcds(path: Path, *, rows: int, seed: int, worse: Worse | None = None) -> Path:
    """An HTCDS CSV of ``rows`` cases whose outcomes do not depend on the group."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    gender = rng.choice(GENDERS, size=rows, p=GENDER_P)
    bands = np.array(codes.AGE_BANDS)
    age = rng.choice(bands, size=rows, p=np.asarray(AGE_P) / sum(AGE_P))
    minor = np.isin(age, list(codes.MINOR_AGE_BANDS))
    unaccompanied = np.where(minor, np.where(rng.random(rows) < 0.4, "TRUE", "FALSE"), "")
    weights = np.array([w for _c, w in CITIZENSHIPS], dtype=float)
    citizenship = rng.choice([c for c, _w in CITIZENSHIPS], size=rows, p=weights / weights.sum())
    exploitation = rng.choice(EXPLOITATION, size=rows, p=EXPLOITATION_P)
    p_identified = np.full(rows, 0.7)
    if worse is not None:
        by_field = {"prs_Gender": gender, "prs_Citizenship": citizenship,
                    "vic_TypeOfExploitation": exploitation, "x_pharos_AgeBand": age}  # fmt: skip
        column = by_field[worse.column]
        p_identified[column == worse.value] = worse.share
    identified = rng.random(rows) < p_identified
    referred = rng.random(rows) < 0.55
    protected = rng.random(rows) < 0.45
    first = dt.date(2021, 1, 1)
    contact = [first + dt.timedelta(days=int(d)) for d in rng.integers(0, 900, size=rows)]

    def later(mask: np.ndarray, mean: float) -> list[str]:
        days = rng.gamma(2.0, mean / 2, size=rows).round()
        return [(c + dt.timedelta(days=int(d))).isoformat() if m else ""
                for c, d, m in zip(contact, days, mask, strict=True)]  # fmt: skip

    frame = pl.DataFrame(
        {
            "prs_Gender": gender,
            "prs_Citizenship": citizenship,
            "vic_TraffickingStatus": np.where(
                identified, "ActualVictimOfTrafficking", "PossibleVictimOfTrafficking"
            ),
            "vic_TypeOfExploitation": exploitation,
            "x_pharos_AgeBand": age,
            "x_pharos_Unaccompanied": unaccompanied,
            "x_pharos_FirstContactDate": [c.isoformat() for c in contact],
            "x_pharos_IdentificationDate": later(identified, 20),
            "cas_OutgoingReferralDate": later(referred, 35),
            "x_pharos_ProtectionDate": later(protected, 60),
        }
    )
    frame.write_csv(path)
    return path
