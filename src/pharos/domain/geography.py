"""Countries, places and routes of the Mediterranean region.

The states of the OSCE's Mediterranean work are the unit of everything in Pharos: teams in
exercises, agencies in the simulation, owners of cases. Which countries they are is data: the
``role`` of each country in ``data/countries.yaml`` (:func:`region_states`). Countries are
identified by ISO 3166-1 alpha-3 codes (``"ITA"``); the ISO code table (``data/iso3166.csv``)
gives every country's alpha-2 and M49 codes. A country's name, in every language, is CLDR's
through Babel (:func:`country_name`); the data gives an English name only for a country CLDR
does not name.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from babel import Locale, UnknownLocaleError

from pharos.domain.datafiles import (
    DataFileError,
    data_cache,
    data_source,
    load_data_file,
    read_data_text,
)
from pharos.i18n import current_locale, gettext, normalise_locale, use_locale


class CountryRole(StrEnum):
    PARTICIPATING_STATE = "participating_state"
    PARTNER_STATE = "partner_state"
    ORIGIN_OR_TRANSIT = "origin_or_transit"


class PlaceKind(StrEnum):
    DISEMBARKATION_PORT = "disembarkation_port"
    DEPARTURE_POINT = "departure_point"
    AGRICULTURAL_DISTRICT = "agricultural_district"
    CITY = "city"
    TRANSIT_HUB = "transit_hub"


@dataclass(frozen=True)
class Country:
    iso3: str
    iso2: str
    region: str
    subregion: str
    eu_member: bool
    schengen: bool
    role: CountryRole
    osce_status: str | None = None
    #: English name given by the data, only for a country CLDR does not name
    english_name: str | None = None

    @property
    def is_region_state(self) -> bool:
        """One of the states of the OSCE Mediterranean exercises."""
        return self.role is not CountryRole.ORIGIN_OR_TRANSIT

    @property
    def name(self) -> str:
        """The country's name in the current language (:func:`country_name`)."""
        return country_name(self.iso3)


@dataclass(frozen=True)
class Place:
    id: str
    name: str
    country: str
    kind: PlaceKind


@dataclass(frozen=True)
class Route:
    id: str
    name: str
    frontex_route: str | None
    departure_countries: tuple[str, ...]
    arrival_countries: tuple[str, ...]


class UnknownCountryError(KeyError):
    """Raised for a country code Pharos does not know."""


@dataclass(frozen=True)
class IsoCodes:
    """The ISO 3166-1 code table: alpha-2, alpha-3 and UN M49 codes of 251 countries and
    territories, with their English short names as IOM's table spells them (used to read names
    in imported files, never shown: a shown name is CLDR's)."""

    iso3_by_iso2: dict[str, str]
    iso2_by_iso3: dict[str, str]
    iso3_by_m49: dict[str, str]
    short_names: dict[str, str]
    #: UN M49 region, sub-region and intermediate region of each ISO3 code (three-digit M49
    #: codes; the intermediate region is empty where M49 has none, all empty for Antarctica).
    m49_regions: dict[str, tuple[str, str, str]]


@data_cache
def iso_codes() -> IsoCodes:
    """The ISO code table (``data/iso3166.csv``; source in ``data/SOURCES.md``)."""
    by_iso2: dict[str, str] = {}
    by_m49: dict[str, str] = {}
    names: dict[str, str] = {}
    regions: dict[str, tuple[str, str, str]] = {}
    for row in csv.DictReader(io.StringIO(read_data_text("iso3166.csv"))):
        by_iso2[row["iso2"]] = row["iso3"]
        names[row["iso3"]] = row["name"]
        regions[row["iso3"]] = (row["m49_region"], row["m49_subregion"], row["m49_intermediate"])
        if row["m49"]:
            by_m49[row["m49"]] = row["iso3"]
    return IsoCodes(
        iso3_by_iso2=by_iso2,
        iso2_by_iso3={v: k for k, v in by_iso2.items()},
        iso3_by_m49=by_m49,
        short_names=names,
        m49_regions=regions,
    )


_COUNTRY_FIELDS = ("iso3", "region", "subregion", "eu_member", "schengen", "role")


