"""The state of an exercise at one moment: what the fold over the event log produces.

Plain dataclasses; ``state_hash`` hashes their canonical JSON, so two processes folding the same
log agree byte for byte.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Message:
    """One item in a team's inbox."""

    id: str
    minute: int
    channel: str
    sender: str
    title: str
    body: str
    evidence: list[str] = field(default_factory=list)
    inject: str | None = None


@dataclass
class Screening:
    team: str
    minute: int
    indicators: list[str]
    conclusion: str
    #: The domain's presumption from ``pharos.domain.screening.screen`` on these indicators.
    presumption: str = ""


@dataclass
class PersonaState:
    id: str
    place: str
    state: str
    trust: int
    status: str = "present"  # present | fled
    reachable_since: int | None = None
    known_to: dict[str, int] = field(default_factory=dict)  # team -> minute it could reach them
    contacted: dict[str, int] = field(default_factory=dict)  # team -> first contact minute
    disclosed: list[str] = field(default_factory=list)
    disclosed_to: dict[str, list[str]] = field(default_factory=dict)  # team -> disclosures
    interviews: list[dict[str, Any]] = field(default_factory=list)
    last_interview: dict[str, Any] | None = None
    trust_history: list[dict[str, Any]] = field(default_factory=list)
    screenings: list[Screening] = field(default_factory=list)
    cases: dict[str, int] = field(default_factory=dict)  # team -> minute
    identified_at: int | None = None
    identified_by: str | None = None
    referrals: list[dict[str, Any]] = field(default_factory=list)
    referred_at: int | None = None
    rrp_granted_at: int | None = None
    rrp_until: int | None = None
    sheltered: bool = False
    child_protection: bool = False
    asylum_registered_at: int | None = None
    legal_advice_at: int | None = None
    interpreter_used: bool = False
    flight_due: int | None = None
    flight_draws: int = 0
    fled_at: int | None = None
    pending_identification: int | None = None
    #: A referral to a shelter awaiting the decision of an unplayed operator (minute due),
    #: who decides (agency kind), who referred (team), and since when on the waiting list.
    pending_shelter: int | None = None
    shelter_by: str | None = None
    shelter_referrer: str | None = None
    shelter_waiting: int | None = None
    #: When the person was first given shelter, NGO assistance or child protection on a
    #: referral (exercises created since referrals are answered; see ``referrals_decided``).
    assisted_at: int | None = None
    #: The consents the person gave, by the team whose case file records them (the acting
    #: team's own case, else the first case opened about the person): exercises created since
    #: a referral needs the consent the case tools ask for (``ExerciseState.consent_checked``).
    consents: dict[str, list[str]] = field(default_factory=dict)

    @property
    def protected(self) -> bool:
        """Protection that stops flight: a recovery period, or child protection for a child."""
        return self.rrp_granted_at is not None or self.child_protection

    @property
    def reasonable_grounds(self) -> bool:
        """Reasonable grounds to believe the person is a victim: a screening (by any team)
        concluded "possible victim". The one test of the exercise's two-stage procedure, after
        the Council of Europe Convention on Action against Trafficking in Human Beings (Art. 10
        and 13): reasonable grounds first, then the recovery and reflection period (granted as
        soon as there are such grounds; GRETA's guidance note on Art. 13) and the formal
        identification by the competent body, played or simulated
        (``pharos.exercise.rules.agencies``)."""
        return any(s.conclusion == "possible_victim" for s in self.screenings)


@dataclass
class CrossBorderRequest:
    id: str
    from_team: str
    from_state: str
    to_state: str
    instrument: str
    network: str | None
    persona: str | None
    question: str
    sent_at: int
    to_team: str | None = None  # a played receiving team, else answered by the engine
    answer_due: int | None = None
    answered_at: int | None = None
    answer: str | None = None
    declined: bool = False
    evidence: list[str] = field(default_factory=list)


