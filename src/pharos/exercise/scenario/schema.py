"""The exercise scenario format (``pharos-exercise/1``), as Pydantic models.

An exercise scenario sits on top of a simulation scenario (``world.sim_scenario``, by bundled
name or path): the simulation describes the regional world; the exercise adds what people play —
objectives, teams, the clock, characters (victim personas, traffickers, witnesses), evidence,
places, storylines, networks and injects. The format is documented in ``docs/exercise-format.md``.

Times inside an exercise are **exercise minutes** since the start (integers), written in the
file as days (``at_day: 1.5``) for readability.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from pharos.domain.cooperation import InstrumentCode
from pharos.domain.geography import countries
from pharos.domain.practitioners import PractitionerKind
from pharos.domain.vocabulary import (
    ExploitationType,
    MethodOfControl,
    RecruitmentMethod,
    VulnerableGroup,
)

MINUTES_PER_DAY = 1440


def day_to_minutes(day: float) -> int:
    """Exercise days (may be fractional) to whole exercise minutes."""
    return round(day * MINUTES_PER_DAY)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _state_code(code: str) -> str:
    if code.upper() not in countries():
        raise ValueError(f"unknown country code {code!r} (ISO3 expected, e.g. ITA, TUN)")
    return code.upper()


class ObjectiveId(StrEnum):
    """The OSCE's four aims of simulation-based training (cthb.osce.org/node/660524)."""

    MULTI_AGENCY_COLLABORATION = "multi_agency_collaboration"
    IDENTIFICATION_AND_REFERRAL = "identification_and_referral"
    VICTIM_CENTRED_PROTECTION = "victim_centred_protection"
    NETWORKS_ACROSS_BORDERS = "networks_across_borders"


class CriticalTask(_Model):
    """A task an observer rates, Performed without challenges (P), with some (S), with major
    challenges (M) or Unable to be performed (U) (HSEEP 2020's ratings). Its id is unique
    within its objective: a rating names the objective and the task."""

    id: str
    task: str


class Capability(_Model):
    """A capability an objective exercises, with the critical tasks that show it (HSEEP's
    exercise evaluation guide: objective, capability, critical tasks)."""

    id: str
    title: str
    critical_tasks: list[CriticalTask] = Field(min_length=1)


@dataclass(frozen=True)
class RatedTask:
    """A critical task as an observer's form lists it, with its objective and capability."""

    objective: str
    capability: str
    capability_title: str
    id: str
    task: str


class Objective(_Model):
    id: ObjectiveId
    title: str
    #: The capabilities the objective exercises, each with its critical tasks.
    capabilities: list[Capability] = Field(default_factory=list)
    #: The format before capabilities: critical tasks as plain texts (what an observer looks
    #: for); read as one capability named after the objective, tasks numbered from 1. Still
    #: read, since an exercise keeps the scenario text it was created with.
    critical_tasks: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _tasks_given_once(self) -> Objective:
        if bool(self.capabilities) == bool(self.critical_tasks):
            raise ValueError(
                "give the objective's capabilities, each with its critical tasks "
                "(or, as before capabilities, a list of critical_tasks), not both"
            )
        return self

    def tasks(self) -> list[RatedTask]:
        """The objective's critical tasks, each with its capability."""
        if not self.capabilities:  # the format before capabilities
            return [
                RatedTask(self.id.value, self.id.value, self.title, str(n), text)
                for n, text in enumerate(self.critical_tasks, start=1)
            ]
        return [
            RatedTask(self.id.value, c.id, c.title, t.id, t.task)
            for c in self.capabilities
            for t in c.critical_tasks
        ]


class Phase(_Model):
    id: str
    title: str
    starts_day: float = Field(ge=0)


class Clock(_Model):
    """How exercise time runs. ``days_per_hour``: exercise days per hour of play."""

    days_per_hour: float = Field(gt=0, le=240)
    end_day: float = Field(gt=0)
    #: Calendar date shown for exercise minute 0 (ISO date, in-world).
    start_date: str = "2024-10-07"
    phases: list[Phase] = Field(min_length=1)

    @model_validator(mode="after")
    def _phases_ordered(self) -> Clock:
        starts = [p.starts_day for p in self.phases]
        if starts != sorted(starts) or starts[0] != 0:
            raise ValueError("phases must start at day 0 and be in order of starts_day")
        return self


