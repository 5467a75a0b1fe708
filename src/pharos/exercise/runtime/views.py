"""What each person in an exercise sees: plain dictionaries for the pages and the JSON API.

A player sees only what their team has learned (its inbox, the people within its reach and what
they told the team, the documents it holds, its requests); never a persona's hidden truth. The
role player sees the persona's script and what it may disclose now; the controller sees all.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from babel.dates import format_interval

from pharos.domain import explain
from pharos.domain.cooperation import instruments_between
from pharos.domain.explain import PRESUMPTION_LABELS, dimension_label, indicator_label
from pharos.domain.geography import region_state_codes
from pharos.domain.indicators import dimensions, indicators_in
from pharos.domain.screening_types import DimensionState, Presumption
from pharos.exercise.rules import assistance, personas
from pharos.exercise.rules.actions import catalogue
from pharos.exercise.rules.actions.persons import CONCLUSIONS, screening_of
from pharos.exercise.rules.state import ExerciseState, Message, Screening, state_hash
from pharos.exercise.runtime.service import role_of
from pharos.exercise.runtime.session import ROLE_PLAYER_TRUST_STEP, ExerciseSession
from pharos.exercise.scenario.schema import ExerciseScenario, Inject, Team, day_to_minutes
from pharos.exercise.story import describe, inbox
from pharos.exercise.words import wording
from pharos.exercise.words.names import Names, clock_label
from pharos.i18n import _, current_locale, format_list, gettext


def _presumption(code: str) -> str:
    """The domain's screening presumption in words (``Presumed trafficking for …``)."""
    try:
        return gettext(PRESUMPTION_LABELS[Presumption(code)])
    except ValueError:
        return code


def _screened(x: Screening) -> str:
    """A team's screening as its workspace says it: the presumption and the conclusion drawn,
    once when they say the same ("Insufficient information", not "Insufficient information
    (insufficient information)")."""
    conclusion = wording.choice(x.conclusion)
    if not x.presumption:
        return conclusion
    presumption = _presumption(x.presumption)
    if presumption.casefold() == conclusion.casefold():
        return presumption
    return f"{presumption} ({conclusion})"


def labels() -> dict[str, str]:
    """Translated labels of the exercise's fixed choices (approaches, settings, referrals, ...)."""
    return wording.choices()


def held(s: ExerciseSession) -> str:
    """The real dates the exercise is held, as the setup wizard recorded them, in the reader's
    language (CLDR's interval: "7–9 Dec 2026"); empty when none were recorded."""
    setup = s.state.setup
    if not setup.get("held_from"):
        return ""
    start = date.fromisoformat(setup["held_from"])
    end = date.fromisoformat(setup.get("held_to") or setup["held_from"])
    return format_interval(start, end, "yMMMd", locale=current_locale())


def clock(s: ExerciseSession, st: ExerciseState | None = None) -> dict[str, Any]:
    st = st or s.state
    minute = s.now_minute() if st is s.state else st.minute
    phase = next((p for p in s.shown().clock.phases if p.id == st.phase), None)
    return {
        "label": clock_label(minute),
        "minute": minute,
        "status": st.status,
        "status_label": labels().get(st.status, st.status),
        "phase": phase.title if phase else st.phase,
        "days_per_hour": st.days_per_hour,
        "end_day": s.shown().clock.end_day,
        "seq": st.last_seq,
    }


def _evidence(sc: ExerciseScenario, ids: list[str]) -> list[dict[str, str]]:
    by_id = {e.id: e for e in sc.evidence}
    return [
        {"id": i, "title": by_id[i].title, "kind": wording.evidence_kind(by_id[i].kind)}
        for i in ids
        if i in by_id
    ]


def indicator_groups() -> list[dict[str, Any]]:
    """The ILO/EC indicators by dimension, for the screening form."""
    return [
        {
            "label": dimension_label(d.id),
            "items": [(i.id, indicator_label(i.id)) for i in indicators_in(d.id)],
        }
        for d in dimensions()
    ]