@dataclass
class AssistanceReferral:
    """A referral to shelter, NGO assistance or child protection awaiting (or given) the
    answer of the state's played operator team (``pharos.exercise.rules.assistance``)."""

    id: str  # REF-<seq of the refer event>
    persona: str
    to: str  # shelter | ngo_assistance | child_protection
    from_team: str
    to_team: str
    state: str
    made_at: int
    status: str = "pending"  # pending | accepted | declined | lapsed
    answered_at: int | None = None
    reason: str = ""  # why it was declined
    #: for an unaccompanied child referred to child protection: the ground of a decline
    ground: str | None = None
    note: str = ""


@dataclass
class TeamState:
    id: str
    inbox: list[Message] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)  # evidence ids held, in order obtained
    evidence_at: dict[str, int] = field(default_factory=dict)
    investigations: dict[str, int] = field(default_factory=dict)  # network -> minute
    financial_investigations: dict[str, int] = field(default_factory=dict)
    actions: int = 0
    shares: int = 0  # what the team shared with other agencies of its state
    statements: list[dict[str, Any]] = field(default_factory=list)
    inspected: list[str] = field(default_factory=list)


@dataclass
class Charging:
    """The charging decision on a network in one state, opened by the first arrest there."""

    state: str
    opened_at: int
    #: the team investigating the network (told of the decision)
    investigator: str | None
    #: the played prosecutor team that decides, else None (the engine's policy decides)
    prosecutor: str | None
    #: the minute an unplayed prosecutor's decision falls due
    due: int | None
    status: str = "pending"  # pending | charged | dropped
    decided_at: int | None = None
    decided_by: str | None = None  # a team id, or "engine:<policy class>"
    reason: str = ""


@dataclass
class NetworkState:
    id: str
    arrests: dict[str, int] = field(default_factory=dict)  # character -> minute
    arrested_in: dict[str, str] = field(default_factory=dict)  # character -> state
    disrupted_at: int | None = None
    tipped_off_at: int | None = None
    charges: dict[str, Charging] = field(default_factory=dict)  # state -> charging decision


@dataclass
class Observation:
    observer: str
    minute: int
    team: str
    objective: str
    rating: int
    note: str


#: HSEEP 2020's ratings of a critical task: Performed without challenges, Performed with some
#: challenges, Performed with major challenges, Unable to be performed.
TASK_RATINGS = ("P", "S", "M", "U")


@dataclass
class TaskRating:
    """An observer's rating of one critical task of one team (``TASK_RATINGS``), with what
    they saw (note) and what shows it (evidence), stamped with the exercise minute."""

    observer: str
    minute: int
    team: str
    objective: str
    task: str
    rating: str
    note: str = ""
    evidence: str = ""


@dataclass
class ReviewState:
    """The lead evaluator's review of the report's findings and improvement actions
    (``pharos.exercise.rules.review``): what the report derived when the review began, as
    edited since; approved until the next edit."""

    #: id, kind (strength | improvement), objective, capability, text, lesson, source
    findings: list[dict[str, Any]] = field(default_factory=list)
    #: id, action, state, agency_kind, due (ISO date), objective, capability, finding, source
    actions: list[dict[str, Any]] = field(default_factory=list)
    started_by: str = ""
    approved_by: str | None = None
    #: the next number of an added finding and action (ids are never reused)
    next_finding: int = 1
    next_action: int = 1