class Team(_Model):
    """A state × an agency kind; ``played`` by people or simulated by the engine."""

    id: str
    name: str
    state: str
    agency_kind: PractitionerKind
    played: bool = True
    languages: list[str] = Field(default_factory=list)

    @field_validator("state")
    @classmethod
    def _check_state_field(cls, v: str) -> str:
        return _state_code(v)


class Element(StrEnum):
    """The three constitutive elements of trafficking (Palermo Protocol Art. 3)."""

    ACT = "act"
    MEANS = "means"
    PURPOSE = "purpose"


class Disclosure(_Model):
    """One rung of a persona's ladder: said once trust reaches ``min_trust``."""

    id: str
    min_trust: int = Field(ge=0, le=100)
    text: str
    establishes: list[Element] = Field(default_factory=list)
    indicators: list[str] = Field(default_factory=list)
    requires_interpreter: bool = False
    requires_safe_place: bool = False


class Truth(_Model):
    """What really happened to a persona, hidden from players and scored against."""

    is_victim: bool = True
    exploitation: ExploitationType | None = None
    means_of_control: list[MethodOfControl] = Field(default_factory=list)
    indicators: list[str] = Field(default_factory=list)
    recruiter: str | None = None
    recruitment: RecruitmentMethod | None = None
    route: list[str] = Field(default_factory=list)


class TrustRules(_Model):
    """How treatment moves trust (points on 0-100). Defaults are the exercise's design choices."""

    interpreter_in_language: int = 10
    safe_place: int = 10
    same_interviewer: int = 5
    trauma_informed: int = 15
    protection_granted: int = 10
    repeated_questioning: int = -15
    threat_of_detention_or_removal: int = -30
    suspected_exploiter_present: int = -25
    confrontational: int = -10
    #: Below this trust, and without protection, the persona may flee.
    flight_threshold: int = 20
    #: Days between falling below the threshold and fleeing (drawn uniformly, seeded).
    flight_delay_days: tuple[float, float] = (0.1, 0.5)
    #: Interviews within this many days of the previous one count as repeated questioning
    #: once nothing new has been disclosed.
    repeat_window_days: float = 1.0


class Move(_Model):
    at_day: float = Field(ge=0)
    place: str
    #: Moving stops when a listed team has arrested the mover's controller or protected them.
    unless_protected: bool = True


class CharacterKind(StrEnum):
    VICTIM = "victim"
    TRAFFICKER = "trafficker"
    WITNESS = "witness"


class Character(_Model):
    id: str
    kind: CharacterKind
    name: str
    age: int = Field(ge=0, le=110)
    gender: Literal["woman", "man", "girl", "boy", "other"]
    nationality: str
    languages: list[str] = Field(min_length=1)
    groups: list[VulnerableGroup] = Field(default_factory=list)
    place: str
    storyline: str
    #: What the role player reads first: who the character is, how they behave.
    script: str
    #: Cues for the role player (gestures, phrases, what unsettles the character).
    cues: list[str] = Field(default_factory=list)
    trust: int = Field(default=30, ge=0, le=100)
    truth: Truth | None = None
    ladder: list[Disclosure] = Field(default_factory=list)
    trust_rules: TrustRules = TrustRules()
    moves: list[Move] = Field(default_factory=list)
    #: For traffickers: the network they belong to and their role in it.
    network: str | None = None
    role: str | None = None

    @field_validator("nationality")
    @classmethod
    def _check_nationality(cls, v: str) -> str:
        return _state_code(v)

    @model_validator(mode="after")
    def _victims_have_truth(self) -> Character:
        if self.kind == CharacterKind.VICTIM and (self.truth is None or not self.ladder):
            raise ValueError("a victim persona needs a truth and a ladder of disclosures")
        ladder = [d.min_trust for d in self.ladder]
        if ladder != sorted(ladder):
            raise ValueError("the ladder must be ordered by min_trust")
        return self


