"""Parsing the screening file: domain objects out, or one error with path, line and expectation."""

from __future__ import annotations

import pytest

from pharos.domain.indicators import Dimension
from pharos.domain.screening import Act, Observation
from pharos.domain.screening_file import ScreeningFileError, parse_screening
from pharos.domain.vocabulary import ExploitationType, Gender, Platform
from pharos.i18n import use_locale

GOOD = """\
title: t
person: {age: 16, sex: Female, nationality: eg, unaccompanied: true}
exploitation: forced_begging
platforms: [tiktok]
acts: [transport]
indicators:
  - ec_excessive_hours
  - {id: ec_no_education, note: "not in school"}
ruled_out: [cd_violence_on_victims]
assessed: [coercive_recruitment]
"""


def test_a_good_file_becomes_observations_and_a_person() -> None:
    parsed = parse_screening(GOOD, "case.yaml")
    p = parsed.person
    assert (p.age, p.gender, p.nationality, p.unaccompanied) == (16, Gender.FEMININE, "EGY", True)
    assert p.exploitation is ExploitationType.FORCED_BEGGING
    obs = parsed.observations
    assert obs.present == (
        Observation("ec_excessive_hours"),
        Observation("ec_no_education", "not in school"),
    )
    assert obs.ruled_out == frozenset({"cd_violence_on_victims"})
    assert obs.assessed == frozenset({Dimension.COERCIVE_RECRUITMENT})
    assert obs.acts == frozenset({Act.TRANSPORT})
    assert parsed.document.platforms == [Platform.TIKTOK]


def test_json_is_read_too() -> None:
    parsed = parse_screening('{"person": {"age": 40}, "indicators": ["dr_wages"]}', "c.json")
    assert parsed.person.age == 40 and parsed.observations.present[0].indicator == "dr_wages"


def test_unknown_indicator_names_path_line_and_suggestions() -> None:
    with pytest.raises(ScreeningFileError) as err:
        parse_screening("indicators:\n  - ec_excesive_hours\n", "c.yaml")
    e = err.value
    assert (e.path, e.line, e.filename) == ("indicators[0]", 2, "c.yaml")
    assert "ec_excessive_hours" in e.message
    assert str(e).startswith("c.yaml:2: indicators[0]: unknown indicator")


def test_the_message_follows_the_language() -> None:
    with use_locale("fr"), pytest.raises(ScreeningFileError) as err:
        parse_screening("person:\n  age: vingt\n", "c.yaml")
    assert str(err.value) == "c.yaml:2: person.age: nombre entier attendu"


def test_a_nested_unknown_field_lists_the_allowed_ones() -> None:
    with pytest.raises(ScreeningFileError) as err:
        parse_screening("person:\n  nationalty: EGY\n", "c.yaml")
    assert err.value.path == "person.nationalty" and err.value.line == 2
    assert "nationality" in err.value.message