def player(s: ExerciseSession, team_id: str) -> dict[str, Any]:
    sc, st = s.shown(), s.state
    loc = inbox.local(s.scenario, sc)
    team = sc.team(team_id)
    ts = st.teams[team_id]
    return {
        "team": team,
        "team_kind": wording.agency_kind(team.agency_kind),
        "team_state": wording.country(team.state),
        "clock": clock(s),
        "inbox": [_message(sc, st, m, loc) for m in reversed(ts.inbox)],
        "reach": _reach(sc, st, team),
        "places": [{"id": p.id, "name": p.name} for p in sc.places if p.state == team.state],
        "networks": [
            {
                "id": n.id,
                "name": n.name,
                "investigating": n.id in ts.investigations,
                "financial": n.id in ts.financial_investigations,
            }
            for n in sc.networks
        ],
        "evidence": _evidence(sc, ts.evidence),
        "sent": [_request(r) for r in st.requests if r.from_team == team_id],
        "received": [_request(r) for r in st.requests if r.to_team == team_id],
        "instruments": _instruments(sc, team),
        "approaches": personas.APPROACHES,
        "settings": personas.SETTINGS,
        "conclusions": CONCLUSIONS,
        "forms": catalogue.forms(),
        "indicator_groups": indicator_groups(),
        "languages": [
            (code, wording.language(code))
            for code in sorted({lang for c in sc.personas() for lang in c.languages})
        ],
        "L": labels(),
        "partners": [t for t in sc.teams if t.state == team.state and t.id != team_id],
        "charging": _charging(s, team_id),
        "to_decide": _to_decide(s, team_id),
        "shelter": assistance.shelter_places(sc, st, team.state),
        "child_grounds": [(g, wording.referral_ground(g)) for g in assistance.CHILD_GROUNDS],
        "history": history(s, team_id),
    }


#: how many of its own actions a team's page lists, newest first
HISTORY = 30


def history(s: ExerciseSession, team_id: str) -> list[dict[str, str]]:
    """What the team did itself, newest first, in the words of the controller's timeline."""
    sc, st = s.shown(), s.state
    names = describe.names(sc, st)
    own = [e for e in st.timeline if e.get("team") == team_id and e["what"] in catalogue.BY_NAME]
    return [
        {"when": clock_label(e["minute"]), "text": describe.describe(e, names)}
        for e in reversed(own[-HISTORY:])
    ]


def last_own_action(s: ExerciseSession, team_id: str, action: str) -> int | None:
    """Where on the timeline the team's latest ``action`` is (just accepted), if it is."""
    for i in range(len(s.state.timeline) - 1, -1, -1):
        e = s.state.timeline[i]
        if e.get("team") == team_id and e["what"] == action:
            return i
    return None


def own_action(s: ExerciseSession, team_id: str, index: int) -> str | None:
    """The confirmation of the team's own action at ``index`` of the timeline: "Done: ..."."""
    st = s.state
    if not 0 <= index < len(st.timeline) or st.timeline[index].get("team") != team_id:
        return None
    e = st.timeline[index]
    if e["what"] not in catalogue.BY_NAME:
        return None
    text = describe.describe(e, describe.names(s.shown(), st))
    return _("Done: %(what)s") % {"what": text}


def _reach(sc: ExerciseScenario, st: ExerciseState, team: Team) -> list[dict[str, Any]]:
    """The people the team knows of: what they told it, its screenings, where they stand."""
    ladder = {d.id: d for c in sc.personas() for d in c.ladder}
    team_id = team.id
    reach = []
    for p in st.personas.values():
        if team_id not in p.known_to:
            continue
        c = sc.character(p.id)
        reach.append(
            {
                "id": p.id,
                "name": c.name,
                "age": c.age,
                "gender": c.gender,
                "nationality": wording.country(c.nationality),
                "place": sc.place(p.place).name,
                "in_state": p.state == team.state,
                "status": p.status,
                "said": [ladder[d].text for d in p.disclosed_to.get(team_id, [])],
                "screened": [_screened(x) for x in p.screenings if x.team == team_id],
                "missing": _missing(sc, p.id, [x for x in p.screenings if x.team == team_id]),
                "case": team_id in p.cases,
                "identified": p.identified_at is not None,
                "referred": p.referred_at is not None,
                "protected": p.protected,
                "interviews": sum(1 for i in p.interviews if i["team"] == team_id),
            }
        )
    return reach


def _missing(sc: ExerciseScenario, persona: str, screenings: list[Any]) -> list[str]:
    """What the team's latest screening of the person still lacks, in the screening rule's own
    words (``pharos.domain.explain.dimension_reason``, as on the screening result page): each
    dimension not yet positive and what it needs; nothing once trafficking is presumed."""
    if not screenings:
        return []
    scr = screening_of(sc, persona, screenings[-1].indicators)
    if scr.presumption.is_trafficking:
        return []
    needs = [
        explain.requirement_reason(r)
        for r in scr.requirements
        if r.state is not DimensionState.POSITIVE
    ]
    return needs + [
        explain.dimension_reason(d) for d in scr.dimensions if d.state is DimensionState.OPEN
    ]


