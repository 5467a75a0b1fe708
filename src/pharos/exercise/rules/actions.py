"""What players may do, who may do it, and what it changes.

``check`` says why an action is refused (or ``None``); ``apply`` changes the state. Who may
identify a victim, grant a recovery and reflection period or open an investigation follows the
state's powers in ``pharos.domain.practitioners`` (so a labour inspector in Italy must refer for
identification, as the law there requires); only a prosecutor decides on charges
(``decide_charges``, see ``pharos.exercise.rules.charging``).
"""

from __future__ import annotations

from typing import Any

from pharos.domain.cooperation import Instrument, instrument_exists
from pharos.domain.practitioners import PractitionerKind as K
from pharos.domain.practitioners import state_powers
from pharos.domain.screening import Observation, Person, screen
from pharos.exercise.rules import agencies, assistance, charging
from pharos.exercise.rules import personas as pers
from pharos.exercise.rules.personas import Interview
from pharos.exercise.rules.played import played_team
from pharos.exercise.rules.state import CrossBorderRequest, ExerciseState, Message, Screening
from pharos.exercise.rules.world import arrest, bring, give_evidence, position, schedule_reply
from pharos.exercise.scenario.schema import ExerciseScenario, Team, day_to_minutes
from pharos.i18n import _

SHELTER_OPS = agencies.SHELTER_OPERATORS
CONCLUSIONS = ("possible_victim", "not_a_victim", "insufficient_information")
#: what a person may consent to, recorded with a case action (carried into the case files)
CONSENTS = ("services", "other_orgs", "cross_border")
REFERRALS = (
    "competent_authority",
    "shelter",
    "ngo_assistance",
    "child_protection",
    "health",
    "legal_aid",
)
ACTION_TYPES = (
    "screen",
    "open_case",
    "identify",
    "refer",
    "grant_recovery_period",
    "open_investigation",
    "request_financial_investigation",
    "send_cross_border_request",
    "answer_cross_border_request",
    "interview",
    "inspect_site",
    "search_and_arrest",
    "register_asylum_claim",
    "give_legal_advice",
    "publish_media_statement",
    "share_with_team",
    "decide_charges",
    "answer_referral",
)
PERSONA_ACTIONS = {
    "screen",
    "open_case",
    "identify",
    "refer",
    "grant_recovery_period",
    "interview",
    "register_asylum_claim",
    "give_legal_advice",
}
INSTRUMENT_KINDS: dict[str, set[K]] = {
    Instrument.POLICE_INFORMATION_EXCHANGE: {
        K.LAW_ENFORCEMENT,
        K.BORDER_GUARD,
        K.FINANCIAL_INVESTIGATOR,
    },
    Instrument.MUTUAL_LEGAL_ASSISTANCE: {K.PUBLIC_PROSECUTOR},
    Instrument.EUROPEAN_INVESTIGATION_ORDER: {K.PUBLIC_PROSECUTOR},
    Instrument.JOINT_INVESTIGATION_TEAM: {K.PUBLIC_PROSECUTOR, K.LAW_ENFORCEMENT},
    Instrument.FAMILY_SAFETY_CHECK: {
        K.SOCIAL_WELFARE,
        K.NGO,
        K.MIGRATION_ASYLUM,
        K.INTERNATIONAL_ORGANISATION,
    },
    Instrument.PRE_RETURN_RISK_ASSESSMENT: {
        K.SOCIAL_WELFARE,
        K.NGO,
        K.MIGRATION_ASYLUM,
        K.INTERNATIONAL_ORGANISATION,
    },
    Instrument.RETURN_AND_RECEPTION: {
        K.SOCIAL_WELFARE,
        K.MIGRATION_ASYLUM,
        K.INTERNATIONAL_ORGANISATION,
    },
}
KINDS: dict[str, set[K]] = {
    "inspect_site": {K.LABOUR_INSPECTOR, K.LAW_ENFORCEMENT, K.BORDER_GUARD},
    "search_and_arrest": {K.LAW_ENFORCEMENT, K.BORDER_GUARD},
    "request_financial_investigation": {
        K.LAW_ENFORCEMENT,
        K.PUBLIC_PROSECUTOR,
        K.FINANCIAL_INVESTIGATOR,
    },
    "register_asylum_claim": {K.MIGRATION_ASYLUM},
    "give_legal_advice": {K.LAWYER, K.NGO},
    "decide_charges": {K.PUBLIC_PROSECUTOR},
    "answer_referral": {K.NGO, K.SOCIAL_WELFARE},
}


