"""What the setup wizard writes into a scenario's text, and the national-exercise mode, as the
validator reads them (docs/exercise-format.md, "Played teams" and "National exercises")."""

from __future__ import annotations

from pharos.exercise.runtime.studio import template_source
from pharos.exercise.scenario.loader import check_source, load_source
from pharos.exercise.scenario.played import COMMENT, with_played_teams

REGIONAL = template_source("mediterranean-regional")


def _problems(text: str) -> list[tuple[str, str]]:
    loaded, problems = check_source(REGIONAL.with_text(text))
    assert loaded is None
    return [(p.field, p.message) for p in problems]


def test_played_teams_choose_who_people_play_and_keep_the_authors_text() -> None:
    src = with_played_teams(REGIONAL, ["tun-police", "ita-ngo"])
    assert src.text.startswith(REGIONAL.text.rstrip("\n"))  # comments and layout kept
    loaded = load_source(src)
    assert [t.id for t in loaded.scenario.teams if t.played] == ["ita-ngo", "tun-police"]
    # every language shows the same teams played (the translations read the same text)
    assert [t.id for t in loaded.localized("ar").teams if t.played] == ["ita-ngo", "tun-police"]
    # set up again: the earlier choice is replaced, not listed twice
    again = with_played_teams(src, ["dza-police"])
    assert again.text.count("played_teams:") == 1 and again.text.count(COMMENT) == 1
    assert [t.id for t in load_source(again).scenario.teams if t.played] == ["dza-police"]
    assert again.sha256 != src.sha256 != REGIONAL.sha256


def test_a_played_team_must_be_a_team_of_the_scenario() -> None:
    text = REGIONAL.text + "\nplayed_teams: [ita-police, ita-polize]\n"
    assert _problems(text) == [("played_teams[1]", "unknown team 'ita-polize'")]


def test_a_national_exercise_has_one_states_agencies_and_looks_across_no_border() -> None:
    text = REGIONAL.text.replace("\nworld:", "\nmode: national\nstate: ITA\n\nworld:", 1)
    found = _problems(text)
    foreign = [f for f, m in found if m == "every team of a national exercise is an agency of ITA"]
    # the Tunisian, Egyptian (2), Spanish (2), Maltese, Greek and Algerian teams
    assert foreign == [f"teams[{i}].state" for i in range(4, 12)]
    assert (
        "objectives[3].id",
        "a national exercise has no cross-border objective: no team of another state",
    ) in found
    networks = [f for f, m in found if m == "a national exercise's networks are disrupted in ITA"]
    assert networks == [
        "networks[0].disrupt_requires[1]",
        "networks[0].disrupt_requires[2]",
        "networks[1].disrupt_requires[1]",
        "networks[2].disrupt_requires[0]",
        "networks[2].disrupt_requires[1]",
    ]


def test_the_mode_and_the_state_go_together() -> None:
    without_state = REGIONAL.text.replace("\nworld:", "\nmode: national\n\nworld:", 1)
    assert ("mode", "a national exercise names its state (state: ITA, ...)") in _problems(
        without_state
    )
    regional_with_state = REGIONAL.text.replace("\nworld:", "\nstate: ITA\n\nworld:", 1)
    assert _problems(regional_with_state) == [
        ("state", "only a national exercise (mode: national) names a state")
    ]
    unknown = REGIONAL.text.replace("\nworld:", "\nmode: provincial\n\nworld:", 1)
    assert [f for f, _m in _problems(unknown)] == ["mode"]
