"""The extra domain data folder (``PHAROS_DOMAIN_DATA``): merged over the shipped files record by
record, refused with the file and the place when it is wrong, forgotten by ``reset``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pharos.coordinate import demo
from pharos.domain import datafiles
from pharos.domain.datafiles import DataFileError, load_data_file
from pharos.domain.geography import countries, country, places, region_state_codes, routes
from pharos.domain.practitioners import state_powers

UseData = Callable[[Path], None]


def _outsider() -> str:
    """A country Pharos knows that is not a state of the shipped region (the tests make it one)."""
    return next(c.iso3 for c in countries().values() if not c.is_region_state)


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_without_the_variable_only_the_shipped_data_is_read(domain_data: UseData) -> None:
    assert datafiles.extra_folder() is None
    assert region_state_codes() == tuple(c.iso3 for c in countries().values() if c.is_region_state)


def test_records_merge_by_their_key(tmp_path: Path, domain_data: UseData) -> None:
    new = _outsider()
    shipped_region, region = region_state_codes(), country(new).region
    _write(tmp_path, "countries.yaml", f"countries:\n  - {{iso3: {new}, role: partner_state}}\n")
    _write(
        tmp_path,
        "places.yaml",
        "places:\n  - {id: benghazi, name: Benghazi, country: LBY, kind: city}\n"
        "  - {id: ragusa, name: Ragusa}\n"  # a known record: only the fields given change
        "routes:\n  - {id: central_med, arrival_countries: [ITA, MLT, LBY]}\n",
    )
    shipped = len(countries()), len(places())
    domain_data(tmp_path)
    assert set(region_state_codes()) == {*shipped_region, new}
    added = country(new)
    assert added.is_region_state and added.region == region  # other fields stay the shipped ones
    assert (len(countries()), len(places())) == (shipped[0], shipped[1] + 1)
    assert places()["benghazi"].country == "LBY"
    assert places()["ragusa"].name == "Ragusa" and places()["ragusa"].country == "ITA"
    central = routes()["central_med"]
    assert central.arrival_countries == ("ITA", "MLT", "LBY")  # a list of values is replaced
    assert central.departure_countries == ("LBY", "TUN", "DZA", "EGY", "TUR")


def test_mappings_merge_key_by_key(tmp_path: Path, domain_data: UseData) -> None:
    _write(
        tmp_path,
        "powers.yaml",
        "states:\n  LBY:\n"
        "    formal_identification: {known: false, confidence: gap, source: none}\n"
        "    recovery_and_reflection: {known: false, confidence: gap, source: none}\n"
        "    opens_investigation: {known: false, confidence: gap, source: none}\n"
        "    prosecutes: {known: false, confidence: gap, source: none}\n"
        "  MLT:\n    recovery_and_reflection: {days: 90}\n",
    )
    domain_data(tmp_path)
    assert state_powers("LBY").formal_identification.confidence.value == "gap"
    malta = state_powers("MLT")
    assert malta.recovery_and_reflection.days == 90
    assert (
        malta.prosecutes.known
        == load_data_file("powers.yaml")["states"]["MLT"]["prosecutes"]["known"]
    )


def test_reset_forgets_the_folder(tmp_path: Path, domain_data: UseData) -> None:
    new = _outsider()
    _write(tmp_path, "countries.yaml", f"countries:\n  - {{iso3: {new}, role: partner_state}}\n")
    domain_data(tmp_path)
    assert new in region_state_codes()
    tmp_path.joinpath("countries.yaml").unlink()
    assert new in region_state_codes()  # cached until reset
    datafiles.reset()
    assert new not in region_state_codes()


def test_an_unknown_file_is_refused(tmp_path: Path, domain_data: UseData) -> None:
    _write(tmp_path, "country.yaml", "countries: []\n")
    _write(tmp_path, "README.md", "notes are not data\n")
    domain_data(tmp_path)
    with pytest.raises(DataFileError, match=r"does not read country\.yaml; the files it merges"):
        countries()


def test_a_folder_is_needed(tmp_path: Path, domain_data: UseData) -> None:
    domain_data(tmp_path / "missing")
    with pytest.raises(DataFileError, match=r"PHAROS_DOMAIN_DATA=.*missing: not a folder"):
        countries()


def test_bad_yaml_is_refused_with_its_line(tmp_path: Path, domain_data: UseData) -> None:
    path = _write(tmp_path, "countries.yaml", "countries:\n  - {iso3: LBY, role: [\n")
    domain_data(tmp_path)
    with pytest.raises(DataFileError, match=rf"{path}:\d+: not valid YAML"):
        countries()


def test_a_record_without_its_key_is_refused(tmp_path: Path, domain_data: UseData) -> None:
    path = _write(tmp_path, "countries.yaml", "countries:\n  - {role: partner_state}\n")
    domain_data(tmp_path)
    with pytest.raises(DataFileError, match=rf"{path}: countries\[0\]: a record needs its 'iso3'"):
        countries()


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ("{iso3: LBX, role: partner_state}", "country LBX: missing region, subregion"),
        (
            "{iso3: LBX, region: Africa, subregion: Northern Africa, eu_member: false, "
            "schengen: false, role: partner_state}",
            "country LBX: not an ISO 3166-1 alpha-3 code",
        ),
        ("{iso3: LBY, role: member}", "country LBY: role 'member' is not one of"),
    ],
)
def test_a_wrong_country_names_the_files_and_the_record(
    tmp_path: Path, domain_data: UseData, record: str, message: str
) -> None:
    _write(tmp_path, "countries.yaml", f"countries:\n  - {record}\n")
    domain_data(tmp_path)
    with pytest.raises(DataFileError) as err:
        countries()
    assert "pharos/domain/data/countries.yaml + " in str(err.value)
    assert str(tmp_path / "countries.yaml") in str(err.value) and message in str(err.value)


def test_a_new_state_needs_its_powers_and_demo_agencies(
    tmp_path: Path, domain_data: UseData
) -> None:
    new = _outsider()
    _write(tmp_path, "countries.yaml", f"countries:\n  - {{iso3: {new}, role: partner_state}}\n")
    domain_data(tmp_path)
    with pytest.raises(KeyError, match=rf"no powers recorded for {new} in .*powers\.yaml"):
        state_powers(new)
    with pytest.raises(
        demo.DemoDataError, match=rf"demo\.yaml: no demo city and languages for {new}"
    ):
        demo.state_offices()
