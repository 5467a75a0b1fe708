"""The values the CTDC codebooks list, as the importer reads them.

``data/ctdc_values.csv`` is derived by ``scripts/derive_ctdc_codebook_values.py`` from the CTDC
codebooks (Global Synthetic Data Codebook v2, Feb 2024; codebook v6.0, Nov 2017) and the Global
Dataset data dictionary (15 Aug 2018, sheet Lookups): one row per value a codebook lists for a
variable, with whether it means "missing" and the source. Nothing here is typed by hand.

Spellings are compared after :func:`normalise`: the codebook PDFs print a band's double hyphen
as an em dash (``0—8``, ``0—12 (0-1 yr)``) where the data dictionary and the files write
``0--8`` and ``0--12 (0-1 yr)``; case and runs of spaces do not matter.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

#: The file and the codebooks it was derived from (cited in docs/learn.md).
VALUES_FILE = "ctdc_values.csv"
_DASHES = re.compile(r"\s*[\u2014\u2013]\s*")
_GLOSS = re.compile(r"\s*\(.*\)\s*$")


@dataclass(frozen=True)
class CodebookValue:
    layout: str  # "global" or "synthetic"
    variable: str  # the column, or "*" for a code that means missing in every column
    value: str  # as the codebook writes it
    missing: bool
    gloss: str
    source: str


def normalise(text: str) -> str:
    """A spelling as compared: em/en dash -> ``--``, spaces collapsed, lower case."""
    return " ".join(_DASHES.sub("--", text).split()).lower()


def band(text: str) -> str:
    """A band without its year gloss: ``0--12 (0-1 yr)`` -> ``0--12``."""
    return _GLOSS.sub("", normalise(text))


@cache
def values() -> tuple[CodebookValue, ...]:
    """Every row of the derived value list."""
    text = resources.files("pharos.learn").joinpath("data", VALUES_FILE).read_text("utf-8")
    with io.StringIO(text, newline="") as fp:
        return tuple(
            CodebookValue(
                layout=r["layout"],
                variable=r["variable"],
                value=r["value"],
                missing=r["missing"] == "1",
                gloss=r["gloss"],
                source=r["source"],
            )
            for r in csv.DictReader(fp)
        )


def listed(variable: str, layout: str | None = None) -> tuple[CodebookValue, ...]:
    """The values listed for ``variable`` (any case), in codebook order, missing ones included."""
    name = variable.lower()
    return tuple(
        v for v in values() if v.variable.lower() == name and (layout is None or v.layout == layout)
    )


def spellings(variable: str, layout: str | None = None) -> tuple[str, ...]:
    """The distinct non-missing spellings of ``variable``, normalised, in codebook order."""
    out: dict[str, None] = {}
    for v in listed(variable, layout):
        if not v.missing and v.value != "range":
            out[normalise(v.value)] = None
    return tuple(out)


@cache
def missing_codes() -> frozenset[str]:
    """Normalised codes any codebook gives as missing for a text column (``-99``, ``NULL``,
    ``Unknown``); country codes for an unknown country are in :func:`missing_countries`."""
    countries = {"citizenship", "countryofexploitation"}
    return frozenset(
        normalise(v.value) for v in values() if v.missing and v.variable.lower() not in countries
    )


@cache
def missing_countries() -> frozenset[str]:
    """Country codes the codebooks give as unknown (``ZZ``, the dictionary's ``00``)."""
    countries = {"citizenship", "countryofexploitation"}
    codes = {normalise(v.value) for v in values() if v.missing and v.variable.lower() in countries}
    return frozenset(codes - missing_codes())


def year_range(layout: str) -> tuple[int, int]:
    """The range of ``yearOfRegistration`` the codebook of ``layout`` states."""
    (row,) = [v for v in listed("yearOfRegistration", layout) if v.value == "range"]
    low, high = (int(x) for x in row.gloss.strip("[]").split(","))
    return low, high
