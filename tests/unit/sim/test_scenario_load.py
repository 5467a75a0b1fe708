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


def test_a_misspelt_state_code_in_an_overlay_is_reported_against_the_overlay(
    tmp_path: Path,
) -> None:
    # the validators of the pairs and of the states check whole mappings, which the bundled
    # scenario holds; the fault is the overlay's key, so its line is the one named
    ov = tmp_path / "typo.yaml"
    ov.write_text(
        "overlay: typo\n"
        "set:\n"
        "  cooperation.pairs.ITA-TUX.police_information_exchange.median_days: 20\n"
        "  states.ITX.protection.shelter_beds: 10\n"
    )
    with pytest.raises(ScenarioError) as exc:
        load_scenario("mediterranean-baseline", [str(ov)])
    where = {(d.file, d.line, d.field) for d in exc.value.details}
    assert where == {(str(ov), 3, "cooperation.pairs"), (str(ov), 4, "states")}
    messages = " ".join(d.message for d in exc.value.details)
    assert "ITA-TUX" in messages and "ITX" in messages


def test_an_instrument_where_it_cannot_exist_is_refused_with_the_reason(tmp_path: Path) -> None:
    # Directive 2014/41/EU: the EIO exists between the Member States bound by it (not Denmark or
    # Ireland, recitals 44-45); Tunisia is not a Member State: terms for an EIO between Italy and
    # Tunisia would silently do nothing
    ov = tmp_path / "eio-tunisia.yaml"
    ov.write_text(
        "overlay: eio-tunisia\n"
        "set:\n"
        "  cooperation.pairs.ITA-TUN.european_investigation_order.median_days: 20\n"
    )
    with pytest.raises(ScenarioError) as exc:
        load_scenario("mediterranean-baseline", [str(ov)])
    (d,) = exc.value.details
    assert (d.file, d.line) == (str(ov), 3)
    assert d.field == "cooperation.pairs.ITA-TUN.european_investigation_order"
    assert d.message == (
        "European Investigation Order cannot exist between ITA and TUN: it exists only between "
        "EU member states other than DNK, IRL (Directive 2014/41/EU)"
    )
    # between two EU states the same terms are accepted, and a JIT's terms everywhere (it
    # exists by agreement between any two states)
    ok = tmp_path / "eio-spain.yaml"
    ok.write_text(
        "overlay: eio-spain\n"
        "set:\n"
        "  cooperation.pairs.ITA-ESP.european_investigation_order.median_days: 20\n"
        "  cooperation.pairs.ITA-TUN.joint_investigation_team.available: true\n"
    )
    load_scenario("mediterranean-baseline", [str(ok)])


def test_simulate_exits_2_on_an_impossible_instrument(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from pharos.cli import app

    ov = tmp_path / "eio-tunisia.yaml"
    ov.write_text(
        "overlay: eio-tunisia\n"
        "set:\n"
        "  cooperation.pairs.TUN-ITA.european_investigation_order.success: 0.9\n"
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["simulate", "mediterranean-baseline", "-o", str(ov), "--runs", "1", "--out", str(out)]
    )
    assert result.exit_code == 2
    assert "cannot exist between TUN and ITA" in " ".join(result.output.split())
    assert not out.exists()


def test_experiments_check_an_edited_scenario_the_same_way() -> None:
    # an experiment's lever edits the scenario data without a file: the same refusal, naming
    # the lever as the source
    from pharos.analysis.pharos_model import PharosModel
    from pharos.scenario.load import check_instruments
    from pharos.scenario.params import set_params

    base = load_scenario("mediterranean-baseline")
    check_instruments(base)
    bad = set_params(base, {"cooperation.pairs.EGY-GRC.european_investigation_order.success": 0.9})
    with pytest.raises(ScenarioError, match="cannot exist between EGY and GRC"):
        check_instruments(bad, "lever eio")
    model = PharosModel(
        choices={"eio": [{"set": {}}, {"overlay": "italy-nigeria-joint-investigation-team"}]}
    )
    assert model.choice_errors() == {}