@dataclass
class ExerciseState:
    exercise_id: str
    seed: int
    minute: int = 0
    status: str = "ready"  # ready | running | paused | ended
    days_per_hour: float = 1.0
    phase: str = ""
    last_seq: int = 0
    #: Decisions of unplayed agencies are ``decision`` events in the log (exercises created
    #: since they are); older logs decide them inside the fold.
    decisions_logged: bool = False
    #: A played shelter operator (NGO, social welfare) accepts or declines referrals to
    #: shelter, NGO assistance and child protection (exercises created since it does, their
    #: ``created`` event says ``"referrals": "answered"``); older logs protect the person at once.
    referrals_decided: bool = False
    #: Each phase begins, logged, at its own minute (exercises created since it does: their
    #: ``created`` event says ``"phases": "logged"``); see ``pharos.exercise.rules.clock``.
    phases_logged: bool = False
    #: A referral needs the consent the case tools ask for, given with the case's actions
    #: (exercises created since it does: their ``created`` event says ``"consent":
    #: "checked"``); older logs counted referrals the case tools refused.
    consent_checked: bool = False
    personas: dict[str, PersonaState] = field(default_factory=dict)
    teams: dict[str, TeamState] = field(default_factory=dict)
    networks: dict[str, NetworkState] = field(default_factory=dict)
    requests: list[CrossBorderRequest] = field(default_factory=list)
    referrals: list[AssistanceReferral] = field(default_factory=list)
    released_injects: dict[str, int] = field(default_factory=dict)
    triggered: dict[str, int] = field(default_factory=dict)  # inject -> due minute
    moves_done: list[str] = field(default_factory=list)
    overrides: list[dict[str, Any]] = field(default_factory=list)
    assignments: list[dict[str, Any]] = field(default_factory=list)  # who plays what
    #: the exercise's control team (usernames): its creator first, then named co-directors
    directors: list[str] = field(default_factory=list)
    #: who created the exercise (None: made before control teams, or outside the web platform)
    created_by: str | None = None
    #: what the setup wizard recorded: the exercise's ``name`` and the real dates it is held
    #: (``held_from``, ``held_to``, ISO dates); empty for an exercise made without it
    setup: dict[str, str] = field(default_factory=dict)
    notes: list[dict[str, Any]] = field(default_factory=list)
    hotwash: list[dict[str, Any]] = field(default_factory=list)
    corrective_actions: list[dict[str, Any]] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)
    #: the observers' P/S/M/U ratings of critical tasks (exercise evaluation guides)
    task_ratings: list[TaskRating] = field(default_factory=list)
    wellbeing: list[dict[str, Any]] = field(default_factory=list)
    #: the participants' feedback forms: by, minute, team, went_well, to_improve
    feedback: list[dict[str, Any]] = field(default_factory=list)
    #: the lead evaluator's review of the findings and actions (None: not begun)
    review: ReviewState | None = None
    media: list[dict[str, Any]] = field(default_factory=list)
    arrested: dict[str, int] = field(default_factory=dict)
    positions: dict[str, str] = field(default_factory=dict)  # character -> place, once moved
    timeline: list[dict[str, Any]] = field(default_factory=list)
    started_at: int | None = None
    ended_at: int | None = None

    def log(self, minute: int, what: str, team: str | None = None, **detail: Any) -> None:
        """Add an entry to the timeline (what happened, in the world or by a person)."""
        self.timeline.append({"minute": minute, "what": what, "team": team, **detail})


#: What the ``created`` event of an exercise set up in the wizard records (``ExerciseState.setup``).
SETUP_FIELDS = ("name", "held_from", "held_to")

#: Fields added after states were first hashed, with their defaults: left out of the canonical
#: JSON while at their default, so that a log written before them folds to the same hash.
LATER_STATE_FIELDS: dict[str, Any] = {
    "referrals_decided": False,
    "phases_logged": False,
    "referrals": [],
    "directors": [],
    "created_by": None,
    "setup": {},
    "consent_checked": False,
    "task_ratings": [],
    "feedback": [],
    "review": None,
}
LATER_PERSONA_FIELDS: dict[str, Any] = {"assisted_at": None, "consents": {}}


def _without_later_defaults(data: dict[str, Any]) -> dict[str, Any]:
    for key, default in LATER_STATE_FIELDS.items():
        if data.get(key) == default:
            del data[key]
    for persona in data.get("personas", {}).values():
        for key, default in LATER_PERSONA_FIELDS.items():
            if persona.get(key) == default:
                del persona[key]
    return data


def canonical_json(state: ExerciseState) -> str:
    data = _without_later_defaults(asdict(state))
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def state_hash(state: ExerciseState) -> str:
    """SHA-256 of the folded state's canonical JSON."""
    return hashlib.sha256(canonical_json(state).encode("utf-8")).hexdigest()
