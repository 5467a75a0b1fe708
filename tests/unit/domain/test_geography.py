"""Countries, the states of the region and their names.

The region's states are the countries whose role in countries.yaml makes them members; every
country's name comes from CLDR through Babel. The names below are what Pharos' pages showed
before, from catalogs translated by hand (git show 4cea705:src/pharos/locale/fr/web.po and the
other languages): CLDR must give the same, so that moving to one source changed no page.
"""

from __future__ import annotations

import pytest
from babel import Locale

from pharos.domain.cooperation import instrument_exists, instruments_between
from pharos.domain.geography import (
    countries,
    country,
    country_name,
    iso_codes,
    places,
    region_state_codes,
    region_states,
    routes,
)
from pharos.domain.practitioners import PractitionerKind, state_powers
from pharos.i18n import SUPPORTED_LOCALES, use_locale

#: The names the pages showed before this change, per language (hand-translated catalogs).
SHOWN_BEFORE: dict[str, dict[str, str]] = {
    "en": {"DZA": "Algeria", "EGY": "Egypt", "TUN": "Tunisia", "ITA": "Italy", "GRC": "Greece",
           "MLT": "Malta", "ESP": "Spain", "NGA": "Nigeria", "ERI": "Eritrea", "LBY": "Libya"},
    "fr": {"DZA": "Algérie", "EGY": "Égypte", "TUN": "Tunisie", "ITA": "Italie", "GRC": "Grèce",
           "MLT": "Malte", "ESP": "Espagne", "NGA": "Nigeria", "ERI": "Érythrée", "LBY": "Libye"},
    "ar": {"DZA": "الجزائر", "EGY": "مصر", "TUN": "تونس", "ITA": "إيطاليا", "GRC": "اليونان",
           "MLT": "مالطا", "ESP": "إسبانيا", "NGA": "نيجيريا", "ERI": "إريتريا", "LBY": "ليبيا"},
    "it": {"DZA": "Algeria", "EGY": "Egitto", "TUN": "Tunisia", "ITA": "Italia", "GRC": "Grecia",
           "MLT": "Malta", "ESP": "Spagna", "NGA": "Nigeria", "ERI": "Eritrea", "LBY": "Libia"},
    "el": {"DZA": "Αλγερία", "EGY": "Αίγυπτος", "TUN": "Τυνησία", "ITA": "Ιταλία",
           "GRC": "Ελλάδα", "MLT": "Μάλτα", "ESP": "Ισπανία", "NGA": "Νιγηρία",
           "ERI": "Ερυθραία", "LBY": "Λιβύη"},
    "es": {"DZA": "Argelia", "EGY": "Egipto", "TUN": "Túnez", "ITA": "Italia", "GRC": "Grecia",
           "MLT": "Malta", "ESP": "España", "NGA": "Nigeria", "ERI": "Eritrea", "LBY": "Libia"},
}  # fmt: skip


def test_the_bundled_region_and_its_states_status() -> None:
    # the order of the data file: the simulation numbers states in it (same bytes as before)
    assert region_state_codes() == ("DZA", "EGY", "TUN", "ITA", "GRC", "MLT", "ESP")
    assert [c.iso3 for c in region_states()] == list(region_state_codes())
    assert all(country(c).eu_member for c in ("ITA", "GRC", "MLT", "ESP"))
    assert not any(country(c).eu_member for c in ("DZA", "EGY", "TUN", "LBY"))
    assert country("TN").iso3 == "TUN"


def test_places_and_routes_refer_to_known_countries() -> None:
    for p in places().values():
        country(p.country)
    for r in routes().values():
        for c in (*r.departure_countries, *r.arrival_countries):
            country(c)
    assert places()["ragusa"].country == "ITA"


def test_eu_membership_decides_the_instruments() -> None:
    assert instrument_exists("ITA", "ESP", "european_investigation_order")
    assert not instrument_exists("ITA", "TUN", "european_investigation_order")
    assert instrument_exists("ITA", "EGY", "mutual_legal_assistance")
    jit = {i.instrument: i for i in instruments_between("ITA", "TUN")}["joint_investigation_team"]
    assert "UNTOC" in jit.legal_basis
    assert instruments_between("ITA", "ITA") == []


def test_powers_per_state() -> None:
    tun = state_powers("TUN")
    assert tun.formal_identification.known and tun.formal_identification.exclusive
    assert tun.may_identify(PractitionerKind.NATIONAL_COORDINATOR)
    assert not tun.may_identify(PractitionerKind.LABOUR_INSPECTOR)
    grc = state_powers("GRC")
    assert grc.formal_identification.kinds == (PractitionerKind.PUBLIC_PROSECUTOR,)
    assert state_powers("MLT").recovery_and_reflection.days == 60
    ita = state_powers("ITA")
    assert not ita.formal_identification.known
    assert ita.formal_identification.caveat is not None
    # researched (issue 15, item 5): secondary sources only, so still a default, with them named
    assert ita.formal_identification.confidence.value == "secondary"
    assert "GRETA" in ita.formal_identification.source
    assert "Lule Onlus" in ita.formal_identification.source
    assert ita.formal_identification.kinds == (PractitionerKind.LAW_ENFORCEMENT,)  # the default


@pytest.mark.parametrize("lang", SUPPORTED_LOCALES)
def test_names_are_the_ones_the_pages_showed_before(lang: str) -> None:
    shown = {code: country_name(code, lang) for code in SHOWN_BEFORE[lang]}
    assert shown == SHOWN_BEFORE[lang]
    with use_locale(lang):  # the current language by default, and by ISO2 code too
        assert country("EGY").name == country_name("EG") == SHOWN_BEFORE[lang]["EGY"]


@pytest.mark.parametrize("lang", SUPPORTED_LOCALES)
def test_cldr_names_every_country_pharos_knows(lang: str) -> None:
    territories = Locale.parse(lang).territories
    for c in countries().values():
        assert c.english_name is None  # CLDR names them all: the data gives no name
        assert country_name(c.iso3, lang) == territories[c.iso2]
    # of the ISO table read for imported data, CLDR lacks only a dissolved territory and a
    # grouping (IOM's XC): they keep the table's English name
    unnamed = [iso2 for iso2 in iso_codes().iso3_by_iso2 if iso2 not in territories]
    assert unnamed == ["AN", "XC"]
    assert country_name("ANT", lang) == "Netherlands Antilles"


def test_a_code_that_names_no_country_comes_back_as_it_is() -> None:
    assert country_name("XXX", "fr") == "XXX"
    assert country_name("", "fr") == ""


def test_iso_codes_agree_with_the_countries_data() -> None:
    table = iso_codes()
    assert len(table.iso3_by_iso2) == 251  # data/SOURCES.md
    assert table.iso3_by_iso2["LY"] == "LBY" and table.iso2_by_iso3["LBY"] == "LY"
    assert table.iso3_by_m49["434"] == "LBY"  # UN M49: Libya
    assert country("LBY").iso2 == "LY" and country("LY").iso3 == "LBY"
