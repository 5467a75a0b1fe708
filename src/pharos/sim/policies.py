"""Decision points of the regional model and the automated standard operating procedures.

Every decision an agency takes in the model goes through one of six methods of the
:class:`Policy` interface. The engine builds a context (what the agency knows at that moment),
calls the policy of the agency that decides, and applies the returned :class:`Decision`:

==========================  =====================================  ===========================
method                      who decides                            actions
==========================  =====================================  ===========================
``decide_identification``   the agency that detected the victim    identify, refer, dismiss
``decide_referral``         the body that formally identified      shelter, none
``decide_request``          the police (intelligence), then the    an instrument, or none
                            prosecutor (evidence)
``decide_answer``           the receiving state's agency for the   execute, decline
                            instrument (:func:`answering_agency`)
``decide_prosecution``      the prosecutor                         charge, drop
``decide_return``           migration or asylum authority          return, include
==========================  =====================================  ===========================

An agency nobody plays follows :class:`StandardOperatingProcedure`. The ``exercise`` area hands
a played agency to people by registering its own :class:`Policy` for ``(state, kind)`` in
:class:`Policies`; everything else stays automated. Policies must be deterministic functions of
their context: all randomness lives in the engine's named streams. (``decide_answer`` gets the
engine's seeded draw of whether the request can be executed, and of its latency, in its context.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol, runtime_checkable

from pharos.domain.cooperation import instrument as instrument_spec
from pharos.domain.practitioners import PractitionerKind
from pharos.domain.vocabulary import ExploitationType


class Action(StrEnum):
    IDENTIFY = "identify"
    REFER = "refer"
    DISMISS = "dismiss"
    SHELTER = "shelter"
    NONE = "none"
    REQUEST = "request"
    CHARGE = "charge"
    DROP = "drop"
    RETURN = "return"
    INCLUDE = "include"
    EXECUTE = "execute"
    DECLINE = "decline"


@dataclass(frozen=True)
class Decision:
    """What an agency decided: an action, and an instrument for a cross-border request."""

    action: Action
    instrument: str | None = None  # an instrument's code (``pharos.domain.cooperation``)
    reason: str = ""


@dataclass(slots=True)
class IdentificationContext:
    """A victim was detected: identify now (if competent), refer to the competent body, or not."""

    time: float
    state: str
    agency: PractitionerKind
    channel: str
    exploitation: ExploitationType
    child: bool
    may_identify: bool
    competent_bodies: tuple[PractitionerKind, ...]
    rescued_in_operation: bool


@dataclass(slots=True)
class ReferralContext:
    """A victim was formally identified: refer to a shelter place or not."""

    time: float
    state: str
    agency: PractitionerKind
    beds_free: int
    waiting: int
    child: bool


@dataclass(frozen=True)
class InstrumentTerms:
    """An instrument available between two states and how it usually performs."""

    instrument: str
    median_days: float
    success: float
    setup_days: float = 0.0

    @property
    def expected_days(self) -> float:
        """Expected days to a useful reply: (set-up + median days) / success share."""
        return (self.setup_days + self.median_days) / max(self.success, 1e-9)


def fastest(available: tuple[InstrumentTerms, ...]) -> InstrumentTerms | None:
    """The instrument with the shortest expected time to a useful reply (the first of equally
    fast ones, in the order given); None if there is none."""
    return min(available, key=lambda t: t.expected_days) if available else None


@dataclass(slots=True)
class RequestContext:
    """An investigation needs something from another state: which instrument to use.

    ``purpose`` is ``"intelligence"`` (the police ask for leads: ``available`` holds the police
    instruments) or ``"evidence"`` (the prosecutor asks for admissible evidence: the judicial
    instruments).
    """

    time: float
    sender: str
    receiver: str
    agency: PractitionerKind
    network: str
    cooperating_victims: int
    available: tuple[InstrumentTerms, ...]
    purpose: str = "evidence"


def answering_agency(instrument: str) -> PractitionerKind:
    """The agency of the receiving state that answers a request by ``instrument`` (when nobody
    plays it): the instrument's ``answered_by`` in ``pharos.domain.cooperation``."""
    return instrument_spec(instrument).answered_by


