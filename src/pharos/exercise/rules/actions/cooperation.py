"""Player actions with other agencies and the public: send and answer cross-border requests,
share with another agency of the state, answer a referral, publish a media statement."""

from __future__ import annotations

from pharos.domain.cooperation import instrument, instrument_exists, is_instrument
from pharos.domain.practitioners import PractitionerKind as K
from pharos.exercise.rules import assistance
from pharos.exercise.rules import personas as pers
from pharos.exercise.rules.actions.spec import (
    Acting,
    Action,
    Attempt,
    CaseStep,
    Form,
    kinds_text,
)
from pharos.exercise.rules.state import CrossBorderRequest, Message
from pharos.exercise.rules.world import bring, give_evidence, schedule_reply
from pharos.exercise.scenario.schema import ExerciseScenario
from pharos.exercise.words import wording as w
from pharos.exercise.words.names import Entry, Names, given, team_and_person
from pharos.i18n import _, lazy_gettext


# -- cross-border requests -----------------------------------------------------------------------
def _check_send(a: Attempt) -> str | None:
    p, st = a.p, a.st
    if a.sc.national:  # docs/exercise-format.md, "National exercises"
        return _(
            "a national exercise sends no cross-border request: what foreign partners say "
            "comes as injects"
        )
    to, inst = p.get("to_state"), p.get("instrument")
    if not is_instrument(inst):
        return _("unknown instrument %(id)s") % {"id": inst}
    if not to or not instrument_exists(a.team.state, to, inst):
        return _("this instrument does not exist between these states")
    senders = instrument(inst).senders  # data/instruments.yaml
    if a.team.agency_kind not in senders:
        return _("only these agencies may use this instrument: %(kinds)s") % {
            "kinds": kinds_text(senders)
        }
    if p.get("network") is None and p.get("persona") is None:
        return _("say which network or person the request concerns")
    if p.get("network") is not None and p["network"] not in st.networks:
        return _("unknown network %(id)s") % {"id": p["network"]}
    return None


def _receiver(sc: ExerciseScenario, to_state: str, kinds: tuple[K, ...]) -> str | None:
    """The played team that receives a request: in the other state, of a kind that may send it
    (the sender's counterpart)."""
    for t in sc.teams:
        if t.played and t.state == to_state and t.agency_kind in kinds:
            return t.id
    return None


def _send(a: Acting) -> None:
    p, m = a.p, a.minute
    inst = instrument(p["instrument"])
    req = CrossBorderRequest(
        id=f"CBR-{a.seq}",
        from_team=a.team.id,
        from_state=a.team.state,
        to_state=p["to_state"],
        instrument=inst.id,
        network=p.get("network"),
        persona=p.get("persona"),
        question=str(p.get("question", "")),
        sent_at=m,
        to_team=_receiver(a.sc, p["to_state"], inst.senders),
    )
    a.st.requests.append(req)
    a.detail["request"] = req.id
    if req.to_team is None:
        schedule_reply(a.st, a.sc, req)
    else:
        a.st.teams[req.to_team].inbox.append(
            Message(f"req-{req.id}", m, "email", a.team.name, f"{inst.id}: {req.id}", req.question)
        )


SEND_CROSS_BORDER_REQUEST = Action(
    name="send_cross_border_request",
    label=lazy_gettext("cross-border request sent"),
    sentence=lambda e, n: (
        _("%(t)s sent request %(r)s to %(s)s (%(i)s)")
        % {
            "t": n.team(e.get("team")),
            "r": given(e, "request"),
            "s": w.country(given(e, "to_state")),
            "i": w.instrument(given(e, "instrument")),
        }
    ),
    check=_check_send,
    apply=_send,
    form=Form("exercise/actions/request.html"),
    projection=CaseStep.REQUEST,
)


def _check_answer(a: Attempt) -> str | None:
    req = next((r for r in a.st.requests if r.id == a.p.get("request")), None)
    if req is None or req.to_team != a.team.id:
        return _("this request was not sent to your team")
    if req.answered_at is not None:
        return _("this request has already been answered")
    if any(e not in a.own.evidence for e in a.p.get("evidence", [])):
        return _("you can only share evidence your team holds")
    return None


def _answer(a: Acting) -> None:
    p, m = a.p, a.minute
    req = next(r for r in a.st.requests if r.id == p["request"])
    req.answered_at, req.answer = m, str(p.get("answer", ""))
    req.declined = bool(p.get("decline", False))
    req.evidence = list(p.get("evidence", []))
    for eid in req.evidence:
        give_evidence(a.st, req.from_team, eid, m)
    a.st.teams[req.from_team].inbox.append(
        Message(
            f"reply-{req.id}",
            m,
            "email",
            a.team.name,
            f"Reply to {req.id}",
            req.answer,
            list(req.evidence),
        )
    )


