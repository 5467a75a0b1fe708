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

    @property
    def protected(self) -> bool:
        """Protection that stops flight: a recovery period, or child protection for a child."""
        return self.rrp_granted_at is not None or self.child_protection


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
    personas: dict[str, PersonaState] = field(default_factory=dict)
    teams: dict[str, TeamState] = field(default_factory=dict)
    networks: dict[str, NetworkState] = field(default_factory=dict)
    requests: list[CrossBorderRequest] = field(default_factory=list)
    released_injects: dict[str, int] = field(default_factory=dict)
    triggered: dict[str, int] = field(default_factory=dict)  # inject -> due minute
    moves_done: list[str] = field(default_factory=list)
    overrides: list[dict[str, Any]] = field(default_factory=list)
    assignments: list[dict[str, Any]] = field(default_factory=list)  # who plays what
    notes: list[dict[str, Any]] = field(default_factory=list)
    hotwash: list[dict[str, Any]] = field(default_factory=list)
    corrective_actions: list[dict[str, Any]] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)
    wellbeing: list[dict[str, Any]] = field(default_factory=list)
    media: list[dict[str, Any]] = field(default_factory=list)
    arrested: dict[str, int] = field(default_factory=dict)
    positions: dict[str, str] = field(default_factory=dict)  # character -> place, once moved
    timeline: list[dict[str, Any]] = field(default_factory=list)
    started_at: int | None = None
    ended_at: int | None = None

    def log(self, minute: int, what: str, team: str | None = None, **detail: Any) -> None:
        """Add an entry to the timeline (what happened, in the world or by a person)."""
        self.timeline.append({"minute": minute, "what": what, "team": team, **detail})


def canonical_json(state: ExerciseState) -> str:
    return json.dumps(asdict(state), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def state_hash(state: ExerciseState) -> str:
    """SHA-256 of the folded state's canonical JSON."""
    return hashlib.sha256(canonical_json(state).encode("utf-8")).hexdigest()
