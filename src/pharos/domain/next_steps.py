"""What to do after a screening: the routes that apply to its outcome, and who takes each one
in the state, from the powers data (``data/powers.yaml``: formal identification, the
recovery and reflection period, who opens an investigation, the national referral mechanism and
``defaults.routes``; one home, nothing re-typed here).

Every outcome has next steps, "not established" too:

- presumed trafficking: formal identification, the national referral mechanism, the police,
  legal aid (and labour inspection where there is labour exploitation or forced labour);
- insufficient information: the national referral mechanism (advice and a fuller interview),
  who formally identifies once enough is known, legal aid (and labour inspection as above);
- not established, with exploitative conditions or indicators of forced labour: labour
  inspection, the police (forced labour is a penal offence: ILO Forced Labour Convention, 1930,
  No. 29, Art. 25), legal aid;
- not established with nothing found: legal aid.

A child is referred to child protection first, whatever the outcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pharos.domain.indicators import Dimension
from pharos.domain.practitioners import Power, state_powers
from pharos.domain.screening_types import (
    DimensionState,
    ExploitationForm,
    ForcedLabourFinding,
    Presumption,
    Screening,
)


class Outcome(StrEnum):
    """A screening's outcome as far as what to do next is concerned."""

    PRESUMED_TRAFFICKING = "presumed_trafficking"
    INSUFFICIENT_INFORMATION = "insufficient_information"
    #: not established, but exploitative conditions are positive or forced labour is possible
    EXPLOITATION_OR_FORCED_LABOUR = "exploitation_or_forced_labour"
    NOTHING_FOUND = "nothing_found"


class Route(StrEnum):
    FORMAL_IDENTIFICATION = "formal_identification"
    REFERRAL_MECHANISM = "referral_mechanism"
    POLICE = "police"
    LABOUR_INSPECTION = "labour_inspection"
    LEGAL_AID = "legal_aid"
    CHILD_PROTECTION = "child_protection"


ROUTES: dict[Outcome, tuple[Route, ...]] = {
    Outcome.PRESUMED_TRAFFICKING: (
        Route.FORMAL_IDENTIFICATION,
        Route.REFERRAL_MECHANISM,
        Route.POLICE,
        Route.LEGAL_AID,
    ),
    Outcome.INSUFFICIENT_INFORMATION: (
        Route.REFERRAL_MECHANISM,
        Route.FORMAL_IDENTIFICATION,
        Route.LEGAL_AID,
    ),
    Outcome.EXPLOITATION_OR_FORCED_LABOUR: (
        Route.LABOUR_INSPECTION,
        Route.POLICE,
        Route.LEGAL_AID,
    ),
    Outcome.NOTHING_FOUND: (Route.LEGAL_AID,),
}


@dataclass(frozen=True)
class Step:
    """One route and who takes it in the state (``power.known`` False: a Pharos default)."""

    route: Route
    power: Power
    #: the state's referral mechanism as the powers data records it (referral_mechanism only)
    mechanism: str = ""
    #: the recovery and reflection period in days, and whether the sources establish it
    #: (formal_identification only)
    reflection_days: int | None = None
    reflection_known: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "route": self.route.value,
            "kinds": [k.value for k in self.power.kinds],
            "bodies": list(self.power.bodies),
            "known": self.power.known,
            "confidence": self.power.confidence.value,
            "source": self.power.source,
            "mechanism": self.mechanism or None,
            "reflection_days": self.reflection_days,
        }


def _exploitation(s: Screening) -> bool:
    return (
        s.dimension(Dimension.EXPLOITATIVE_CONDITIONS).state is DimensionState.POSITIVE
        or s.forced_labour is ForcedLabourFinding.POSSIBLE_FORCED_LABOUR
    )


def outcome(s: Screening) -> Outcome:
    if s.presumption.is_trafficking:
        return Outcome.PRESUMED_TRAFFICKING
    if s.presumption is Presumption.INSUFFICIENT_INFORMATION:
        return Outcome.INSUFFICIENT_INFORMATION
    if _exploitation(s):
        return Outcome.EXPLOITATION_OR_FORCED_LABOUR
    return Outcome.NOTHING_FOUND


def routes(s: Screening) -> tuple[Route, ...]:
    """The routes that apply to ``s``, most urgent first."""
    out = list(ROUTES[outcome(s)])
    if (
        Route.LABOUR_INSPECTION not in out
        and s.form is ExploitationForm.LABOUR
        and _exploitation(s)
    ):
        out.insert(out.index(Route.LEGAL_AID), Route.LABOUR_INSPECTION)
    if s.is_child:
        out.insert(0, Route.CHILD_PROTECTION)
    return tuple(out)


def next_steps(s: Screening, state: str) -> tuple[Step, ...]:
    """The routes of ``s`` in ``state`` (ISO3), each with who takes it there."""
    powers = state_powers(state)
    out: list[Step] = []
    for route in routes(s):
        if route is Route.FORMAL_IDENTIFICATION:
            rr = powers.recovery_and_reflection
            out.append(Step(route, powers.formal_identification, "", rr.days, rr.known))
        elif route is Route.POLICE:
            out.append(Step(route, powers.opens_investigation))
        elif route is Route.REFERRAL_MECHANISM:
            out.append(Step(route, powers.routes[route.value], powers.referral_mechanism))
        else:
            out.append(Step(route, powers.routes[route.value]))
    return tuple(out)


__all__ = ["ROUTES", "Outcome", "Route", "Step", "next_steps", "outcome", "routes"]
