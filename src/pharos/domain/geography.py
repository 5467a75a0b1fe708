"""Countries, places and routes of the Mediterranean region.

The seven states of the OSCE's Mediterranean work are the unit of everything in Pharos: teams in
exercises, agencies in the simulation, owners of cases. Countries are identified by ISO 3166-1
alpha-3 codes (``"ITA"``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from pharos.domain._data import load_data_file


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
    name: str
    region: str
    subregion: str
    eu_member: bool
    schengen: bool
    role: CountryRole
    osce_status: str | None = None

    @property
    def is_region_state(self) -> bool:
        """One of the seven states of the OSCE Mediterranean exercises."""
        return self.role is not CountryRole.ORIGIN_OR_TRANSIT


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


@cache
def countries() -> dict[str, Country]:
    """Every country Pharos knows, by ISO3 code, in the order of the data file."""
    raw = load_data_file("countries.yaml")["countries"]
    return {
        c["iso3"]: Country(
            iso3=c["iso3"],
            iso2=c["iso2"],
            name=c["name"],
            region=c["region"],
            subregion=c["subregion"],
            eu_member=bool(c["eu_member"]),
            schengen=bool(c["schengen"]),
            role=CountryRole(c["role"]),
            osce_status=c.get("osce_status"),
        )
        for c in raw
    }


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
    """The seven states: Algeria, Egypt, Tunisia, Italy, Greece, Malta, Spain."""
    return [c for c in countries().values() if c.is_region_state]


REGION_STATE_CODES: tuple[str, ...] = ("DZA", "EGY", "TUN", "ITA", "GRC", "MLT", "ESP")


@cache
def places() -> dict[str, Place]:
    raw = load_data_file("places.yaml")["places"]
    return {
        p["id"]: Place(id=p["id"], name=p["name"], country=p["country"], kind=PlaceKind(p["kind"]))
        for p in raw
    }


@cache
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
