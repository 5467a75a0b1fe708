"""pharos screen / reference / demo through Typer's CliRunner: output, --json, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pharos.cli import app
from pharos.domain.geography import region_states
from pharos.domain.practitioners import INTERNATIONAL_ORGANISATIONS, PRACTITIONER_LABELS
from pharos.i18n import translations

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples" / "screening"
RAGUSA = EXAMPLES / "01_agriculture_ragusa_greenhouse.yaml"
runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--lang", "en", *args], env={"COLUMNS": "160"})
    return result.exit_code, result.stdout, result.stderr


def write(tmp_path: Path, text: str, name: str = "case.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_screen_prints_the_explained_result() -> None:
    code, out, _err = invoke("screen", str(RAGUSA))
    assert code == 0
    assert "Presumed trafficking for labour exploitation" in out
    assert "Deceived about the nature of the job, location or employer" in out
    assert "passport 'for the contract'" in out  # the practitioner's note is shown
    assert "met: 2 strong" in out
    assert "Caveats" in out and "secondary source" in out


def test_screen_json_is_machine_readable() -> None:
    code, out, _err = invoke("screen", "--json", str(RAGUSA))
    assert code == 0
    data = json.loads(out)
    assert data["presumption"] == "trafficking_for_labour_exploitation"
    assert data["title"].startswith("Greenhouse worker")
    assert data["dimensions"][0]["dimension"] == "deceptive_recruitment"


def test_screen_in_french() -> None:
    result = runner.invoke(app, ["--lang", "fr", "screen", str(RAGUSA)], env={"COLUMNS": "160"})
    assert result.exit_code == 0
    assert "Présomption de traite à des fins d’exploitation par le travail" in result.stdout


def test_insufficient_information_lists_what_to_ask() -> None:
    code, out, _err = invoke(
        "screen", str(EXAMPLES / "09_insufficient_information_disembarkation.yaml")
    )
    assert code == 0
    assert "Insufficient information" in out and "What to ask next" in out
    assert "Excessive working days or hours" in out


def test_unknown_indicator_is_an_error_with_suggestions_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "person: {age: 30}\nindicators:\n  - dr_wages\n  - cd_debt_bondge\n")
    code, out, err = invoke("screen", path)
    assert code == 2 and out == ""
    assert f"{path}:4: indicators[1]: unknown indicator 'cd_debt_bondge'" in err
    assert "did you mean cd_debt_bondage" in err


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("person:\n  age: thirty\n", ":2: person.age: expected a whole number"),
        ("person:\n  age: 30\n  eyes: brown\n", ":3: person.eyes: unknown field; expected one of"),
        ("exploitation: slavery\n", ":1: exploitation: expected one of: 'forced_labour'"),
        ("indicators:\n  - {id: dr_wages, notes: x}\n", ":2: indicators[0].notes: unknown field"),
        ("acts: [kidnapping]\n", ":1: acts[0]: expected one of: 'recruitment'"),
        ("person: {age: 200}\n", ":1: person.age: expected a number of at most 120"),
        ("person: {age: 15, child: false}\n", ":1: person.child: expected child to agree"),
        ("indicators: [dr_wages]\nruled_out: [dr_wages]\n", ":2: ruled_out[0]: indicator"),
        ("indicators: [dr_wages, dr_wages]\n", ":1: indicators[1]: indicator dr_wages is listed"),
        ("person: [1, 2\n", ":2: (top level): not valid YAML"),
        ("- a\n- b\n", ":1: (top level): expected a mapping of fields"),
        ("", ":1: (top level): the file is empty"),
    ],
)
def test_bad_files_get_one_clear_message_and_exit_2(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = write(tmp_path, text)
    code, out, err = invoke("screen", path)
    assert code == 2
    assert out == ""
    assert expected in err, err
    assert err.count("Error:") == 1


def test_bad_json_names_the_field_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, '{\n  "person": {\n    "age": "old"\n  }\n}\n', "case.json")
    code, _out, err = invoke("screen", path)
    assert code == 2 and ":3: person.age: expected a whole number" in err
    path = write(tmp_path, '{"person": ', "broken.json")
    code, _out, err = invoke("screen", path)
    assert code == 2 and "not valid JSON" in err


def test_missing_file_exits_2(tmp_path: Path) -> None:
    code, _out, err = invoke("screen", str(tmp_path / "nope.yaml"))
    assert code == 2 and "no such file" in err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["states"], "OSCE Mediterranean Partner for Co-operation"),
        (["powers"], "(INLTP)"),
        (["practitioners"], "Labour inspector"),
        (["vocabulary"], "vic_ForcedLabourIndustry"),
        (["vocabulary", "platform"], "TikTok"),
        (["indicators"], "1 strong + 1 medium or weak"),
        (["indicators", "delphi"], "Deceived about the nature of the job"),
        (["indicators", "ilo"], "Retention of identity documents"),
        (["indicators", "unodc"], "not have any days off"),
        (["instruments", "ITA"], "European Investigation Order"),
    ],
)
def test_reference_topics(args: list[str], expected: str) -> None:
    code, out, _err = invoke("reference", *args)
    assert code == 0
    assert expected in out


def test_reference_bad_topic_or_name_exits_2() -> None:
    code, _out, err = invoke("reference", "staets")
    assert code == 2 and "unknown topic 'staets'" in err
    code, _out, err = invoke("reference", "vocabulary", "colours")
    assert code == 2 and "unknown name 'colours'" in err
    code, _out, err = invoke("reference", "instruments", "XYZ")
    assert code == 2 and "unknown state 'XYZ'" in err


def test_demo_walks_the_region_and_screens_every_vignette() -> None:
    code, out, _err = invoke("demo", "--examples", str(EXAMPLES))
    assert code == 0
    for heading in ("1. The region", "2. Who may do what", "3. Cooperation", "4. Screening"):
        assert heading in out
    vignettes = sorted(EXAMPLES.glob("*.yaml")) + sorted(EXAMPLES.glob("*.json"))
    assert out.count("File: ") == len(vignettes)
    assert "Trafficking not established" in out and "Insufficient information" in out


def test_demo_stops_on_a_bad_vignette_before_printing_any(tmp_path: Path) -> None:
    write(tmp_path, "indicators: [nope]\n", "bad.yaml")
    code, out, err = invoke("demo", "--examples", str(tmp_path))
    assert code == 2 and "unknown indicator 'nope'" in err
    assert "File: " not in out


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_reference_data_labels_are_translated(lang: str) -> None:
    catalog = translations(lang)
    labels = list(PRACTITIONER_LABELS.values())  # the states' names are CLDR's (test_geography)
    labels += [r for o in INTERNATIONAL_ORGANISATIONS for r in o.roles]
    labels += [c.osce_status for c in region_states() if c.osce_status]
    missing = [x for x in labels if catalog.gettext(x) == x and x != "Schengen"]
    assert not missing, missing