#: the fields whose value is a list of texts; every other field holds one value
LIST_FIELDS = ("indicators", "evidence", "consent")


def _shape(p: dict[str, Any]) -> str | None:
    """Why a field of the action has the wrong shape (a list or an object where one value
    belongs: a repeated form field, a JSON client), or ``None``. Checked before anything else:
    every later check and the fold take one value as a key."""
    for key, value in p.items():
        if key in LIST_FIELDS:
            if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
                return _("%(field)s must be a list of texts") % {"field": key}
        elif value is not None and not isinstance(value, (str, int, float, bool)):
            return _("%(field)s must be one value, not a list or an object") % {"field": key}
    return None


def _kind_label(kinds: set[K] | tuple[K, ...]) -> str:
    return ", ".join(sorted(k.value for k in kinds))


def check(sc: ExerciseScenario, st: ExerciseState, team: Team, p: dict[str, Any]) -> str | None:
    """Why this action cannot be taken now, or ``None`` when it can."""
    typ = p.get("type")
    if typ not in ACTION_TYPES:
        return _("unknown action %(type)s") % {"type": typ}
    shape = _shape(p)
    if shape is not None:
        return shape
    if st.status != "running":
        return _("the exercise is not running")
    if not team.played:
        return _("this team is simulated by the engine")
    if team.agency_kind == K.JOURNALIST and typ != "publish_media_statement":
        return _("journalists may only publish media statements")
    if typ in KINDS and team.agency_kind not in KINDS[typ]:
        return _("only these agencies may do this: %(kinds)s") % {"kinds": _kind_label(KINDS[typ])}
    powers = state_powers(team.state)
    if typ in PERSONA_ACTIONS:
        pid = p.get("persona")
        if pid not in st.personas:
            return _("unknown persona %(id)s") % {"id": pid}
        ps = st.personas[pid]
        if ps.status == "fled":
            return _("this person has left and cannot be reached")
        if team.id not in ps.known_to or ps.state != team.state:
            return _("this person is not within your team's reach")
        given = p.get("consent", [])
        if not isinstance(given, list) or any(x not in CONSENTS for x in given):
            return _("consent is given to one or more of: %(list)s") % {"list": ", ".join(CONSENTS)}
        if typ == "screen":
            if p.get("conclusion") not in (None, *CONCLUSIONS):
                return _("choose a conclusion: %(list)s") % {"list": ", ".join(CONCLUSIONS)}
            try:
                presume(sc, pid, p.get("indicators", []))
            except (ValueError, KeyError) as exc:
                return str(exc)
        if typ == "identify" and not powers.may_identify(team.agency_kind):
            return _("in this state only these may formally identify a victim: %(kinds)s") % {
                "kinds": _kind_label(powers.formal_identification.kinds)
            }
        if typ == "refer":
            if p.get("to") not in REFERRALS:
                return _("choose where to refer: %(list)s") % {"list": ", ".join(REFERRALS)}
            if p["to"] == "child_protection" and sc.character(pid).age >= 18:
                return _("child protection is for children")
            if st.referrals_decided:
                refused = assistance.check_refer(st, pid, p["to"])
                if refused:
                    return refused
        if typ == "grant_recovery_period":
            if team.agency_kind not in powers.recovery_and_reflection.granted_by:
                return _("in this state only these may grant the period: %(kinds)s") % {
                    "kinds": _kind_label(powers.recovery_and_reflection.granted_by)
                }
            if not any(s.conclusion == "possible_victim" for s in ps.screenings):
                return _("a recovery and reflection period needs reasonable grounds: screen first")
        if typ == "interview":
            if p.get("approach") not in pers.APPROACHES:
                return _("choose an approach: %(list)s") % {"list": ", ".join(pers.APPROACHES)}
            if p.get("setting") not in pers.SETTINGS:
                return _("choose a setting: %(list)s") % {"list": ", ".join(pers.SETTINGS)}
    if typ in ("open_investigation", "request_financial_investigation"):
        if p.get("network") not in st.networks:
            return _("unknown network %(id)s") % {"id": p.get("network")}
        if typ == "open_investigation" and team.agency_kind not in powers.opens_investigation.kinds:
            return _("in this state only these may open an investigation: %(kinds)s") % {
                "kinds": _kind_label(powers.opens_investigation.kinds)
            }
    if typ in ("inspect_site", "search_and_arrest"):
        pl = p.get("place")
        if pl not in {x.id for x in sc.places}:
            return _("unknown place %(id)s") % {"id": pl}
        if sc.place(pl).state != team.state:
            return _("this place is outside your state")
        if typ == "search_and_arrest" and not _investigated_here(sc, st, team, pl):
            return _("a search needs an open investigation into a network active at this place")
    if typ == "send_cross_border_request":
        to, inst = p.get("to_state"), p.get("instrument")
        if inst not in {i.value for i in Instrument}:
            return _("unknown instrument %(id)s") % {"id": inst}
        if not to or not instrument_exists(team.state, to, Instrument(inst)):
            return _("this instrument does not exist between these states")
        if team.agency_kind not in INSTRUMENT_KINDS[Instrument(inst)]:
            return _("only these agencies may use this instrument: %(kinds)s") % {
                "kinds": _kind_label(INSTRUMENT_KINDS[Instrument(inst)])
            }
        if p.get("network") is None and p.get("persona") is None:
            return _("say which network or person the request concerns")
        if p.get("network") is not None and p["network"] not in st.networks:
            return _("unknown network %(id)s") % {"id": p["network"]}
    if typ == "share_with_team":
        other = p.get("to_team")
        if other not in st.teams or other == team.id:
            return _("choose another team to share with")
        if sc.team(other).state != team.state:
            return _("across borders, send a cross-border request instead")
        if any(e not in st.teams[team.id].evidence for e in p.get("evidence", [])):
            return _("you can only share evidence your team holds")
        pid = p.get("persona")
        if pid is not None and (pid not in st.personas or team.id not in st.personas[pid].known_to):
            return _("this person is not within your team's reach")
    if typ == "decide_charges":
        if p.get("network") not in st.networks:
            return _("unknown network %(id)s") % {"id": p.get("network")}
        if not charging.pending_for_team(st, team.id, team.state, p["network"]):
            return _("no charging decision on this network is pending in your state")
        if p.get("decision") not in charging.OUTCOMES:
            return _("choose a decision: %(list)s") % {"list": ", ".join(charging.OUTCOMES)}
        if not str(p.get("reason", "")).strip():
            return _("give the reason for the decision")
    if typ == "answer_cross_border_request":
        req = next((r for r in st.requests if r.id == p.get("request")), None)
        if req is None or req.to_team != team.id:
            return _("this request was not sent to your team")
        if req.answered_at is not None:
            return _("this request has already been answered")
        if any(e not in st.teams[team.id].evidence for e in p.get("evidence", [])):
            return _("you can only share evidence your team holds")
    if typ == "answer_referral":
        return assistance.check_answer(sc, st, team, p)
    return None


