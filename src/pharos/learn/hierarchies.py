"""Generalisation hierarchies of the k-anonymous export: how far each column may be coarsened.

Each quasi-identifier has levels, 0 (the value as recorded) to its height (the whole column
suppressed, written :data:`SUPPRESSED`). A level applies to every row alike (full-domain
generalisation, as in ARX and sdcMicro). An unknown value (empty) stays unknown at every level
below the top: "suppressed" (``*``) and "unknown" (empty) are never the same cell. A value a
hierarchy does not know (a country without an M49 region: Antarctica) stays as it is below the
top: only the top level and suppression write ``*``.

- ``yearOfRegistration``: year; two-year ranges (``2014-2015``); five-year ranges
  (``2010-2014``); ten-year ranges (``2010-2019``); suppressed.
- ``ageBroad`` (the CTDC bands): the bands; adjacent adult bands merged (``18--23``,
  ``24--29``, ``30--47``); ``0--17``, ``18--29``, ``30+``; minor or adult (``0--17``, ``18+``);
  suppressed.
- ``citizenship``, ``CountryOfExploitation``: ISO3 country; UN M49 intermediate region where
  M49 has one (Western Africa), else sub-region; M49 sub-region (Sub-Saharan Africa); M49
  region (Africa); suppressed. Regions are written ``Northern Africa (M49 015)``; the M49
  membership is the domain's ISO table (``pharos.domain.geography.iso_codes``).
- ``traffickMonths``: the band; ``0--24`` or ``25+``; suppressed.
- any other column: the value; suppressed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from pharos.i18n import lazy_gettext

#: A cell withheld by the anonymisation (never an unknown value: unknown stays empty).
SUPPRESSED = "*"


@dataclass(frozen=True)
class Hierarchy:
    """The levels of one column: ``names[l]`` says what level ``l`` keeps."""

    column: str
    names: tuple[object, ...]  # lazy translated strings
    _generalise: Callable[[str, int], str]

    @property
    def height(self) -> int:
        """The top level, at which every cell is suppressed."""
        return len(self.names) - 1

    def generalise(self, value: str, level: int) -> str:
        """``value`` (not unknown) at ``level``."""
        if level <= 0:
            return value
        if level >= self.height:
            return SUPPRESSED
        return self._generalise(value, level)


def _year(value: str, level: int) -> str:
    try:
        year = int(value)
    except ValueError:
        return value
    width = {1: 2, 2: 5, 3: 10}[level]
    start = year - year % width
    return f"{start}-{start + width - 1}"


_AGE = {
    1: {"18--20": "18--23", "21--23": "18--23", "24--26": "24--29", "27--29": "24--29",
        "30--38": "30--47", "39--47": "30--47"},
    2: {"0--8": "0--17", "9--17": "0--17", "18--20": "18--29", "21--23": "18--29",
        "24--26": "18--29", "27--29": "18--29", "30--38": "30+", "39--47": "30+", "48+": "30+"},
    3: {"0--8": "0--17", "9--17": "0--17", "18--20": "18+", "21--23": "18+", "24--26": "18+",
        "27--29": "18+", "30--38": "18+", "39--47": "18+", "48+": "18+"},
}  # fmt: skip


def _age(value: str, level: int) -> str:
    table = _AGE[level]
    if level == 1 and value in ("0--8", "9--17", "48+"):
        return value
    return table.get(value, value)


def _months(value: str, level: int) -> str:
    return {"0--12": "0--24", "13--24": "0--24", "25+": "25+"}.get(value, value)


@cache
def _region_name(code: str) -> str:
    from babel import Locale

    return f"{Locale('en').territories.get(code, code)} (M49 {code})"


def _country(value: str, level: int) -> str:
    from pharos.domain.geography import iso_codes

    region, subregion, intermediate = iso_codes().m49_regions.get(value, ("", "", ""))
    code = {1: intermediate or subregion, 2: subregion, 3: region}[level]
    return _region_name(code) if code else value


def _other(value: str, level: int) -> str:  # pragma: no cover - height 1 never calls it
    return SUPPRESSED


_KEPT = lazy_gettext("as recorded")
_OFF = lazy_gettext("suppressed")
_COUNTRY_LEVELS = (
    lazy_gettext("country"),
    lazy_gettext("UN M49 intermediate region or sub-region"),
    lazy_gettext("UN M49 sub-region"),
    lazy_gettext("UN M49 region"),
    _OFF,
)
HIERARCHIES: dict[str, Hierarchy] = {
    "yearOfRegistration": Hierarchy(
        "yearOfRegistration",
        (
            lazy_gettext("year"),
            lazy_gettext("two-year ranges"),
            lazy_gettext("five-year ranges"),
            lazy_gettext("ten-year ranges"),
            _OFF,
        ),
        _year,
    ),
    "ageBroad": Hierarchy(
        "ageBroad",
        (
            lazy_gettext("age bands"),
            lazy_gettext("adult bands merged in pairs"),
            lazy_gettext("0-17, 18-29, 30+"),
            lazy_gettext("minor or adult"),
            _OFF,
        ),
        _age,
    ),
    "citizenship": Hierarchy("citizenship", _COUNTRY_LEVELS, _country),
    "CountryOfExploitation": Hierarchy("CountryOfExploitation", _COUNTRY_LEVELS, _country),
    "traffickMonths": Hierarchy(
        "traffickMonths",
        (lazy_gettext("duration bands"), lazy_gettext("up to two years or more"), _OFF),
        _months,
    ),
}


def hierarchy(column: str) -> Hierarchy:
    """The hierarchy of ``column``: its own, else kept or suppressed."""
    return HIERARCHIES.get(column) or Hierarchy(column, (_KEPT, _OFF), _other)