def _country(raw: Any, n: int) -> Country:
    where = data_source("countries.yaml")
    if not isinstance(raw, dict):
        raise DataFileError(f"{where}: countries[{n}]: expected a record")
    code = raw.get("iso3", f"[{n}]")
    missing = [f for f in _COUNTRY_FIELDS if raw.get(f) is None]
    if missing:
        raise DataFileError(f"{where}: country {code}: missing {', '.join(missing)}")
    iso2 = iso_codes().iso2_by_iso3.get(str(code))
    if iso2 is None:
        raise DataFileError(f"{where}: country {code}: not an ISO 3166-1 alpha-3 code")
    try:
        role = CountryRole(raw["role"])
    except ValueError:
        known = ", ".join(r.value for r in CountryRole)
        raise DataFileError(
            f"{where}: country {code}: role {raw['role']!r} is not one of {known}"
        ) from None
    return Country(
        iso3=str(code),
        iso2=iso2,
        region=str(raw["region"]),
        subregion=str(raw["subregion"]),
        eu_member=bool(raw["eu_member"]),
        schengen=bool(raw["schengen"]),
        role=role,
        osce_status=raw.get("osce_status"),
        english_name=raw.get("name"),
    )


@data_cache
def countries() -> dict[str, Country]:
    """Every country Pharos knows, by ISO3 code, in the order of the data file."""
    raw = load_data_file("countries.yaml")["countries"]
    return {c.iso3: c for c in (_country(r, n) for n, r in enumerate(raw))}


@data_cache
def _territories(lang: str) -> dict[str, str]:
    try:
        return dict(Locale.parse(lang).territories)
    except (UnknownLocaleError, ValueError):
        return {}


def country_name(code: str, lang: str | None = None) -> str:
    """The name of the country ``code`` (ISO3 or ISO2) in ``lang`` (default: the current
    language): CLDR's, through Babel (``Locale.parse(lang).territories``). For a code CLDR does
    not name: the English name countries.yaml gives, translated by the catalogs; else the ISO
    table's English short name (CLDR has none for two codes of that table, AN Netherlands
    Antilles, dissolved in 2010, and XC Channel Islands); else the code itself.
    """
    key = code.strip().upper()
    table = iso_codes()
    iso3 = table.iso3_by_iso2.get(key, key)
    iso2 = table.iso2_by_iso3.get(iso3)
    lang = normalise_locale(lang or current_locale())
    names = _territories(lang)
    if iso2 is not None and iso2 in names:
        return names[iso2]
    c = countries().get(iso3)
    if c is not None and c.english_name:
        with use_locale(lang):
            return gettext(c.english_name)
    return table.short_names.get(iso3, code)


def country(code: str) -> Country:
    """The country with ISO3 (or ISO2) ``code``."""
    table = countries()
    key = code.upper()
    if key in table:
        return table[key]
    for c in table.values():
        if c.iso2 == key:
            return c
    raise UnknownCountryError(f"unknown country code {code!r}; known: {', '.join(table)}")


def region_states() -> list[Country]:
    """The states of the region (countries whose role is participating or partner state), in
    the order of the data file."""
    return [c for c in countries().values() if c.is_region_state]


@data_cache
def region_state_codes() -> tuple[str, ...]:
    """The ISO3 codes of :func:`region_states`, in the same order."""
    return tuple(c.iso3 for c in region_states())


@data_cache
def places() -> dict[str, Place]:
    raw = load_data_file("places.yaml")["places"]
    return {
        p["id"]: Place(id=p["id"], name=p["name"], country=p["country"], kind=PlaceKind(p["kind"]))
        for p in raw
    }


@data_cache
def routes() -> dict[str, Route]:
    raw = load_data_file("places.yaml")["routes"]
    return {
        r["id"]: Route(
            id=r["id"],
            name=r["name"],
            frontex_route=r.get("frontex_route"),
            departure_countries=tuple(r["departure_countries"]),
            arrival_countries=tuple(r["arrival_countries"]),
        )
        for r in raw
    }


def both_eu(a: str, b: str) -> bool:
    """True when both countries are EU member states (EU instruments apply between them)."""
    return country(a).eu_member and country(b).eu_member
