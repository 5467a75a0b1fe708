"""A played team's standard procedure: what a rehearsal plays in place of the people.

A rehearsal (``pharos.exercise.runtime.rehearsal``) runs the real exercise engine with every
team played by the procedure below, so that a director sees the scenario's pacing before people
sit down. Its decision points are the regional model's
(:class:`pharos.sim.policies.StandardOperatingProcedure`, asked through the same
:class:`~pharos.sim.policies.Policies` as the agencies nobody plays); the steps that model has
no decision point for (interviews, screening, sharing, inspections) follow the good practice the
scenario's objectives name, the same for every team:

- **answer a cross-border request** sent to the team once the channel's seeded reply time has
  passed (``world.reply_delay``, the time an unplayed receiver takes): ``decide_answer`` on the
  same context as an unplayed receiver (``agencies.answer_context``), sharing the documents of
  the request's storylines the team holds;
- **decide charges** on a pending decision: ``decide_prosecution`` on ``charging.context``;
- **answer a referral** to its shelter, NGO assistance or child protection: ``decide_referral``
  with the state's free places (the SOP offers every identified victim a place: accept);
- **interview** each person within reach, trauma-informed, with an interpreter in the person's
  first language when the team speaks none of theirs, in the safest setting the team has (a
  shelter, an NGO's office, the place if it is safe, else away from an exploiter present) — not
  again within the persona's ``repeat_window_days``, nor while it would be repeated questioning,
  and no more once nothing is left that more trust or that setting could unlock;
- **screen** a person on the indicators of what they told the team, whenever that grows;
- on reasonable grounds (a screening concluded "possible victim"): **open a case** (if nobody
  has one) with the person's consent to services and to other organisations, **grant the
  recovery and reflection period** where the team may, then ``decide_identification``:
  **identify** where the team is competent, else **refer to the competent authority** (once);
  an identified victim is **referred to a shelter** (a child to child protection), as
  ``decide_referral`` offers every identified victim a place;
- **share** with each other played team of its state the people it has reasonable grounds about
  and the documents it holds that the other lacks;
- **inspect** each site of its state where a lead points (a character of a storyline the team
  knows of, through a document it holds or a person it knows), once;
- **open an investigation** into a network of a storyline it knows of, **request a financial
  investigation** into it, and **search and arrest** where a member is found in its state, once
  a cross-border request about the network was executed (an arrest before that does not
  disrupt it), or at once when none is awaited and there is none to send;
- **send a cross-border request** about an investigated network to each other state that must
  act against it (``disrupt_requires``) or holds its documents: ``decide_request`` among the
  instruments the team may send there (for evidence, else for intelligence), once per state;
- never publish a media statement.

:func:`actions` gives the team's actions on the current state, in order; the rehearsal submits
the first through the session like a player's command, then asks again.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pharos.domain.cooperation import Product, instrument, instruments_between
from pharos.domain.practitioners import state_powers
from pharos.exercise.rules import agencies, assistance, charging
from pharos.exercise.rules import personas as pers
from pharos.exercise.rules.actions import investigation
from pharos.exercise.rules.actions.spec import CASE_WORK
from pharos.exercise.rules.state import ExerciseState, PersonaState
from pharos.exercise.rules.world import channel_terms, position, reply_delay, storylines_of
from pharos.exercise.scenario.schema import (
    CharacterKind,
    ExerciseScenario,
    Network,
    Team,
    day_to_minutes,
)
from pharos.sim.policies import (
    Action,
    IdentificationContext,
    ReferralContext,
    RequestContext,
    StandardOperatingProcedure,
)

#: the consent a person gives with a case opened or a referral made by the procedure
CONSENT = ["services", "other_orgs"]
#: where the procedure refers an identified victim, by age
SHELTER, CHILD = "shelter", "child_protection"


def actions(sc: ExerciseScenario, st: ExerciseState, team: Team) -> Iterator[dict[str, Any]]:
    """The actions the procedure gives the team now, in order, each as a player's command
    (``type`` and its fields); the rehearsal takes the first, then asks again."""
    if not team.played or team.agency_kind not in CASE_WORK:
        return
    for step in (_answers, _persons, _sharing, _sites, _networks, _requests):
        yield from step(sc, st, team)


def _sop(team: Team) -> StandardOperatingProcedure:
    return StandardOperatingProcedure(team.agency_kind)


# -- what waits for the team ---------------------------------------------------------------------
def _answers(sc: ExerciseScenario, st: ExerciseState, team: Team) -> Iterator[dict[str, Any]]:
    own = st.teams[team.id]
    for req in st.requests:
        if req.to_team != team.id or req.answered_at is not None:
            continue
        if st.minute < req.sent_at + reply_delay(st, sc, req):
            continue
        ctx = agencies.answer_context(sc, st, req)
        execute = ctx is not None and (
            _sop(team).decide_answer(ctx).action is Action.EXECUTE and ctx.executable
        )
        stories = storylines_of(sc, req)
        evidence = [e.id for e in sc.evidence if e.id in own.evidence and e.storyline in stories]
        yield {
            "type": "answer_cross_border_request",
            "request": req.id,
            "answer": "Executed" if execute else "Cannot be executed",
            "decline": not execute,
            "evidence": evidence if execute else [],
        }
    for net in sc.networks:
        if charging.pending_for_team(st, team.id, team.state, net.id):
            ctx_p = charging.context(sc, st, net.id, team.state)
            dec = _sop(team).decide_prosecution(ctx_p)
            decision = "charge" if dec.action is Action.CHARGE else "drop"
            yield {
                "type": "decide_charges",
                "network": net.id,
                "decision": decision,
                "reason": dec.reason,
            }
    for ref in assistance.pending_for(st, team.id):
        places = assistance.shelter_places(sc, st, ref.state)
        ctx_r = ReferralContext(
            time=st.minute / 1440.0,
            state=ref.state,
            agency=team.agency_kind,
            beds_free=places["free"],
            waiting=0,
            child=sc.character(ref.persona).age < 18,
        )
        dec = _sop(team).decide_referral(ctx_r)
        if dec.action is Action.SHELTER:
            yield {"type": "answer_referral", "referral": ref.id, "decision": "accept"}
        else:  # the SOP offers every place; a policy that declines says why
            yield {
                "type": "answer_referral",
                "referral": ref.id,
                "decision": "decline",
                "reason": dec.reason or "declined",
                "ground": "in_care_of_another_service",
            }


# -- people --------------------------------------------------------------------------------------
def _within_reach(sc: ExerciseScenario, st: ExerciseState, team: Team) -> list[PersonaState]:
    return [
        p
        for p in st.personas.values()
        if team.id in p.known_to and p.state == team.state and p.status != "fled"
    ]


def _told(sc: ExerciseScenario, p: PersonaState, team: Team) -> list[str]:
    """The indicators of what the person told the team."""
    heard = set(p.disclosed_to.get(team.id, []))
    rungs = [d for d in sc.character(p.id).ladder if d.id in heard]
    return sorted({i for d in rungs for i in d.indicators})


def _interview(sc: ExerciseScenario, st: ExerciseState, team: Team, p: PersonaState) -> bool:
    """Whether the team interviews the person now: something is left for it to hear (a rung
    it has not heard that more trust, or the interview's conditions, may still unlock), its own
    last interview of them is older than the repeat window, and it would not be repeated
    questioning."""
    c = sc.character(p.id)
    heard = set(p.disclosed_to.get(team.id, []))
    safe = _safe(sc, team, _setting(sc, st, team, p), p)
    left = [d for d in c.ladder if d.id not in heard and (safe or not d.requires_safe_place)]
    if not left:
        return False
    window = day_to_minutes(c.trust_rules.repeat_window_days)
    mine = [iv for iv in p.interviews if iv["team"] == team.id]
    if mine and st.minute - mine[-1]["minute"] < window:
        return False
    if mine and not mine[-1]["new_disclosures"] and all(d.min_trust <= p.trust for d in left):
        return False  # it heard nothing new with trust enough: nothing more will come
    last = p.last_interview
    repeated = (
        last is not None and st.minute - last["minute"] <= window and not last["new_disclosures"]
    )
    return not repeated


def _safe(sc: ExerciseScenario, team: Team, setting: str, p: PersonaState) -> bool:
    """Whether an interview in ``setting`` is in a safe place (as the interview action says)."""
    return (
        setting == "shelter"
        or (setting == "office" and team.agency_kind.value in pers.SAFE_KINDS)
        or (setting == "where_found" and sc.place(p.place).safe)
    )


def _setting(sc: ExerciseScenario, st: ExerciseState, team: Team, p: PersonaState) -> str:
    if p.sheltered:
        return "shelter"
    if team.agency_kind.value in pers.SAFE_KINDS:
        return "office"
    if sc.place(p.place).safe:
        return "where_found"
    exploiter = any(
        ch.network and ch.id not in st.arrested and position(st, sc, ch.id) == p.place
        for ch in sc.characters
    )
    return "police_station" if exploiter else "where_found"


def _persons(sc: ExerciseScenario, st: ExerciseState, team: Team) -> Iterator[dict[str, Any]]:
    powers = state_powers(team.state)
    for p in _within_reach(sc, st, team):
        c = sc.character(p.id)
        if _interview(sc, st, team, p):
            shared = set(team.languages) & set(c.languages)
            yield {
                "type": "interview",
                "persona": p.id,
                "approach": "trauma_informed",
                "setting": _setting(sc, st, team, p),
                "interpreter": None if shared else c.languages[0],
            }
        told = _told(sc, p, team)
        mine = [s for s in p.screenings if s.team == team.id]
        if told and (not mine or mine[-1].indicators != told):
            yield {"type": "screen", "persona": p.id, "indicators": told}
        if not p.reasonable_grounds:
            continue
        if not p.cases:
            yield {"type": "open_case", "persona": p.id, "consent": CONSENT}
        if (
            p.rrp_granted_at is None
            and team.agency_kind in powers.recovery_and_reflection.granted_by
        ):
            yield {"type": "grant_recovery_period", "persona": p.id}
        if p.identified_at is None:
            yield from _identification(sc, st, team, p)
        elif not (p.sheltered or p.child_protection) and _no_shelter_pending(st, p):
            to = CHILD if c.age < 18 else SHELTER
            yield {"type": "refer", "persona": p.id, "to": to, "consent": CONSENT}


def _identification(
    sc: ExerciseScenario, st: ExerciseState, team: Team, p: PersonaState
) -> Iterator[dict[str, Any]]:
    powers = state_powers(team.state)
    c = sc.character(p.id)
    ctx = IdentificationContext(
        time=st.minute / 1440.0,
        state=team.state,
        agency=team.agency_kind,
        channel="exercise",
        exploitation=agencies.exploitation(sc, p.id),
        child=c.age < 18,
        may_identify=powers.may_identify(team.agency_kind),
        competent_bodies=powers.formal_identification.kinds,
        rescued_in_operation=False,
    )
    dec = _sop(team).decide_identification(ctx)
    if dec.action is Action.IDENTIFY:
        yield {"type": "identify", "persona": p.id}
    elif dec.action is Action.REFER and not any(
        r["to"] == "competent_authority" for r in p.referrals
    ):
        yield {"type": "refer", "persona": p.id, "to": "competent_authority", "consent": CONSENT}


def _no_shelter_pending(st: ExerciseState, p: PersonaState) -> bool:
    if p.pending_shelter is not None or p.shelter_waiting is not None:
        return False
    return not any(
        r.persona == p.id and r.status == "pending" and r.to in (SHELTER, CHILD)
        for r in st.referrals
    )


def _sharing(sc: ExerciseScenario, st: ExerciseState, team: Team) -> Iterator[dict[str, Any]]:
    own = st.teams[team.id]
    grounds = [p for p in _within_reach(sc, st, team) if p.reasonable_grounds]
    for other in sc.teams:
        if other.id == team.id or not other.played or other.state != team.state:
            continue
        held = st.teams[other.id].evidence
        evidence = [e for e in own.evidence if e not in held]
        person = next((p.id for p in grounds if other.id not in p.known_to), None)
        if evidence or person:
            share: dict[str, Any] = {"type": "share_with_team", "to_team": other.id}
            share["evidence"] = evidence
            if person is not None:
                share["persona"] = person
            yield share


# -- sites and networks --------------------------------------------------------------------------
def _storylines(sc: ExerciseScenario, st: ExerciseState, team: Team) -> set[str]:
    """The storylines the team knows of: of the documents it holds and the people it knows."""
    own = st.teams[team.id]
    known = {e.storyline for e in sc.evidence if e.id in own.evidence}
    known |= {sc.character(p.id).storyline for p in st.personas.values() if team.id in p.known_to}
    return known


def _present(sc: ExerciseScenario, st: ExerciseState, cid: str) -> bool:
    c = sc.character(cid)
    if c.kind == CharacterKind.VICTIM:
        return st.personas[cid].status != "fled"
    return cid not in st.arrested


def _sites(sc: ExerciseScenario, st: ExerciseState, team: Team) -> Iterator[dict[str, Any]]:
    if team.agency_kind not in investigation.INSPECT_SITE.kinds:
        return
    known = _storylines(sc, st, team)
    inspected = st.teams[team.id].inspected
    for place in sc.places:
        if place.state != team.state or place.id in inspected:
            continue
        if any(
            c.storyline in known and _present(sc, st, c.id) and position(st, sc, c.id) == place.id
            for c in sc.characters
        ):
            yield {"type": "inspect_site", "place": place.id}


def _networks(sc: ExerciseScenario, st: ExerciseState, team: Team) -> Iterator[dict[str, Any]]:
    own = st.teams[team.id]
    known = _storylines(sc, st, team)
    opens = state_powers(team.state).opens_investigation.kinds
    for net in sc.networks:
        if net.id not in own.investigations:
            if team.agency_kind in opens and set(net.storylines) & known:
                yield {"type": "open_investigation", "network": net.id}
            continue
        if (
            team.agency_kind in investigation.REQUEST_FINANCIAL_INVESTIGATION.kinds
            and net.id not in own.financial_investigations
        ):
            yield {"type": "request_financial_investigation", "network": net.id}
        if team.agency_kind in investigation.SEARCH_AND_ARREST.kinds and _ready(sc, st, team, net):
            for place in sc.places:
                if place.state == team.state and any(
                    m not in st.arrested and position(st, sc, m) == place.id for m in net.members
                ):
                    yield {"type": "search_and_arrest", "place": place.id}


def _ready(sc: ExerciseScenario, st: ExerciseState, team: Team, net: Network) -> bool:
    """Whether the team moves to arrests against ``net``: once a cross-border request about it
    was executed (an arrest before that does not disrupt the network, ``world.arrest``), or at
    once when none is awaited and the team has none left to send."""
    about = [r for r in st.requests if r.network == net.id]
    if any(r.answered_at is not None and not r.declined for r in about):
        return True
    if any(r.answered_at is None for r in about):
        return False
    return not any(True for _r in _requests_about(sc, st, team, net))


def _requests(sc: ExerciseScenario, st: ExerciseState, team: Team) -> Iterator[dict[str, Any]]:
    own = st.teams[team.id]
    for net in sc.networks:
        if net.id in own.investigations:
            yield from _requests_about(sc, st, team, net)


def _requests_about(
    sc: ExerciseScenario, st: ExerciseState, team: Team, net: Network
) -> Iterator[dict[str, Any]]:
    held = {e.held_in for e in sc.evidence if e.storyline in net.storylines}
    sent = {r.to_state for r in st.requests if r.from_team == team.id and r.network == net.id}
    for state in sorted((set(net.disrupt_requires) | held) - {team.state} - sent):
        chosen = _instrument(sc, st, team, state, net.id)
        if chosen is not None:
            yield {
                "type": "send_cross_border_request",
                "to_state": state,
                "instrument": chosen,
                "network": net.id,
                "question": f"Request about {net.name}",
            }


def _instrument(
    sc: ExerciseScenario, st: ExerciseState, team: Team, to: str, network: str
) -> str | None:
    """``decide_request`` among the instruments the team may send to ``to``: for evidence
    (judicial cooperation) when there is one, else for intelligence."""
    mine = [
        a.instrument
        for a in instruments_between(team.state, to)
        if team.agency_kind in instrument(a.instrument).senders
    ]
    cooperating = sum(
        1 for p in st.personas.values() if p.disclosed_to.get(team.id) and p.status != "fled"
    )
    for purpose, product in (("evidence", Product.EVIDENCE), ("intelligence", None)):
        codes = [i for i in mine if (instrument(i).product is product) == (product is not None)]
        terms = [t for t in (channel_terms(sc, team.state, to, i) for i in codes) if t]
        if not terms:
            continue
        ctx = RequestContext(
            time=st.minute / 1440.0,
            sender=team.state,
            receiver=to,
            agency=team.agency_kind,
            network=network,
            cooperating_victims=cooperating,
            available=tuple(terms),
            purpose=purpose,
        )
        dec = _sop(team).decide_request(ctx)
        if dec.action is Action.REQUEST:
            return dec.instrument
    return None
