"""Scenario files: the bundled one is complete; errors name the file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from pharos.exercise.scenario.loader import ScenarioError, bundled_path, load_scenario
from pharos.exercise.scenario.schema import CharacterKind, EvidenceKind, ObjectiveId


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
