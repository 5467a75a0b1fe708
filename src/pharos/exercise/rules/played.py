"""Who plays which agency: people in the browser, or the engine.

Every agency of an exercise has a :class:`pharos.sim.policies.Policy` in a
:class:`pharos.sim.policies.Policies`: a team played by people is assigned a :class:`PlayedTeam`
(its decisions come from the browser: the item goes to the team's inbox and the team answers
with an action), every other agency keeps the engine's automated
:class:`pharos.sim.policies.StandardOperatingProcedure` (``pharos.exercise.rules.agencies``
asks it when a decision falls due).
"""

from __future__ import annotations

from pharos.domain.practitioners import PractitionerKind as K
from pharos.exercise.scenario.schema import ExerciseScenario, Team
from pharos.sim.policies import (
    Action,
    AnswerContext,
    Decision,
    IdentificationContext,
    Policies,
    ProsecutionContext,
    ReferralContext,
    RequestContext,
    ReturnContext,
)


class PlayedTeam:
    """The :class:`Policy` of an agency played by people: the team decides in the browser.

    The exercise never asks it for a decision: an item meant for it goes to the team's inbox and
    the team's action is the decision. Its methods say so if called.
    """

    def __init__(self, team: str) -> None:
        self.team = team

    def _people(self) -> Decision:
        return Decision(Action.NONE, reason=f"decided by team {self.team}")

    def decide_identification(self, ctx: IdentificationContext) -> Decision:
        return self._people()

    def decide_referral(self, ctx: ReferralContext) -> Decision:
        return self._people()

    def decide_request(self, ctx: RequestContext) -> Decision:
        return self._people()

    def decide_answer(self, ctx: AnswerContext) -> Decision:
        return self._people()

    def decide_prosecution(self, ctx: ProsecutionContext) -> Decision:
        return self._people()

    def decide_return(self, ctx: ReturnContext) -> Decision:
        return self._people()


def policies(sc: ExerciseScenario) -> Policies:
    """Every agency's policy: played teams are people, the rest the engine's SOP."""
    out = Policies()
    for t in sc.teams:
        if t.played:
            out.assign(t.state, t.agency_kind, PlayedTeam(t.id))
    return out


def played_team(sc: ExerciseScenario, state: str, kinds: tuple[K, ...]) -> Team | None:
    """The first played team of ``state`` whose agency is one of ``kinds`` (in that order)."""
    pol = policies(sc)
    for kind in kinds:
        p = pol.of(state, kind)
        if isinstance(p, PlayedTeam):
            return sc.team(p.team)
    return None
