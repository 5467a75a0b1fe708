"""Scenario files: the bundled one is complete; errors name the file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from pharos.exercise.scenario.loader import ScenarioError, bundled_path, load_scenario, validate
from pharos.exercise.scenario.schema import CharacterKind, EvidenceKind, ObjectiveId
from pharos.exercise.scenario.source import ScenarioSource, read_source


def test_the_bundled_scenario_meets_the_brief():
    sc = load_scenario("mediterranean-regional").scenario
    assert {o.id for o in sc.objectives} == set(ObjectiveId)
    assert len(sc.storylines) >= 3
    crossed = {s for st in sc.storylines for s in st.states}
    assert {"DZA", "EGY", "TUN", "ITA", "GRC", "MLT", "ESP"} <= crossed | {
        t.state for t in sc.teams
    }
    personas = sc.personas()
    assert len(personas) >= 6
    assert any("unaccompanied_children" in [g.value for g in p.groups] for p in personas)
    assert {e.kind for e in sc.evidence} >= {
        EvidenceKind.JOB_AD,
        EvidenceKind.CHAT_TRANSCRIPT,
        EvidenceKind.PAYSLIP,
        EvidenceKind.BANK_TRANSFER,
        EvidenceKind.PHONE_DATA,
        EvidenceKind.CONTRACT,
    }
    # every network needs more than one state to act
    assert all(len(n.disrupt_requires) >= 2 for n in sc.networks)
    assert all(c.truth is not None for c in sc.characters if c.kind == CharacterKind.VICTIM)
    assert {i.channel.value for i in sc.injects} == {"message", "email", "call_note", "news"}


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    src = bundled_path("mediterranean-regional")
    text = src.read_text(encoding="utf-8")
    assert old in text
    out = tmp_path / "broken.yaml"
    out.write_text(text.replace(old, new, 1), encoding="utf-8")
    (tmp_path / "evidence").symlink_to(src.parent / "evidence")
    return out


def test_a_wrong_value_is_reported_with_file_line_and_field(tmp_path):
    path = _broken(
        tmp_path,
        "state: TUN, agency_kind: law_enforcement",
        "state: XXX, agency_kind: law_enforcement",
    )
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    (p,) = err.value.problems
    assert p.file == str(path)
    assert p.field == "teams[4].state"
    line = path.read_text().splitlines()[p.line - 1]
    assert "tun-police" in line
    assert "XXX" in p.message


def test_an_unknown_reference_is_reported(tmp_path):
    path = _broken(tmp_path, "place: milan-station\n", "place: milano\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert any(p.field.endswith(".place") and "milano" in p.message for p in err.value.problems)


def test_broken_yaml_names_the_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("format: pharos-exercise/1\nid: [unclosed\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert err.value.problems[0].line is not None


def test_the_simulation_scenario_must_load(tmp_path):
    path = _broken(tmp_path, "sim_scenario: mediterranean-baseline", "sim_scenario: no-such-world")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    (p,) = err.value.problems
    assert p.field == "world.sim_scenario" and p.line is not None


def _edited(tmp_path: Path, *changes: tuple[str, str]) -> Path:
    src = bundled_path("mediterranean-regional")
    text = src.read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    out = tmp_path / "aegean.yaml"
    out.write_text(text, encoding="utf-8")
    (tmp_path / "evidence").symlink_to(src.parent / "evidence")
    return out


def _line_of(path: Path, problem) -> str:
    return path.read_text(encoding="utf-8").splitlines()[problem.line - 1]


def test_an_unknown_indicator_is_refused_with_a_suggestion(tmp_path):
    """Issue 17: ``dr_nature_of_jobb`` passed ``pharos exercise validate``; the domain's screen()
    then raised on it in the middle of an exercise."""
    path = _edited(
        tmp_path,
        (
            "indicators: [dr_nature_of_job, dr_wages, cd_debt_bondage]",
            "indicators: [dr_nature_of_jobb, dr_wages, cd_debt_bondage]",
        ),
    )
    problems = validate(path)
    (p,) = problems
    assert p.file == str(path)
    assert p.field == "characters[0].ladder[2].indicators[0]"
    assert "karim-ad" in _line_of(path, p)
    assert "'dr_nature_of_jobb'" in p.message and "dr_nature_of_job" in p.message.split(";")[1]
    # in a persona's hidden truth too
    (tmp_path / "truth").mkdir()
    path2 = _edited(
        tmp_path / "truth",
        ("cd_confiscation_documents, cd_debt_bondage", "cd_confiscation_docs, cd_debt_bondage"),
    )
    (q,) = validate(path2)
    assert q.field == "characters[0].truth.indicators[2]"
    assert "cd_confiscation_documents" in q.message


def test_every_problem_is_reported_at_once(tmp_path):
    """A schema error no longer hides the other problems: a wrong country code, an unknown
    place, an unknown indicator, a missing document and a duplicate inject id in one run, each
    with its line and field."""
    path = _edited(
        tmp_path,
        ("state: TUN, agency_kind: law_enforcement", "state: XXX, agency_kind: law_enforcement"),
        ("place: milan-station\n", "place: milano\n"),
        (
            "indicators: [dr_nature_of_job, dr_wages, cd_debt_bondage]",
            "indicators: [dr_nature_of_jobb, dr_wages, cd_debt_bondage]",
        ),
        ("file: evidence/gh-job-ad.md", "file: evidence/gh-job-ad-2.md"),
        ("  - id: disembarkation-pozzallo", "  - id: call-ragusa"),
    )
    problems = validate(path)
    fields = {p.field: p for p in problems}
    assert "teams[4].state" in fields
    place = next(p for p in problems if "milano" in p.message)
    assert place.field.endswith(".place") and "milano" in _line_of(path, place)
    assert any("dr_nature_of_jobb" in p.message for p in problems)
    assert any("gh-job-ad-2.md" in p.message and p.field.endswith(".file") for p in problems)
    assert any("duplicate inject id" in p.message for p in problems)
    assert all(p.line is not None and p.file == str(path) for p in problems)
    assert len(problems) >= 5


def test_the_validator_reads_a_text_from_the_database_too():
    """The studio checks the text being written (no file) with the same validator."""
    src = read_source(bundled_path("mediterranean-regional"))
    src = ScenarioSource(src.name, src.files)  # as read back from the database
    assert validate(src) == []
    broken = src.with_text(src.text.replace("place: milan-station\n", "place: milano\n", 1))
    (p,) = validate(broken)
    assert p.file == "mediterranean-regional.yaml" and "milano" in p.message
