from pharos.domain.cooperation import Instrument, instrument_exists, instruments_between
from pharos.domain.geography import country, places, region_states, routes
from pharos.domain.practitioners import PractitionerKind, state_powers


def test_the_seven_states_and_their_status() -> None:
    codes = {c.iso3 for c in region_states()}
    assert codes == {"DZA", "EGY", "TUN", "ITA", "GRC", "MLT", "ESP"}
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
    assert instrument_exists("ITA", "ESP", Instrument.EUROPEAN_INVESTIGATION_ORDER)
    assert not instrument_exists("ITA", "TUN", Instrument.EUROPEAN_INVESTIGATION_ORDER)
    assert instrument_exists("ITA", "EGY", Instrument.MUTUAL_LEGAL_ASSISTANCE)
    jit = {i.instrument: i for i in instruments_between("ITA", "TUN")}[
        Instrument.JOINT_INVESTIGATION_TEAM
    ]
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