def _instruments(sc: ExerciseScenario, team: Team) -> list[dict[str, str]]:
    """The cross-border requests the team may send: each state of the region and instrument
    that exists between the two states and that the team's agency may use; none in a national
    exercise (its foreign partners speak through injects: ``cooperation._check_send``)."""
    if sc.national:
        return []
    states = [x for x in region_state_codes() if x != team.state]
    return [
        {
            "state": x,
            "state_name": wording.country(x),
            "instrument": i.instrument,
            "instrument_name": wording.instrument(i.instrument),
            "channel": wording.instrument_channel(i.channel),
        }
        for x in states
        for i in instruments_between(team.state, x)
        if i.spec.may_send(team.agency_kind)
    ]


def _to_decide(s: ExerciseSession, team_id: str) -> list[dict[str, Any]]:
    """The referrals awaiting this (operator) team's answer."""
    sc, st = s.shown(), s.state  # names in the reader's language
    out = []
    for r in assistance.pending_for(st, team_id):
        c = sc.character(r.persona)
        out.append(
            {
                "id": r.id,
                "persona": r.persona,
                "name": c.name,
                "to": wording.choice(r.to),
                "from": sc.team(r.from_team).name,
                "since": clock_label(r.made_at),
                # an unaccompanied child referred to child protection: declined only on a ground
                "child": wording.group("unaccompanied_children")
                if r.to == "child_protection" and assistance.unaccompanied_child(c)
                else "",
            }
        )
    return out


def _message(
    sc: ExerciseScenario, st: ExerciseState, m: Message, loc: inbox.Local
) -> dict[str, Any]:
    text = inbox.shown(m, st.requests, loc)
    return {
        "minute": clock_label(m.minute),
        "channel": wording.channel(m.channel),
        "sender": text.sender,
        "title": text.title,
        "body": text.body,
        "evidence": _evidence(sc, m.evidence),
    }


def _charging(s: ExerciseSession, team_id: str) -> list[dict[str, Any]]:
    """The charging decisions this (prosecutor) team owes, one per network."""
    st, team = s.state, s.scenario.team(team_id)
    out = []
    for n in s.shown().networks:
        ch = st.networks[n.id].charges.get(team.state)
        if ch is not None and ch.status == "pending" and ch.prosecutor == team_id:
            out.append({"network": n.id, "name": n.name, "since": clock_label(ch.opened_at)})
    return out


def _request(r: Any) -> dict[str, Any]:
    return {
        "id": r.id,
        "from_state": wording.country(r.from_state),
        "to_state": wording.country(r.to_state),
        "instrument": wording.instrument(r.instrument),
        "network": r.network,
        "question": r.question,
        "sent": clock_label(r.sent_at),
        "answered": clock_label(r.answered_at) if r.answered_at is not None else None,
        "answer": wording.answer(r.answer) if r.answer is not None else None,
        "declined": r.declined,
        "days": round((r.answered_at - r.sent_at) / 1440, 2) if r.answered_at is not None else None,
    }


def controller(s: ExerciseSession, st: ExerciseState | None = None) -> dict[str, Any]:
    sc = s.shown()
    st = st or s.state
    names = describe.names(sc, st)
    deck = [
        {
            "id": i.id,
            "title": i.title,
            "to": i.to,
            "channel": wording.channel(i.channel.value),
            "released": i.id in st.released_injects,
            "when": _when(i, names),
        }
        for i in sc.injects
    ]
    timeline = [
        {
            "when": clock_label(e["minute"]),
            "text": describe.describe(e, names),
            "team": names.teams.get(e.get("team") or "", ""),
        }
        for e in reversed(st.timeline[-60:])
    ]
    return {
        "clock": clock(s, st),
        "teams": [_team_row(sc, st, t) for t in sc.teams],
        "people": [_person_row(sc, st, p.id) for p in st.personas.values()],
        "deck": deck,
        "timeline": timeline,
        "notes": list(reversed(st.notes)),
        "hotwash": st.hotwash,
        "assignments": [
            {
                "username": a.get("username", ""),
                "role": wording.role(a.get("role")),
                "of": names.person(a["persona"])
                if a.get("persona")
                else (names.team(a["team"]) if a.get("team") else ""),
            }
            for a in st.assignments
        ],
        "directors": list(st.directors),
        "created_by": st.created_by,
        "objectives": [(o.id.value, o.title) for o in sc.objectives],
        "hash": state_hash(st),
        "wellbeing": [
            {**x, "name": names.person(x.get("persona"))} for x in reversed(st.wellbeing)
        ],
        "requests": [_request(r) for r in st.requests],
        "L": labels(),
    }


def _team_row(sc: ExerciseScenario, st: ExerciseState, t: Team) -> dict[str, Any]:
    """A team in the controller's table: who, its work so far, what it did last."""
    ts = st.teams[t.id]
    return {
        "id": t.id,
        "name": t.name,
        "state": t.state,
        "state_name": wording.country(t.state),
        "kind": wording.agency_kind(t.agency_kind),
        "played": t.played,
        "inbox": len(ts.inbox),
        "actions": ts.actions,
        "evidence": len(ts.evidence),
        "reach": sum(1 for p in st.personas.values() if t.id in p.known_to),
        "last": next(
            (
                describe.kind_label(e["what"])
                for e in reversed(st.timeline)
                if e.get("team") == t.id
            ),
            None,
        ),
    }


