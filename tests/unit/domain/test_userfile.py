"""Users' YAML files are read strictly and within limits (issue 14, finding 11): YAML 1.2's core
schema (not 1.1's octal and yes/no), a key given twice refused with its lines, no aliases, and
size and nesting limits said clearly, before any parsing cost is paid.

The expected values follow the YAML 1.2.2 specification, section 10.3.2 ("Tag Resolution" of the
core schema: ``[-+]?[0-9]+`` is a decimal integer, ``0o[0-7]+`` octal, ``true|True|TRUE``
and ``false|False|FALSE`` the booleans, anything else a string), not this module."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from pharos.cli import app
from pharos.domain import userfile
from pharos.domain.screening_file import ScreeningFileError, parse_screening
from pharos.scenario.load import ScenarioError, load_scenario

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("020", 20),  # YAML 1.1: octal 16
        ("0o20", 16),
        ("0x1F", 31),
        ("-7", -7),
        ("yes", "yes"),  # YAML 1.1: true
        ("no", "no"),
        ("on", "on"),
        ("off", "off"),
        ("y", "y"),
        ("True", True),
        ("FALSE", False),
        ("1:30", "1:30"),  # YAML 1.1: 90 (base 60)
        ("2024-05-01", "2024-05-01"),  # YAML 1.1: a date
        ("1_000", "1_000"),  # YAML 1.1: 1000
        ("1.5e3", 1500.0),
        ("~", None),
        ("null", None),
        ("", None),
        ("'020'", "020"),
    ],
)
def test_plain_values_follow_the_yaml_1_2_core_schema(text: str, value: object) -> None:
    data, _node = userfile.load(f"v: {text}\n", 1000)
    assert data == {"v": value}
    assert type(data["v"]) is type(value)


def test_yaml_1_1_reads_these_otherwise() -> None:
    """The surprises the strict reader removes, as PyYAML's safe loader gives them."""
    assert yaml.safe_load("age: 020") == {"age": 16}
    assert yaml.safe_load("age: yes") == {"age": True}
    assert yaml.safe_load("a: 1\na: 2") == {"a": 2}


def test_a_key_given_twice_is_refused_with_both_lines() -> None:
    with pytest.raises(userfile.UserFileError) as exc:
        userfile.load("person:\n  age: 30\ntitle: x\nperson:\n  age: 12\n", 1000)
    assert exc.value.line == 4
    assert "person" in exc.value.message and "first on line 1" in exc.value.message


def test_aliases_and_foreign_tags_are_refused() -> None:
    laughs = "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n"
    with pytest.raises(userfile.UserFileError, match=r"aliases \(\*a\)") as exc:
        userfile.load(laughs, 1000)
    assert exc.value.line == 2
    with pytest.raises(userfile.UserFileError, match="tag") as exc:
        userfile.load("x: 1\ny: !!python/object/apply:os.system [ls]\n", 1000)
    assert exc.value.line == 2


def test_deep_nesting_is_refused_not_a_recursion_error() -> None:
    with pytest.raises(userfile.UserFileError, match="nested more than 32 levels") as exc:
        userfile.load("[" * 100_000, 10**6)
    assert exc.value.line == 1
    block = "".join("  " * i + f"k{i}:\n" for i in range(40)) + "  " * 40 + "end: 1\n"
    with pytest.raises(userfile.UserFileError, match="nested more than 32") as exc:
        userfile.load(block, 10**6)
    assert exc.value.line == 33  # k32: the first key of the 33rd mapping
    ok = "".join("  " * i + f"k{i}:\n" for i in range(31)) + "  " * 31 + "end: 1\n"
    assert userfile.load(ok, 10**6)[0] is not None


def test_size_is_checked_before_parsing() -> None:
    # not YAML at all: were it parsed, the error would be a syntax error
    text = "a: [\n" + "x" * 3_500_000
    with pytest.raises(userfile.UserFileError, match="3,500,005 bytes, more than 1,000") as e:
        userfile.load(text, 1000)
    assert not e.value.syntax


def test_every_shipped_scenario_file_reads_as_before() -> None:
    """The strict reader changes no value of the files Pharos ships for users to copy."""
    files = [
        *(ROOT / "src/pharos/scenario").rglob("*.yaml"),
        *(ROOT / "src/pharos/exercise/scenarios").glob("*.yaml"),
        *(ROOT / "src/pharos/analysis/experiments").glob("*.yaml"),
        *(ROOT / "examples").rglob("*.yaml"),
    ]
    assert len(files) > 20
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert len(text.encode()) < userfile.MAX_SCENARIO_BYTES / 4, path
        assert userfile.load(text, userfile.MAX_SCENARIO_BYTES)[0] == yaml.safe_load(text), path


def test_every_example_screening_file_is_far_below_its_limit() -> None:
    for path in (ROOT / "examples" / "screening").glob("*.yaml"):
        assert path.stat().st_size < userfile.MAX_SCREENING_BYTES / 16, path


# -- the screening file (finding 11 as reported) ------------------------------------------------
def test_a_screening_age_of_020_is_twenty_not_a_child_of_16() -> None:
    parsed = parse_screening("person: {age: 020}\n", "case.yaml")
    assert parsed.person.age == 20


def test_a_screening_age_of_yes_is_refused() -> None:
    with pytest.raises(ScreeningFileError, match="expected a whole number") as exc:
        parse_screening("person:\n  age: yes\n", "case.yaml")
    assert exc.value.line == 2 and exc.value.path == "person.age"


def test_a_screening_file_with_two_persons_is_refused() -> None:
    text = "person: {age: 30}\nexploitation: forced_labour\nperson: {age: 12}\n"
    with pytest.raises(ScreeningFileError, match="given twice") as exc:
        parse_screening(text, "case.yaml")
    assert exc.value.line == 3
    as_json = '{"person": {"age": 30},\n "person": {"age": 12}}'
    with pytest.raises(ScreeningFileError, match="given twice") as exc:
        parse_screening(as_json, "case.json")
    assert exc.value.line == 2


def test_deeply_nested_screening_files_are_refused_clearly() -> None:
    for name in ("case.yaml", "case.json"):
        with pytest.raises(ScreeningFileError, match="nested more than"):
            parse_screening("[" * 60_000, name)  # within the size limit
        with pytest.raises(ScreeningFileError, match="more than 65,536"):
            parse_screening("[" * 100_000, name)
    deep = {"person": {"age": 3}}
    for _ in range(40):
        deep = {"person": deep}
    with pytest.raises(ScreeningFileError, match="nested more than"):
        parse_screening(json.dumps(deep), "case.json")


def test_a_large_screening_file_is_refused_by_its_size(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("notes: |\n" + "  x\n" * 900_000, encoding="utf-8")  # 3.6 MB
    result = CliRunner().invoke(app, ["--lang", "en", "screen", str(path)])
    assert result.exit_code == 2
    assert "3,600,009 bytes, more than 65,536" in result.stderr
    with pytest.raises(ScreeningFileError, match="more than 65,536"):
        parse_screening(path.read_text(encoding="utf-8"), "big.yaml")


# -- scenario files ---------------------------------------------------------------------------
def test_a_scenario_with_a_key_twice_or_too_large_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("name: a\nseed: 1\nname: b\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"s\.yaml:3: the key 'name' is given twice"):
        load_scenario(str(path))
    path.write_text("name: a\n" + "#" * userfile.MAX_SCENARIO_BYTES + "\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="more than 262,144"):
        load_scenario(str(path))
    path.write_text("a: " + "[" * 100_000, encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"s\.yaml:1: nested more than 32"):
        load_scenario(str(path))
