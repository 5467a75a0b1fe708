"""Loading scenarios and overlays: bundled names, located errors."""

from pathlib import Path

import pytest

from pharos.scenario import ScenarioError, bundled_overlays, load_scenario


def test_the_baseline_loads_and_names_seven_states() -> None:
    s = load_scenario("mediterranean-baseline")
    assert set(s.states) == {"DZA", "EGY", "TUN", "ITA", "GRC", "MLT", "ESP"}
    assert s.horizon_days == 3650


def test_errors_name_file_line_and_field(tmp_path: Path) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text(
        "name: bad\nstates:\n  ITA:\n    protection:\n      shelter_beds: -3\nnetworks: []\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError) as err:
        load_scenario(str(f))
    (detail,) = err.value.details
    assert detail.file == str(f)
    assert detail.line == 5
    assert detail.field == "states.ITA.protection.shelter_beds"


def test_yaml_syntax_errors_are_located(tmp_path: Path) -> None:
    f = tmp_path / "broken.yaml"
    f.write_text("name: x\nstates: {ITA: [\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_scenario(str(f))
    assert err.value.details[0].line is not None


def test_overlay_errors_point_into_the_overlay_file(tmp_path: Path) -> None:
    ov = tmp_path / "ov.yaml"
    ov.write_text(
        "overlay: too-skilled\nset:\n  states.ITA.agencies.labour_inspector.skill: 1.7\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError) as err:
        load_scenario("mediterranean-baseline", [str(ov)])
    (detail,) = err.value.details
    assert detail.file == str(ov)
    assert detail.line == 3
    assert detail.field.endswith("labour_inspector.skill")


def test_unknown_overlay_path_is_an_error_in_the_overlay(tmp_path: Path) -> None:
    ov = tmp_path / "ov.yaml"
    ov.write_text("overlay: x\nscale:\n  states.ITA.protection.beds: 2\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_scenario("mediterranean-baseline", [str(ov)])
    assert err.value.details[0].line == 3


def test_bundled_overlays_all_load() -> None:
    for name in bundled_overlays():
        s = load_scenario("mediterranean-baseline", [name])
        assert name in s.name