def _person_row(sc: ExerciseScenario, st: ExerciseState, pid: str) -> dict[str, Any]:
    """A persona in the controller's table: where, trust, what it disclosed, protection."""
    p, c = st.personas[pid], sc.character(pid)
    return {
        "id": p.id,
        "name": c.name,
        "groups": [wording.group(g) for g in c.groups],
        "place": sc.place(p.place).name,
        "trust": p.trust,
        "status": p.status,
        "status_label": wording.persona_status(p.status),
        "disclosed": len(p.disclosed),
        "ladder": len(c.ladder),
        "identified": p.identified_at is not None,
        "protected": p.protected,
        "flight_due": clock_label(p.flight_due) if p.flight_due is not None else None,
    }


def _when(i: Inject, names: Names) -> str:
    """When an inject of the deck goes out: at an exercise time, on a trigger, or by hand."""
    if i.deck:
        return _("released by control")
    if i.at_day is not None:
        return clock_label(day_to_minutes(i.at_day))
    if i.trigger is None:
        return ""
    subject = i.trigger.subject
    shown = {
        "phase": names.phases,
        "site_inspected": names.places,
        "request_answered": {},
    }.get(i.trigger.when.value, names.people)
    if i.trigger.when.value == "request_answered":
        return wording.trigger(i.trigger.when, wording.country(subject))
    return wording.trigger(i.trigger.when, shown.get(subject, subject))


def role_player(s: ExerciseSession, persona_id: str) -> dict[str, Any]:
    sc, st = s.shown(), s.state
    c = sc.character(persona_id)
    p = st.personas[persona_id]
    view = personas.knows_now(c, p)
    last_check = next((w for w in reversed(st.wellbeing) if w.get("persona") == persona_id), None)
    minutes_since = None if last_check is None else s.now_minute() - last_check["minute"]
    return {
        "clock": clock(s),
        "character": c,
        "persona": p,
        "place": sc.place(p.place).name,
        "nationality": wording.country(c.nationality),
        "languages": [wording.language(x) for x in c.languages],
        "said": view["said"],
        "may": view["may_disclose"],
        "held": view["held_back"],
        "interviews": list(reversed(p.interviews[-10:])),
        "trust_history": [
            {**h, "reason_label": wording.trust_reason(h.get("reason"))}
            for h in reversed(p.trust_history[-12:])
        ],
        "flight_due": clock_label(p.flight_due) if p.flight_due is not None else None,
        "threshold": c.trust_rules.flight_threshold,
        # prompt a check every exercise day, and after any interview that lowered trust
        "wellbeing_due": last_check is None
        or (minutes_since or 0) >= day_to_minutes(1)
        or any(h["to"] < h["from"] for h in p.trust_history[-3:]),
        "last_check": last_check,
        # the teams the character has met: those the role player may speak to
        "met": [(t, sc.team(t).name) for t in p.contacted],
        "trust_step": ROLE_PLAYER_TRUST_STEP,
    }


def roster(s: ExerciseSession, people: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Everyone with a part in the exercise, by the same rule that lets them in
    (``service.role_of``): the control team, the players (assigned, or of a played team's state
    and agency kind), the role players and the observers, each with their team or persona.
    ``people``: the active accounts (username, state, kind, admin, agency)."""
    sc, st = s.shown(), s.state
    names = describe.names(sc, st)
    assigned = {a["username"]: a for a in st.assignments}
    rows = []
    for u in people:
        r = role_of(s, u["username"], u["state"], u["kind"], u["admin"])
        if not r.any:
            continue
        if r.controller:
            role = (
                _("Director (created the exercise)")
                if u["username"] == st.created_by
                else wording.role("director")
            )
            of = ""
        elif r.lead_evaluator:
            role, of = wording.role("lead_evaluator"), ""
        elif r.personas:
            role = wording.role("role_player")
            of = format_list(names.person(p) for p in r.personas)
        elif r.team is not None:
            role = _("Follows as national coordinator") if r.spectator else wording.role("player")
            of = names.team(r.team)
        else:
            role, of = wording.role("observer"), ""
        rows.append(
            {
                "username": u["username"],
                "name": u.get("name") or u["username"],
                "agency": u["agency"],
                "role": role,
                "of": of,
                "assigned": u["username"] in assigned
                or (u["username"] in st.directors and u["username"] != st.created_by),
            }
        )
    return rows