class EvidenceKind(StrEnum):
    JOB_AD = "job_ad"
    CHAT_TRANSCRIPT = "chat_transcript"
    PAYSLIP = "payslip"
    BANK_TRANSFER = "bank_transfer"
    PHONE_DATA = "phone_data"
    CONTRACT = "contract"
    STATEMENT = "statement"


class Evidence(_Model):
    id: str
    kind: EvidenceKind
    title: str
    #: Path of the document, relative to the scenario file.
    file: str
    storyline: str
    establishes: list[Element] = Field(default_factory=list)
    #: Whether the document shows money flows that a financial investigation follows.
    financial: bool = False
    #: The state whose authorities hold it (reached by search, inspection or a request).
    held_in: str

    @field_validator("held_in")
    @classmethod
    def _check_held_in(cls, v: str) -> str:
        return _state_code(v)


class PlaceKindX(StrEnum):
    WORKSITE = "worksite"
    BROTHEL = "brothel"
    APARTMENT = "apartment"
    PORT = "port"
    RECEPTION_CENTRE = "reception_centre"
    SHELTER = "shelter"
    OFFICE = "office"
    STREET = "street"


class Place(_Model):
    id: str
    name: str
    state: str
    kind: PlaceKindX
    #: Evidence found by inspecting (labour/police inspection) or searching the place.
    evidence_on_inspection: list[str] = Field(default_factory=list)
    evidence_on_search: list[str] = Field(default_factory=list)
    #: Whether a person interviewed here is safe from exploiters (shelters, NGO offices).
    safe: bool = False

    @field_validator("state")
    @classmethod
    def _check_state_field(cls, v: str) -> str:
        return _state_code(v)


class Network(_Model):
    """A trafficking network; disrupted only when every state in ``disrupt_requires`` acts."""

    id: str
    name: str
    storylines: list[str] = Field(min_length=1)
    members: list[str] = Field(min_length=1)
    #: States where an arrest of a member, backed by an answered cross-border request, is needed.
    disrupt_requires: list[str] = Field(min_length=1)


class Storyline(_Model):
    id: str
    title: str
    exploitation: ExploitationType
    states: list[str] = Field(min_length=2)


class Channel(StrEnum):
    MESSAGE = "message"
    EMAIL = "email"
    CALL_NOTE = "call_note"
    NEWS = "news"


class TriggerOn(StrEnum):
    """World states that can release an inject."""

    PHASE = "phase"
    PERSONA_CONTACTED = "persona_contacted"
    PERSONA_DISCLOSED = "persona_disclosed"
    PERSONA_FLED = "persona_fled"
    PERSONA_IDENTIFIED = "persona_identified"
    SITE_INSPECTED = "site_inspected"
    ARREST = "arrest"
    REQUEST_ANSWERED = "request_answered"


class Trigger(_Model):
    when: TriggerOn
    #: The persona, place, character, phase or state the trigger watches (by id).
    subject: str
    #: Days after the condition first holds before the inject is delivered.
    delay_days: float = Field(default=0, ge=0)


class Inject(_Model):
    """A message to one or more team inboxes, timed (``at_day``) or triggered (``trigger``)."""

    id: str
    title: str
    channel: Channel
    sender: str
    to: list[str] = Field(min_length=1)
    body: str
    evidence: list[str] = Field(default_factory=list)
    #: Personas brought into the receiving teams' reach by this inject (e.g. a disembarkation).
    brings: list[str] = Field(default_factory=list)
    at_day: float | None = Field(default=None, ge=0)
    trigger: Trigger | None = None
    #: Deck injects are released only by the controller.
    deck: bool = False

    @model_validator(mode="after")
    def _one_release(self) -> Inject:
        ways = sum(x is not None for x in (self.at_day, self.trigger)) + int(self.deck)
        if ways != 1:
            raise ValueError("an inject is released exactly one way: at_day, trigger or deck")
        return self


class ReplyTime(_Model):
    """Days a simulated agency takes to answer a cross-border request (uniform range)."""

    min_days: float = Field(ge=0)
    max_days: float = Field(gt=0)
    answer_rate: float = Field(default=1.0, ge=0, le=1)


