"""Who provides legal aid and child protection in a state has one home (issue 20): the routes of
the state's powers.

``src/pharos/domain/data/powers.yaml`` (``defaults.routes.legal_aid``: lawyers and NGOs, a Pharos
default; a state may name its own) says who takes the legal-aid route a screening points to
(pharos.domain.next_steps). The exercise's referral to legal aid went to ``(LAWYER,)``, written
in the projector: the same fact with a different answer (no NGO). The projector now reads the
powers data; this test fails if the exercise and the screening's next steps disagree again.
"""

from __future__ import annotations

import pytest

from pharos.domain.datafiles import load_data_file
from pharos.domain.indicators import Dimension
from pharos.domain.next_steps import Route, next_steps
from pharos.domain.practitioners import PractitionerKind as K
from pharos.domain.screening import Observations, Person, screen
from pharos.exercise.rules import assistance
from pharos.exercise.sandbox.projector import REFERRAL_KINDS, referral_kinds

#: the states of the powers data, and one it does not name (the defaults apply)
STATES = (*sorted(load_data_file("powers.yaml")["states"]), "ESP")


@pytest.mark.parametrize("state", STATES)
def test_legal_aid_goes_where_the_screening_points(state: str) -> None:
    nothing_found = screen(Observations(present=(), assessed=frozenset(Dimension)), Person(age=30))
    step = next(s for s in next_steps(nothing_found, state) if s.route is Route.LEGAL_AID)
    assert referral_kinds(state, "legal_aid") == (step.power.kinds, 4)


def test_legal_aid_has_no_second_home_in_the_projector() -> None:
    assert "legal_aid" not in REFERRAL_KINDS
    defaults = load_data_file("powers.yaml")["defaults"]["routes"]["legal_aid"]
    assert referral_kinds("ESP", "legal_aid")[0] == tuple(K(k) for k in defaults)


@pytest.mark.parametrize("state", STATES)
def test_child_protection_goes_where_the_screening_points(state: str) -> None:
    """The exercise's child-protection receivers (rules and sandbox) are the powers' route."""
    child = screen(Observations(present=(), assessed=frozenset(Dimension)), Person(age=15))
    step = next(s for s in next_steps(child, state) if s.route is Route.CHILD_PROTECTION)
    assert assistance.receivers(state, "child_protection") == step.power.kinds
    assert referral_kinds(state, "child_protection") == (step.power.kinds, 1)


def test_child_protection_has_no_second_home() -> None:
    """Neither the rules nor the projector type the kinds: both read the powers' route."""
    assert "child_protection" not in REFERRAL_KINDS
    assert "child_protection" not in assistance.RECEIVERS
    defaults = load_data_file("powers.yaml")["defaults"]["routes"]["child_protection"]
    assert assistance.receivers("ESP", "child_protection") == tuple(K(k) for k in defaults)
    # a persona in a state the powers data does not record (in transit): the defaults
    assert assistance.receivers("LBY", "child_protection") == tuple(K(k) for k in defaults)
