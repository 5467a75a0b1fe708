"""What a player action is: each action is declared once, as an :class:`Action`.

An action declares:

- ``name``: its code (the ``type`` of a player's command and of the timeline entry);
- ``kinds``: the agency kinds that may take it (by default every kind doing case work: all but
  journalists, who may only publish media statements);
- ``target``: what it acts on, checked the same way for every action: a person (``PERSON``: a
  persona within the team's reach, in its state; the consent the person gives is recorded with
  it), a network of the scenario, a place in the team's state; or ``None`` (its own check says);
- ``check``: why it cannot be taken now, beyond the common checks (or ``None``);
- ``apply``: what it changes in the state (the part every action shares, counting the action,
  the first contact, the person's flight, the timeline entry, is
  ``pharos.exercise.rules.actions.catalogue.apply``'s);
- ``label``: its name as a noun ("identification as a victim");
- ``sentence``: what the timeline says when a team takes it;
- ``projection``: what the server's case tools record for it in the exercise's sandbox
  (``pharos.exercise.sandbox.projector``): a :class:`CaseStep`, a :class:`NetworkNote`, or
  ``None`` (the action has no case tool on the server and stays in the exercise's log);
- ``form``, ``button``, ``choice``: how the player's page offers it: a button on one of the
  shared forms (the person, the site, the network chosen there), or a form of its own
  (``templates/exercise/actions/``).

Every action is listed in ``pharos.exercise.rules.actions.catalogue.ACTIONS``; the check, the
fold, the page, the timeline and the projector read them from there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pharos.domain import consent
from pharos.domain.practitioners import PractitionerKind as K
from pharos.domain.practitioners import StatePowers, state_powers
from pharos.exercise.rules.state import ExerciseState, PersonaState, TeamState
from pharos.exercise.scenario.schema import Character, ExerciseScenario, Team
from pharos.exercise.words import wording
from pharos.exercise.words.names import Sentence
from pharos.i18n import format_list

#: The agencies doing case work: every kind but journalists (who report, and may only publish
#: media statements).
CASE_WORK: frozenset[K] = frozenset(K) - {K.JOURNALIST}
#: What a person may consent to, recorded with an action on a person (carried into the case
#: files): each choice and the consent record's field it is (``pharos.domain.consent``).
CONSENT_FIELDS = {
    "services": consent.SERVICES,
    "other_orgs": consent.OTHER_ORGS,
    "cross_border": consent.CROSS_BORDER,
}
CONSENTS = tuple(CONSENT_FIELDS)
#: The actions whose consent the case tools record (``pharos.exercise.sandbox.projector``).
RECORDS_CONSENT = frozenset({"open_case", "refer"})


def case_holder(ps: PersonaState, team: str) -> str | None:
    """The team whose case file an action of ``team`` on the person goes to: its own case,
    else the first case opened about the person (as the case tools find it), else none."""
    if team in ps.cases:
        return team
    return next(iter(ps.cases), None)


class Target(StrEnum):
    """What an action acts on; each is checked the same way for every action."""

    PERSON = "person"  # ``persona``: within the team's reach, in its state, not fled
    NETWORK = "network"  # ``network``: one of the scenario's networks
    PLACE = "place"  # ``place``: one of the scenario's places, in the team's state


@dataclass(frozen=True)
class Form:
    """A form of the player's page, drawn by the template ``template``. A shared form offers
    a button for each of its actions (acting on the person, the site or the network chosen on
    it); any other form is one action's own."""

    template: str
    shared: bool = False


PERSON_FORM = Form("exercise/actions/person.html", shared=True)
SITE_FORM = Form("exercise/actions/site.html", shared=True)
NETWORK_FORM = Form("exercise/actions/network.html", shared=True)


@dataclass(frozen=True)
class Choice:
    """A value the player chooses for the field ``field`` among ``options`` (on a shared form:
    a list labelled ``label`` next to the action's button)."""

    field: str
    options: tuple[str, ...]
    label: Any  # a lazy translation


class CaseStep(StrEnum):
    """What the server's case tools record for an action, each carried out by the projector
    (``pharos.exercise.sandbox.projector``) as the acting team."""

    SCREENING = "screening"  # a screening record, attached to the team's case about the person
    OPEN_CASE = "open_case"  # the team's case about the person, with the consent given
    REFERRAL = "referral"  # a referral from the case to the agency the exercise routes it to
    IDENTIFICATION = "identification"  # the victim's status on the case
    REFLECTION_PERIOD = "reflection_period"  # a recovery and reflection period on the case
    REQUEST = "request"  # a cross-border request from the case it concerns
    REPLY = "reply"  # the reply to a cross-border request
    REFERRAL_ANSWER = "referral_answer"  # the operator's acceptance or rejection of a referral


@dataclass(frozen=True)
class NetworkNote:
    """A note on every case file of the team about the network: ``text``, a msgid with
    ``%(name)s`` (the network's name), marked with ``N_``."""

    text: str


Projection = CaseStep | NetworkNote


@dataclass(frozen=True)
class Attempt:
    """An action a team asks to take, as it is being checked."""

    sc: ExerciseScenario
    st: ExerciseState
    team: Team
    p: dict[str, Any]

    @property
    def powers(self) -> StatePowers:
        """Who may do what in the team's state."""
        return state_powers(self.team.state)

    @property
    def own(self) -> TeamState:
        """The team's state."""
        return self.st.teams[self.team.id]


@dataclass
class Acting:
    """An accepted action being applied at ``st.minute``; ``seq`` names what it creates;
    ``detail`` is what its timeline entry records (the payload, and what ``apply`` adds)."""

    sc: ExerciseScenario
    st: ExerciseState
    team: Team
    p: dict[str, Any]
    seq: int
    ps: PersonaState | None = None
    c: Character | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def minute(self) -> int:
        return self.st.minute

    @property
    def own(self) -> TeamState:
        """The acting team's state."""
        return self.st.teams[self.team.id]

    @property
    def person(self) -> tuple[PersonaState, Character]:
        """The person acted on (an action on a ``PERSON``, checked: always there)."""
        assert self.ps is not None and self.c is not None
        return self.ps, self.c


@dataclass(frozen=True)
class Action:
    """One player action, declared once (see the module)."""

    name: str
    label: Any  # a lazy translation
    sentence: Sentence
    apply: Callable[[Acting], None]
    form: Form
    button: Any = None  # a lazy translation: the button on a shared form
    kinds: frozenset[K] = CASE_WORK
    target: Target | None = None
    check: Callable[[Attempt], str | None] | None = None
    choice: Choice | None = None
    projection: Projection | None = None


def kinds_text(kinds: Iterable[K]) -> str:
    """Agency kinds as a refusal lists them, by their names in the reader's language ("labour
    inspectorate or police"), never their codes."""
    return format_list(sorted(wording.agency_kind(k) for k in kinds), "or")