class Targets(_Model):
    """The procedure's targets the after-action report measures against (days)."""

    first_contact_days: float = 1.0
    identification_days: float = 2.0
    referral_after_identification_days: float = 0.5
    cross_border_reply_days: float = 5.0


class World(_Model):
    #: Name of a bundled simulation scenario or a path relative to this file.
    sim_scenario: str
    seed: int = Field(ge=0)
    #: Reply times of simulated agencies by instrument, overriding the simulation scenario's
    #: channel terms (the exercise designer's compression of real delays).
    reply_times: dict[InstrumentCode, ReplyTime] = Field(default_factory=dict)
    #: Exercise days per real day for the simulation's channel terms (1/30: a month of real
    #: turnaround takes a day of exercise time).
    time_scale: float = Field(default=1 / 30, gt=0, le=1)
    #: Days a simulated competent authority takes to decide on a referral for identification.
    identification_delay_days: tuple[float, float] = (0.5, 1.5)
    #: Shelter places for this exercise's victims by state, where the shelter operator is not
    #: played (default: the simulation scenario's ``protection.shelter_beds`` of the state).
    shelter_places: dict[str, int] = Field(default_factory=dict)

    @field_validator("shelter_places")
    @classmethod
    def _check_places(cls, v: dict[str, int]) -> dict[str, int]:
        if any(n < 0 for n in v.values()):
            raise ValueError("shelter places cannot be negative")
        return {_state_code(k): n for k, n in v.items()}


class ExerciseMode(StrEnum):
    """Whose agencies the teams are: several states' (``regional``, the default) or one
    state's (``national``: every team is an agency of ``state``; the OSCE runs national
    exercises as well as regional ones)."""

    REGIONAL = "regional"
    NATIONAL = "national"


class ExerciseScenario(_Model):
    format: Literal["pharos-exercise/1"]
    id: str
    title: str
    description: str
    mode: ExerciseMode = ExerciseMode.REGIONAL
    #: the state of a national exercise (every team is one of its agencies); none in a regional
    state: str | None = None
    #: the teams people play, chosen when the exercise was set up (the setup wizard writes it
    #: into the text the exercise keeps): overrides each team's ``played``
    played_teams: list[str] | None = None
    world: World
    objectives: list[Objective] = Field(min_length=1)
    clock: Clock
    targets: Targets = Targets()
    teams: list[Team] = Field(min_length=1)
    storylines: list[Storyline] = Field(min_length=1)
    characters: list[Character] = Field(min_length=1)
    evidence: list[Evidence] = Field(default_factory=list)
    places: list[Place] = Field(min_length=1)
    networks: list[Network] = Field(default_factory=list)
    injects: list[Inject] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _choose_played(cls, data: object) -> object:
        """``played_teams`` given: a team is played exactly when it is listed."""
        if not isinstance(data, dict):
            return data
        chosen, teams = data.get("played_teams"), data.get("teams")
        if not isinstance(chosen, list) or not isinstance(teams, list):
            return data
        return data | {
            "teams": [
                t | {"played": t.get("id") in chosen} if isinstance(t, dict) else t for t in teams
            ]
        }

    @field_validator("state")
    @classmethod
    def _check_state(cls, v: str | None) -> str | None:
        return None if v is None else _state_code(v)

    @property
    def national(self) -> bool:
        return self.mode == ExerciseMode.NATIONAL

    def team(self, team_id: str) -> Team:
        return next(t for t in self.teams if t.id == team_id)

    def character(self, cid: str) -> Character:
        return next(c for c in self.characters if c.id == cid)

    def place(self, pid: str) -> Place:
        return next(p for p in self.places if p.id == pid)

    def personas(self) -> list[Character]:
        return [c for c in self.characters if c.kind == CharacterKind.VICTIM]

    def critical_tasks(self) -> list[RatedTask]:
        """Every critical task of every objective, in the file's order."""
        return [t for o in self.objectives for t in o.tasks()]

    def critical_task(self, objective: str, task: str) -> RatedTask | None:
        """The critical ``task`` of ``objective`` (ids unique within their objective)."""
        return next(
            (t for t in self.critical_tasks() if t.objective == objective and t.id == task), None
        )