CONCLUSION_OF = {
    "not_established": "not_a_victim",
    "insufficient_information": "insufficient_information",
}


def presume(sc: ExerciseScenario, persona: str, indicators: list[str]) -> str:
    """The domain's screening presumption for what a team observed about a persona."""
    c = sc.character(persona)
    person = Person(age=c.age, unaccompanied="unaccompanied_children" in c.groups)
    return screen([Observation(i) for i in sorted(set(indicators))], person).presumption.value


def _investigated_here(sc: ExerciseScenario, st: ExerciseState, team: Team, place: str) -> bool:
    ts = st.teams[team.id]
    for n in sc.networks:
        if n.id in ts.investigations and any(position(st, sc, m) == place for m in n.members):
            return True
    return False


def _receiver(sc: ExerciseScenario, to_state: str, kinds: set[K]) -> str | None:
    for t in sc.teams:
        if t.played and t.state == to_state and t.agency_kind in kinds:
            return t.id
    return None


def apply(sc: ExerciseScenario, st: ExerciseState, team: Team, p: dict[str, Any], seq: int) -> None:
    """Apply an accepted action at ``st.minute``. ``seq`` names what it creates."""
    m, typ, tid = st.minute, p["type"], team.id
    ts = st.teams[tid]
    ts.actions += 1
    pid = p.get("persona")
    ps = st.personas.get(pid) if pid else None
    if ps is not None and typ in PERSONA_ACTIONS:
        ps.contacted.setdefault(tid, m)
    c = sc.character(str(pid)) if ps is not None else None
    detail: dict[str, Any] = {k: v for k, v in p.items() if k not in ("type",)}
    if typ == "screen" and ps:
        indicators = sorted(set(p.get("indicators", [])))
        presumption = presume(sc, ps.id, indicators)
        conclusion = p.get("conclusion") or CONCLUSION_OF.get(presumption, "possible_victim")
        ps.screenings.append(Screening(tid, m, indicators, conclusion, presumption))
        detail["presumption"] = presumption
        detail["conclusion"] = conclusion
    elif typ == "open_case" and ps:
        ps.cases.setdefault(tid, m)
    elif typ == "identify" and ps:
        if ps.identified_at is None:
            ps.identified_at, ps.identified_by = m, tid
    elif typ == "refer" and ps and c:
        ps.referrals.append({"minute": m, "team": tid, "to": p["to"]})
        if p["to"] == "competent_authority":
            # the competent body's policy: people (its inbox) or the engine's SOP (a decision)
            receiver = played_team(sc, ps.state, state_powers(ps.state).formal_identification.kinds)
            if receiver is not None:
                bring(st, ps.id, receiver.id, m)
                st.teams[receiver.id].inbox.append(
                    Message(
                        f"ref-{seq}",
                        m,
                        "message",
                        team.name,
                        "Referral for identification",
                        f"{c.name} ({ps.id})",
                    )
                )
            elif ps.pending_identification is None and ps.identified_at is None:
                lo, hi = sc.world.identification_delay_days
                delay = pers.rng(st.seed, "identification", ps.id, seq).uniform(lo, hi)
                ps.pending_identification = m + max(1, day_to_minutes(delay))
        elif p["to"] == "shelter" and played_team(sc, ps.state, SHELTER_OPS) is None:
            # nobody plays the shelter operator: its policy decides on a finite number of places
            if ps.referred_at is None:
                ps.referred_at = m
            if not ps.sheltered and ps.pending_shelter is None:
                ps.pending_shelter = m
                ps.shelter_by = SHELTER_OPS[0].value
                ps.shelter_referrer = tid
        else:
            if ps.referred_at is None:
                ps.referred_at = m
            to = p["to"]
            operator = assistance.receiver(sc, ps.state, to) if st.referrals_decided else None
            if operator is not None and operator.id != tid:
                # a played operator decides (answer_referral): nothing is granted yet
                detail["referral"] = assistance.refer(sc, st, team, ps, to, operator, seq).id
            elif to in assistance.SERVICES:
                assistance.inform_operators(sc, st, team, ps, to, seq)
                assistance.grant(sc, st, ps, to)
    elif typ == "grant_recovery_period" and ps and c:
        if ps.rrp_granted_at is None:
            days = state_powers(team.state).recovery_and_reflection.days
            ps.rrp_granted_at, ps.rrp_until = m, m + days * 1440
            pers.set_trust(ps, m, ps.trust + c.trust_rules.protection_granted, "protection_granted")
    elif typ == "open_investigation":
        ts.investigations.setdefault(p["network"], m)
    elif typ == "request_financial_investigation":
        ts.financial_investigations.setdefault(p["network"], m)
        net = next(n for n in sc.networks if n.id == p["network"])
        for e in sc.evidence:
            if e.financial and e.held_in == team.state and e.storyline in net.storylines:
                give_evidence(st, tid, e.id, m)
    elif typ == "send_cross_border_request":
        inst = Instrument(p["instrument"])
        req = CrossBorderRequest(
            id=f"CBR-{seq}",
            from_team=tid,
            from_state=team.state,
            to_state=p["to_state"],
            instrument=inst.value,
            network=p.get("network"),
            persona=p.get("persona"),
            question=str(p.get("question", "")),
            sent_at=m,
            to_team=_receiver(sc, p["to_state"], INSTRUMENT_KINDS[inst]),
        )
        st.requests.append(req)
        detail["request"] = req.id
        if req.to_team is None:
            schedule_reply(st, sc, req)
        else:
            st.teams[req.to_team].inbox.append(
                Message(
                    f"req-{req.id}", m, "email", team.name, f"{inst.value}: {req.id}", req.question
                )
            )
    elif typ == "answer_cross_border_request":
        req = next(r for r in st.requests if r.id == p["request"])
        req.answered_at, req.answer = m, str(p.get("answer", ""))
        req.declined = bool(p.get("decline", False))
        req.evidence = list(p.get("evidence", []))
        for eid in req.evidence:
            give_evidence(st, req.from_team, eid, m)
        st.teams[req.from_team].inbox.append(
            Message(
                f"reply-{req.id}",
                m,
                "email",
                team.name,
                f"Reply to {req.id}",
                req.answer,
                list(req.evidence),
            )
        )
    elif typ == "decide_charges":
        charging.decide_by_team(sc, st, tid, team.state, p)
    elif typ == "answer_referral":
        detail.update(assistance.answer(sc, st, team, p))
    elif typ == "interview" and ps and c:
        exploiter = bool(p.get("exploiter_present")) or (
            p["setting"] == "where_found" and _exploiter_at(sc, st, ps.place)
        )
        safe = (
            p["setting"] == "shelter"
            or (p["setting"] == "office" and team.agency_kind.value in pers.SAFE_KINDS)
            or (p["setting"] == "where_found" and sc.place(ps.place).safe)
        )
        iv = Interview(
            tid,
            str(p.get("interviewer", tid)),
            p["approach"],
            p.get("interpreter") or None,
            p["setting"],
            bool(p.get("threats")),
            exploiter,
        )
        effects, new = pers.interview(c, ps, team, iv, safe, m)
        detail["trust_after"] = ps.trust
        detail["effects"] = effects
        detail["disclosed"] = [d.id for d in new]
        for rung in new:
            ts.statements.append({"persona": ps.id, "disclosure": rung.id, "minute": m})
            st.log(m, "persona_disclosed", tid, persona=ps.id, disclosure=rung.id)
    elif typ in ("inspect_site", "search_and_arrest"):
        place = sc.place(p["place"])
        found = (
            place.evidence_on_inspection
            if typ == "inspect_site"
            else (place.evidence_on_inspection + place.evidence_on_search)
        )
        for eid in found:
            give_evidence(st, tid, eid, m)
        if typ == "inspect_site" and place.id not in ts.inspected:
            ts.inspected.append(place.id)
        for q in st.personas.values():
            if q.place == place.id and q.status != "fled":
                bring(st, q.id, tid, m)
                q.contacted.setdefault(tid, m)
        if typ == "search_and_arrest":
            for ch in sc.characters:
                if ch.network and position(st, sc, ch.id) == place.id:
                    arrest(st, sc, ch.id, team.state, m, tid)
    elif typ == "register_asylum_claim" and ps:
        ps.asylum_registered_at = ps.asylum_registered_at or m
    elif typ == "give_legal_advice" and ps:
        ps.legal_advice_at = ps.legal_advice_at or m
    elif typ == "share_with_team":
        other = p["to_team"]
        for eid in p.get("evidence", []):
            give_evidence(st, other, eid, m)
        if pid in st.personas:
            q = st.personas[pid]
            bring(st, q.id, other, m)
            told = q.disclosed_to.setdefault(other, [])
            told.extend(d for d in q.disclosed_to.get(tid, []) if d not in told)
        ts.shares += 1
        st.teams[other].inbox.append(
            Message(
                f"share-{seq}",
                m,
                "message",
                team.name,
                "Shared by a partner agency",
                str(p.get("note", "")),
                list(p.get("evidence", [])),
            )
        )
    elif typ == "publish_media_statement":
        st.media.append(
            {"minute": m, "team": tid, "text": str(p.get("text", "")), "network": p.get("network")}
        )
        net_id = p.get("network")
        if net_id in st.networks and not st.networks[net_id].arrests:
            st.networks[net_id].tipped_off_at = m
            net = next(n for n in sc.networks if n.id == net_id)
            for q in st.personas.values():
                ch = sc.character(q.id)
                if ch.storyline in net.storylines and q.status != "fled" and not q.protected:
                    pers.set_trust(
                        q,
                        m,
                        q.trust + ch.trust_rules.suspected_exploiter_present // 2,
                        "network_tipped_off",
                    )
    if ps is not None and c is not None:
        pers.update_flight(c, ps, m, st.seed)
    if typ == "publish_media_statement":
        for q in st.personas.values():
            pers.update_flight(sc.character(q.id), q, m, st.seed)
    st.log(m, typ, tid, **detail)


def _exploiter_at(sc: ExerciseScenario, st: ExerciseState, place: str) -> bool:
    return any(
        ch.network and ch.id not in st.arrested and position(st, sc, ch.id) == place
        for ch in sc.characters
    )
