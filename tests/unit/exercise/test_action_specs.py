"""Each player action is declared once, and everything that offers, checks, applies, tells and
projects actions reads the declarations (pharos.exercise.rules.actions)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pharos.domain.practitioners import PractitionerKind as K
from pharos.exercise.rules.actions import catalogue
from pharos.exercise.rules.actions.catalogue import ACTIONS, BY_NAME, check, forms, label
from pharos.exercise.rules.actions.spec import CASE_WORK, CaseStep, NetworkNote, Target
from pharos.exercise.runtime.session import ExerciseSession
from pharos.exercise.runtime.store import MemoryEventStore
from pharos.exercise.sandbox.sandbox import Sandbox
from pharos.exercise.story.describe import SENTENCES
from pharos.i18n import use_locale

TEMPLATES = Path(__file__).resolve().parents[3] / "src" / "pharos" / "web" / "templates"


def test_every_action_is_declared_once_with_what_the_others_read() -> None:
    names = [a.name for a in ACTIONS]
    assert len(names) == len(set(names)) == len(BY_NAME) >= 18
    for a in ACTIONS:
        assert SENTENCES[a.name] is a.sentence
        assert a.kinds and a.kinds <= frozenset(K)
        with use_locale("fr"):
            assert label(a.name) not in ("", a.name)  # a name in words, translated


def test_the_players_page_offers_every_action_from_its_declaration() -> None:
    """A shared form draws a button per action (its ``button``); an action's own form is a
    template that posts the action's name."""
    offered = [a for _form, actions in forms() for a in actions]
    assert offered == list(ACTIONS)  # each action on one form, in the order of ACTIONS
    for form, actions in forms():
        text = (TEMPLATES / form.template).read_text(encoding="utf-8")
        if form.shared:
            assert 'value="{{ a.name }}">{{ a.button }}' in text
            assert all(a.button for a in actions)
        else:
            (action,) = actions
            assert f'name="type" value="{action.name}"' in text, form.template


def test_the_projector_has_a_step_for_every_kind_of_projection() -> None:
    s = ExerciseSession.create(MemoryEventStore(), clock=lambda: 0.0)
    steps = Sandbox(s.scenario, s.exercise_id, s.seed).projector._steps
    assert set(steps) == set(CaseStep)
    projected = {a.name: a.projection for a in ACTIONS if a.projection is not None}
    assert isinstance(projected["open_investigation"], NetworkNote)
    assert projected["identify"] is CaseStep.IDENTIFICATION
    assert "interview" not in projected and "publish_media_statement" not in projected


def test_the_common_checks_follow_the_target() -> None:
    assert {a.name for a in ACTIONS if a.target is Target.PERSON} == {
        "interview",
        "screen",
        "open_case",
        "identify",
        "grant_recovery_period",
        "register_asylum_claim",
        "give_legal_advice",
        "refer",
    }
    assert BY_NAME["decide_charges"].target is Target.NETWORK
    assert BY_NAME["inspect_site"].target is Target.PLACE


@pytest.fixture
def journalist(session: ExerciseSession) -> ExerciseSession:
    """The bundled exercise with the Italian labour inspectorate's team played as a newsroom."""
    sc = session.scenario
    teams = [
        t.model_copy(update={"agency_kind": K.JOURNALIST}) if t.id == "ita-labour" else t
        for t in sc.teams
    ]
    session.scenario = sc.model_copy(update={"teams": teams})
    return session


def test_a_journalist_may_only_publish_media_statements(journalist: ExerciseSession) -> None:
    sc, st = journalist.scenario, journalist.state
    team = sc.team("ita-labour")
    assert team.agency_kind not in CASE_WORK
    for p in (
        {"type": "inspect_site", "place": "ragusa-greenhouse"},
        {"type": "interview", "persona": "karim", "approach": "standard", "setting": "office"},
        {"type": "give_legal_advice", "persona": "karim"},
    ):
        assert check(sc, st, team, p) == "journalists may only publish media statements"
    assert check(sc, st, team, {"type": "publish_media_statement", "text": "x"}) is None
    # an agency doing case work is told which agencies may
    police = sc.team("ita-police")
    refused = check(sc, st, police, {"type": "give_legal_advice", "persona": "karim"})
    # by their names, never their codes (issue 17: "law_enforcement" was shown to players)
    assert refused == "only these agencies may do this: Lawyer or Non-governmental organisation"


def test_an_unknown_action_is_named_in_the_refusal(session: ExerciseSession) -> None:
    sc, st = session.scenario, session.state
    assert check(sc, st, sc.team("ita-police"), {"type": "fly"}) == "unknown action fly"
    assert catalogue.label("fly") == "fly"