@dataclass(slots=True)
class AnswerContext:
    """A cross-border request reached the receiving state: execute it or decline.

    ``executable`` and ``latency`` are the engine's seeded draws (from the channel's terms):
    whether the request can be executed at all, and the days until the reply arrives.
    ``network`` is the network the request concerns (``None`` for a request about a person).
    """

    time: float
    sender: str
    receiver: str
    agency: PractitionerKind
    instrument: str
    network: str | None
    terms: InstrumentTerms
    executable: bool
    latency: float


@dataclass(slots=True)
class ProsecutionContext:
    """An investigation has ended: charge the suspects or drop the case."""

    time: float
    state: str
    network: str
    sufficient_evidence: bool
    cooperating_victims: int
    cross_border_reply: bool | None
    financial_investigation: bool


@dataclass(slots=True)
class ReturnContext:
    """Protection has ended for a foreign victim: return (after a risk assessment) or include."""

    time: float
    state: str
    origin: str
    wants_return: bool
    assessed_safe: bool | None


@runtime_checkable
class Policy(Protocol):
    """The six decision points of an agency (see the module docstring)."""

    def decide_identification(self, ctx: IdentificationContext) -> Decision: ...

    def decide_referral(self, ctx: ReferralContext) -> Decision: ...

    def decide_request(self, ctx: RequestContext) -> Decision: ...

    def decide_answer(self, ctx: AnswerContext) -> Decision: ...

    def decide_prosecution(self, ctx: ProsecutionContext) -> Decision: ...

    def decide_return(self, ctx: ReturnContext) -> Decision: ...


class StandardOperatingProcedure:
    """The behaviour of an agency nobody plays.

    - identification: a competent agency identifies; any other refers to the competent body;
    - referral: every formally identified victim is referred to a shelter place (waiting
      list when full);
    - request: the available instrument with the shortest expected time to a useful reply
      ((set-up + median days) / success share): among the police instruments for
      intelligence, among the judicial ones for evidence;
    - answer: execute a request that can be executed (the engine's draw), decline it otherwise;
    - prosecution: charge when the evidence is sufficient;
    - return: return a victim who asks for it and whose pre-return risk assessment found the
      return safe; include everyone else.
    """

    def __init__(self, kind: PractitionerKind) -> None:
        self.kind = kind

    def decide_identification(self, ctx: IdentificationContext) -> Decision:
        if ctx.may_identify:
            return Decision(Action.IDENTIFY, reason="competent to identify")
        return Decision(Action.REFER, reason="refer to the competent body")

    def decide_referral(self, ctx: ReferralContext) -> Decision:
        return Decision(Action.SHELTER, reason="every identified victim is offered a place")

    def decide_request(self, ctx: RequestContext) -> Decision:
        best = fastest(ctx.available)
        if best is None:
            return Decision(Action.NONE, reason="no instrument between the states")
        return Decision(Action.REQUEST, instrument=best.instrument, reason="fastest useful reply")

    def decide_answer(self, ctx: AnswerContext) -> Decision:
        if ctx.executable:
            return Decision(Action.EXECUTE, reason="the request can be executed")
        return Decision(Action.DECLINE, reason="the request cannot be executed")

    def decide_prosecution(self, ctx: ProsecutionContext) -> Decision:
        if ctx.sufficient_evidence:
            return Decision(Action.CHARGE, reason="sufficient evidence")
        return Decision(Action.DROP, reason="insufficient evidence")

    def decide_return(self, ctx: ReturnContext) -> Decision:
        if ctx.wants_return and ctx.assessed_safe:
            return Decision(Action.RETURN, reason="asked to return; assessed safe")
        return Decision(Action.INCLUDE, reason="stays, with a residence permit")


@dataclass
class Policies:
    """The policy of every agency: automated SOPs unless one is assigned to ``(state, kind)``."""

    assigned: dict[tuple[str, PractitionerKind], Policy] = field(default_factory=dict)
    _sop: dict[PractitionerKind, StandardOperatingProcedure] = field(default_factory=dict)

    def assign(self, state: str, kind: PractitionerKind, policy: Policy) -> None:
        """Let ``policy`` (e.g. people in an exercise) decide for ``kind`` in ``state``."""
        self.assigned[(state, kind)] = policy

    def of(self, state: str, kind: PractitionerKind) -> Policy:
        """The policy that decides for ``kind`` in ``state``."""
        hit = self.assigned.get((state, kind))
        if hit is not None:
            return hit
        sop = self._sop.get(kind)
        if sop is None:
            sop = self._sop[kind] = StandardOperatingProcedure(kind)
        return sop