def _say_answer(e: Entry, n: Names) -> str:
    args = {"t": n.team(e.get("team")), "r": given(e, "request")}
    if e.get("decline"):
        return _("%(t)s declined request %(r)s") % args
    return _("%(t)s answered request %(r)s") % args


ANSWER_CROSS_BORDER_REQUEST = Action(
    name="answer_cross_border_request",
    label=lazy_gettext("cross-border request answered"),
    sentence=_say_answer,
    check=_check_answer,
    apply=_answer,
    form=Form("exercise/actions/answer_request.html"),
    projection=CaseStep.REPLY,
)


# -- sharing within the state --------------------------------------------------------------------
def _check_share(a: Attempt) -> str | None:
    other, st = a.p.get("to_team"), a.st
    if other not in st.teams or other == a.team.id:
        return _("choose another team to share with")
    if a.sc.team(other).state != a.team.state:
        return _("across borders, send a cross-border request instead")
    if any(e not in a.own.evidence for e in a.p.get("evidence", [])):
        return _("you can only share evidence your team holds")
    pid = a.p.get("persona")
    if pid is not None and (pid not in st.personas or a.team.id not in st.personas[pid].known_to):
        return _("this person is not within your team's reach")
    return None


def _share(a: Acting) -> None:
    p, st, m, other = a.p, a.st, a.minute, a.p["to_team"]
    for eid in p.get("evidence", []):
        give_evidence(st, other, eid, m)
    if p.get("persona") in st.personas:
        q = st.personas[p["persona"]]
        bring(st, q.id, other, m)
        told = q.disclosed_to.setdefault(other, [])
        told.extend(d for d in q.disclosed_to.get(a.team.id, []) if d not in told)
    a.own.shares += 1
    st.teams[other].inbox.append(
        Message(
            f"share-{a.seq}",
            m,
            "message",
            a.team.name,
            "Shared by a partner agency",
            str(p.get("note", "")),
            list(p.get("evidence", [])),
        )
    )


SHARE_WITH_TEAM = Action(
    name="share_with_team",
    label=lazy_gettext("shared with a partner agency"),
    sentence=lambda e, n: (
        _("%(t)s shared what it knows with %(o)s")
        % {"t": n.team(e.get("team")), "o": n.team(e.get("to_team"))}
    ),
    check=_check_share,
    apply=_share,
    form=Form("exercise/actions/share.html"),
)


# -- answering a referral (a played shelter, NGO or child-protection operator) -------------------
def _answer_referral(a: Acting) -> None:
    a.detail.update(assistance.answer(a.sc, a.st, a.team, a.p))


def _say_answer_referral(e: Entry, n: Names) -> str:
    """A played operator's answer to a referral."""
    args = {**team_and_person(e, n), "to": w.choice(given(e, "to")), "r": given(e, "referral")}
    known = e.get("persona") is not None
    if e.get("decision") == "accept":
        if known:
            return _("%(t)s accepted the referral of %(p)s to %(to)s") % args
        return _("%(t)s accepted referral %(r)s") % args
    if e.get("decision") == "decline":
        why = given(e, "reason")
        if e.get("ground"):
            why = f"{w.referral_ground(e['ground'])}: {why}"
        if known:
            return _("%(t)s declined the referral of %(p)s to %(to)s: %(why)s") % {
                **args,
                "why": why,
            }
        return _("%(t)s declined referral %(r)s: %(why)s") % {**args, "why": why}
    return _("%(t)s answered referral %(r)s") % args


ANSWER_REFERRAL = Action(
    name="answer_referral",
    label=lazy_gettext("referral answered"),
    sentence=_say_answer_referral,
    kinds=frozenset({K.NGO, K.SOCIAL_WELFARE}),
    check=lambda a: assistance.check_answer(a.sc, a.st, a.team, a.p),
    apply=_answer_referral,
    form=Form("exercise/actions/answer_referral.html"),
    projection=CaseStep.REFERRAL_ANSWER,
)


# -- the media -----------------------------------------------------------------------------------
def _publish(a: Acting) -> None:
    p, st, sc, m = a.p, a.st, a.sc, a.minute
    st.media.append(
        {
            "minute": m,
            "team": a.team.id,
            "text": str(p.get("text", "")),
            "network": p.get("network"),
        }
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
    # whoever lost trust may now flee
    for q in st.personas.values():
        pers.update_flight(sc.character(q.id), q, m, st.seed)


PUBLISH_MEDIA_STATEMENT = Action(
    name="publish_media_statement",
    label=lazy_gettext("media statement"),
    sentence=lambda e, n: (
        _("%(t)s published a media statement: “%(x)s”")
        % {"t": n.team(e.get("team")), "x": given(e, "text")}
    ),
    kinds=frozenset(K),
    apply=_publish,
    form=Form("exercise/actions/media.html"),
)
