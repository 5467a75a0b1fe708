"""One sentence per thing that happened in an exercise, in the reader's language.

``describe(entry, names)`` turns an entry of the exercise's timeline (``{"what": "interview",
"team": "ita-police", "persona": "karim", ...}``) into "Italian police (Catania) interviewed
Karim A. (trauma-informed, interpreter in Arabic, our office): trust 60". ``describe_event``
does the same for a stored :class:`~pharos.exercise.events.Event`. Every kind of timeline entry,
every :class:`~pharos.exercise.events.EventKind` and every player action type has a sentence
(``SENTENCES``; a test enumerates them). Ids are shown by the scenario's names; a field missing
from an entry shows as "—", an unknown field is ignored, and an unknown kind still gets a
sentence ("Event: ..."), so an old or odd log never breaks a page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pharos.exercise.rules.events import Event, EventKind
from pharos.exercise.rules.state import ExerciseState
from pharos.exercise.scenario.schema import ExerciseScenario
from pharos.exercise.words import wording as w
from pharos.i18n import _

MISSING = "—"


@dataclass(frozen=True)
class Names:
    """How to show the scenario's ids: teams, characters, networks, places, injects, phases,
    disclosures, objectives; and the requests of the state (``id -> (to_state, instrument)``)."""

    teams: Mapping[str, str] = field(default_factory=dict)
    people: Mapping[str, str] = field(default_factory=dict)
    networks: Mapping[str, str] = field(default_factory=dict)
    places: Mapping[str, str] = field(default_factory=dict)
    injects: Mapping[str, str] = field(default_factory=dict)
    phases: Mapping[str, str] = field(default_factory=dict)
    disclosures: Mapping[str, str] = field(default_factory=dict)
    objectives: Mapping[str, str] = field(default_factory=dict)
    requests: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    def team(self, key: object) -> str:
        return _name(self.teams, key)

    def person(self, key: object) -> str:
        return _name(self.people, key)

    def network(self, key: object) -> str:
        return _name(self.networks, key)

    def place(self, key: object) -> str:
        return _name(self.places, key)

    def teams_list(self, keys: object) -> str:
        if isinstance(keys, str):
            keys = [keys]
        if not isinstance(keys, Iterable):
            return MISSING
        return ", ".join(self.team(k) for k in keys) or MISSING

    def by(self, who: object) -> str:
        """Who did it: a team, the engine (``simulated:EGY``, ``engine:Policy``) or a user."""
        s = "" if who is None else str(who)
        if s.startswith("simulated:"):
            return _("the engine (%(s)s)") % {"s": w.country(s.removeprefix("simulated:"))}
        if s == "engine" or s.startswith("engine:"):
            return _("the engine")
        return self.teams.get(s, s) or MISSING


def _name(table: Mapping[str, str], key: object) -> str:
    if key is None or key == "":
        return MISSING
    return table.get(str(key), str(key))


def names(sc: ExerciseScenario, st: ExerciseState | None = None) -> Names:
    """The names of ``sc``'s ids (and of ``st``'s requests)."""
    return Names(
        teams={t.id: t.name for t in sc.teams},
        people={c.id: c.name for c in sc.characters},
        networks={n.id: n.name for n in sc.networks},
        places={p.id: p.name for p in sc.places},
        injects={i.id: i.title for i in sc.injects},
        phases={p.id: p.title for p in sc.clock.phases},
        disclosures={d.id: d.text for c in sc.personas() for d in c.ladder},
        objectives={o.id.value: o.title for o in sc.objectives},
        requests={r.id: (r.to_state, r.instrument) for r in st.requests} if st else {},
    )


Entry = Mapping[str, Any]
Sentence = Callable[[Entry, Names], str]


def _g(e: Entry, key: str) -> str:
    v = e.get(key)
    return MISSING if v is None or v == "" else str(v)


def _by(e: Entry, n: Names) -> dict[str, str]:
    return {"by": _g(e, "by")}


def _persona(e: Entry, n: Names) -> dict[str, str]:
    return {"p": n.person(e.get("persona")), "t": n.team(e.get("team"))}


def _overridden(e: Entry, n: Names) -> str:
    p = n.person(e.get("persona"))
    parts = []
    if "trust" in e:
        parts.append(
            _("Exercise control set the trust of %(p)s to %(t)s") % {"p": p, "t": e["trust"]}
        )
    if e.get("status") == "present":
        parts.append(_("Exercise control brought %(p)s back") % {"p": p})
    if not parts:
        parts.append(_("Exercise control changed %(p)s") % {"p": p})
    text = "; ".join(parts)
    note = e.get("note")
    return f"{text} ({note})" if note else text


def _interview(e: Entry, n: Names) -> str:
    how = [w.choice(e.get("approach")) if e.get("approach") else MISSING]
    if e.get("interpreter"):
        how.append(
            _("interpreter in %(l)s") % {"l": w.language(e["interpreter"], in_sentence=True)}
        )
    else:
        how.append(_("no interpreter"))
    if e.get("setting"):
        how.append(w.choice(e["setting"]))
    if e.get("threats"):
        how.append(_("mentioned detention or removal"))
    args = {**_persona(e, n), "how": ", ".join(how)}
    if e.get("trust_after") is None:
        return _("%(t)s interviewed %(p)s (%(how)s)") % args
    return _("%(t)s interviewed %(p)s (%(how)s): trust %(n)s") % {**args, "n": e["trust_after"]}


def _screen(e: Entry, n: Names) -> str:
    return _("%(t)s screened %(p)s: %(c)s") % {
        **_persona(e, n),
        "c": w.choice(e.get("conclusion")) if e.get("conclusion") else MISSING,
    }


def _request_sent(e: Entry, n: Names) -> str:
    return _("%(t)s sent request %(r)s to %(s)s (%(i)s)") % {
        "t": n.team(e.get("team")),
        "r": _g(e, "request"),
        "s": w.country(_g(e, "to_state")),
        "i": w.instrument(_g(e, "instrument")),
    }


def _request_answered_by_team(e: Entry, n: Names) -> str:
    args = {"t": n.team(e.get("team")), "r": _g(e, "request")}
    if e.get("decline"):
        return _("%(t)s declined request %(r)s") % args
    return _("%(t)s answered request %(r)s") % args


def _request_answered(e: Entry, n: Names) -> str:
    """A request answered by an agency nobody plays (the engine's policy)."""
    rid = _g(e, "request")
    to_state, inst = n.requests.get(rid, (str(e.get("to_state") or ""), ""))
    args = {"s": w.country(to_state or MISSING), "r": rid, "i": w.instrument(inst or MISSING)}
    answer = e.get("answer")
    if answer == "executed":
        return _("Engine (%(s)s) executed request %(r)s (%(i)s)") % args
    if answer == "unavailable":
        return _("Engine (%(s)s): no %(i)s in place for request %(r)s") % args
    return _("Engine (%(s)s) declined request %(r)s (%(i)s)") % args


def _charges_decided(e: Entry, n: Names) -> str:
    return _("%(n)s in %(s)s: %(o)s (%(r)s)") % {
        "n": n.network(e.get("network")),
        "s": w.country(_g(e, "state")),
        "o": w.charge_status(_g(e, "outcome")),
        "r": w.engine_reason(_g(e, "reason")),
    }


def _decision(e: Entry, n: Names) -> str:
    """A decision of an agency nobody plays, as stored (``decision`` event)."""
    point = e.get("point")
    agency = w.agency_kind(e.get("agency")) if e.get("agency") else _("agency")
    if point == "reply":
        subject = _g(e, "subject")
    elif point == "prosecution":
        subject = n.network(e.get("network") or str(e.get("subject", "")).split("@")[0])
    else:
        subject = n.person(e.get("subject"))
    outcome = e.get("outcome") or e.get("action")
    return _("Engine (%(a)s): %(p)s, %(s)s — %(o)s") % {
        "a": agency,
        "p": w.decision_point(point),
        "s": subject,
        "o": w.answer(outcome) if outcome in ("executed", "declined") else _outcome(outcome),
    }


def _outcome(code: object) -> str:
    table = {
        "identified": _("identified"),
        "not_identified": _("not identified"),
        "refused": _("refused"),
        "admitted": _("admitted"),
        "waiting": _("waiting list"),
        "charged": w.charge_status("charged"),
        "dropped": w.charge_status("dropped"),
    }
    return table.get(str(code), MISSING if code is None else str(code))


def _role_assigned(e: Entry, n: Names) -> str:
    args = {"u": _g(e, "username"), "r": w.role(e.get("role"))}
    if e.get("persona"):
        return _("%(u)s assigned as %(r)s of %(x)s") % {**args, "x": n.person(e["persona"])}
    if e.get("team"):
        return _("%(u)s assigned as %(r)s in %(x)s") % {**args, "x": n.team(e["team"])}
    return _("%(u)s assigned as %(r)s") % args


def _wellbeing(e: Entry, n: Names) -> str:
    p = {"p": n.person(e.get("persona"))}
    if e.get("ok"):
        return _("The role player of %(p)s is fine") % p
    return _("The role player of %(p)s needs a break") % p


def _observation(e: Entry, n: Names) -> str:
    return _("An observer rated %(t)s %(r)s/5 on %(o)s") % {
        "t": n.team(e.get("team")),
        "r": _g(e, "rating"),
        "o": n.objectives.get(str(e.get("objective")), w.objective(e.get("objective"))),
    }


def _shelter(outcome: str) -> Sentence:
    def say(e: Entry, n: Names) -> str:
        args = {"p": n.person(e.get("persona")), "s": w.country(_g(e, "state"))}
        if outcome == "admitted":
            return _("%(p)s was given a shelter place in %(s)s") % args
        if outcome == "waiting":
            return _("No shelter place free for %(p)s in %(s)s: on the waiting list") % args
        return _("A shelter place for %(p)s was refused in %(s)s") % args

    return say


def _answer_referral(e: Entry, n: Names) -> str:
    """A played operator's answer to a referral (``answer_referral``)."""
    args = {**_persona(e, n), "to": w.choice(_g(e, "to")), "r": _g(e, "referral")}
    known = e.get("persona") is not None
    if e.get("decision") == "accept":
        if known:
            return _("%(t)s accepted the referral of %(p)s to %(to)s") % args
        return _("%(t)s accepted referral %(r)s") % args
    if e.get("decision") == "decline":
        why = _g(e, "reason")
        if e.get("ground"):
            why = f"{w.referral_ground(e['ground'])}: {why}"
        if known:
            return _("%(t)s declined the referral of %(p)s to %(to)s: %(why)s") % {
                **args,
                "why": why,
            }
        return _("%(t)s declined referral %(r)s: %(why)s") % {**args, "why": why}
    return _("%(t)s answered referral %(r)s") % args


def _inject(e: Entry, n: Names) -> str:
    # the scenario's title in the reader's language; the logged (English) title otherwise
    title = n.injects.get(str(e.get("inject"))) or e.get("title") or _g(e, "inject")
    return _("Inject released: “%(t)s” to %(to)s") % {"t": title, "to": n.teams_list(e.get("to"))}


#: A sentence for every kind of timeline entry, every EventKind and every player action type.
SENTENCES: dict[str, Sentence] = {
    # exercise control (EventKind values)
    "created": lambda e, n: _("Exercise created by %(by)s") % _by(e, n),
    "started": lambda e, n: _("Exercise started by %(by)s") % _by(e, n),
    "paused": lambda e, n: _("Exercise paused by %(by)s") % _by(e, n),
    "resumed": lambda e, n: _("Exercise resumed by %(by)s") % _by(e, n),
    "ended": lambda e, n: _("Exercise ended by %(by)s") % _by(e, n),
    "speed_changed": lambda e, n: (
        _("Speed set to %(n)s exercise days per hour") % {"n": _g(e, "days_per_hour")}
    ),
    "clock_ticked": lambda e, n: _("Exercise control moved the clock on"),
    "inject_released": _inject,
    "free_inject": lambda e, n: (
        _("Free inject: “%(t)s” to %(to)s") % {"t": _g(e, "title"), "to": n.teams_list(e.get("to"))}
    ),
    "persona_overridden": _overridden,
    "note_added": lambda e, n: _("Control note: %(t)s") % {"t": _g(e, "text")},
    "hotwash_note": lambda e, n: _("Hot-wash finding: %(t)s") % {"t": _g(e, "text")},
    "corrective_action": lambda e, n: (
        _("Corrective action for %(o)s: %(t)s")
        % {"o": n.team(e.get("owner")), "t": _g(e, "action")}
    ),
    "role_assigned": _role_assigned,
    "action": lambda e, n: (
        _("%(t)s acted: %(a)s")
        % {
            "t": n.team(e.get("team")),
            "a": w.action_type(e.get("type")),
        }
    ),
    "decision": _decision,
    "wellbeing_checked": _wellbeing,
    "observation": _observation,
    # the world
    "inject": _inject,
    "phase": lambda e, n: (
        _("New phase: %(p)s") % {"p": n.phases.get(str(e.get("phase")), _g(e, "phase"))}
    ),
    "persona_disclosed": lambda e, n: (
        _("%(p)s told %(t)s: “%(d)s”")
        % {**_persona(e, n), "d": n.disclosures.get(str(e.get("disclosure")), _g(e, "disclosure"))}
    ),
    "persona_moved": lambda e, n: (
        _("%(p)s moved to %(pl)s")
        % {"p": n.person(e.get("persona")), "pl": n.place(e.get("place"))}
    ),
    "character_moved": lambda e, n: (
        _("%(p)s moved to %(pl)s")
        % {"p": n.person(e.get("character")), "pl": n.place(e.get("place"))}
    ),
    "persona_fled": lambda e, n: (
        _("%(p)s fled (trust %(t)s)") % {"p": n.person(e.get("persona")), "t": _g(e, "trust")}
    ),
    "persona_identified": lambda e, n: (
        _("%(p)s identified as a victim by %(by)s")
        % {"p": n.person(e.get("persona")), "by": n.by(e.get("by"))}
    ),
    "identification_refused": lambda e, n: (
        _("Identification of %(p)s refused (%(r)s)")
        % {"p": n.person(e.get("persona")), "r": w.engine_reason(_g(e, "reason"))}
    ),
    "referral_lapsed": lambda e, n: (
        _("The referral of %(p)s to %(to)s lapsed: the person left")
        % {"p": n.person(e.get("persona")), "to": w.choice(_g(e, "to"))}
    ),
    "shelter_admitted": _shelter("admitted"),
    "shelter_waiting": _shelter("waiting"),
    "shelter_refused": _shelter("refused"),
    "charging_due": lambda e, n: (
        _("Charging decision due on %(n)s in %(s)s")
        % {"n": n.network(e.get("network")), "s": w.country(_g(e, "state"))}
    ),
    "charges_decided": _charges_decided,
    "request_answered": _request_answered,
    "arrest": lambda e, n: (
        _("%(p)s arrested in %(s)s by %(by)s")
        % {
            "p": n.person(e.get("character")),
            "s": w.country(_g(e, "state")),
            "by": n.by(e.get("by")),
        }
    ),
    "network_disrupted": lambda e, n: (
        _("Network disrupted: %(n)s") % {"n": n.network(e.get("network"))}
    ),
    # player actions (actions.ACTION_TYPES)
    "screen": _screen,
    "open_case": lambda e, n: _("%(t)s opened a case for %(p)s") % _persona(e, n),
    "identify": lambda e, n: _("%(t)s identified %(p)s as a victim") % _persona(e, n),
    "refer": lambda e, n: (
        _("%(t)s referred %(p)s to %(to)s") % {**_persona(e, n), "to": w.choice(_g(e, "to"))}
    ),
    "grant_recovery_period": lambda e, n: (
        _("%(t)s granted %(p)s a recovery and reflection period") % _persona(e, n)
    ),
    "open_investigation": lambda e, n: (
        _("%(t)s opened an investigation into %(n)s")
        % {"t": n.team(e.get("team")), "n": n.network(e.get("network"))}
    ),
    "request_financial_investigation": lambda e, n: (
        _("%(t)s requested a financial investigation into %(n)s")
        % {"t": n.team(e.get("team")), "n": n.network(e.get("network"))}
    ),
    "send_cross_border_request": _request_sent,
    "answer_cross_border_request": _request_answered_by_team,
    "interview": _interview,
    "inspect_site": lambda e, n: (
        _("%(t)s inspected %(pl)s") % {"t": n.team(e.get("team")), "pl": n.place(e.get("place"))}
    ),
    "search_and_arrest": lambda e, n: (
        _("%(t)s searched %(pl)s and arrested who was there")
        % {"t": n.team(e.get("team")), "pl": n.place(e.get("place"))}
    ),
    "register_asylum_claim": lambda e, n: (
        _("%(t)s registered an asylum claim for %(p)s") % _persona(e, n)
    ),
    "give_legal_advice": lambda e, n: _("%(t)s gave legal advice to %(p)s") % _persona(e, n),
    "publish_media_statement": lambda e, n: (
        _("%(t)s published a media statement: “%(x)s”")
        % {"t": n.team(e.get("team")), "x": _g(e, "text")}
    ),
    "share_with_team": lambda e, n: (
        _("%(t)s shared what it knows with %(o)s")
        % {"t": n.team(e.get("team")), "o": n.team(e.get("to_team"))}
    ),
    "decide_charges": lambda e, n: (
        _("%(t)s decided on charges against %(n)s: %(d)s")
        % {
            "t": n.team(e.get("team")),
            "n": n.network(e.get("network")),
            "d": _decide_charges(e.get("decision")),
        }
    ),
    "answer_referral": _answer_referral,
}


def _decide_charges(code: object) -> str:
    return {"charge": _("charge"), "drop": _("drop the case")}.get(str(code), MISSING)


def describe(entry: Entry, n: Names) -> str:
    """One sentence, in the current language, for a timeline entry (or an event's payload with
    ``what`` set to its kind)."""
    what = str(entry.get("what", ""))
    say = SENTENCES.get(what)
    if say is None:
        return _("Event: %(k)s") % {"k": what or MISSING}
    try:
        return say(entry, n)
    except (TypeError, ValueError, KeyError, AttributeError):
        return _("Event: %(k)s") % {"k": what}


def describe_event(ev: Event, n: Names) -> str:
    """One sentence for a stored event: a player's action by its type, anything else by kind."""
    p = ev.payload if isinstance(ev.payload, Mapping) else {}
    if ev.kind == EventKind.ACTION and p.get("type") in SENTENCES:
        return describe({**p, "what": p["type"]}, n)
    return describe({"by": ev.actor, **p, "what": ev.kind.value}, n)


def kind_label(what: object) -> str:
    """A short name of what a team did last (the controller's team table)."""
    code = str(what)
    short = {
        "persona_disclosed": _("a disclosure"),
        "request_answered": _("a reply to its request"),
        "charges_decided": _("charging decision"),
        "arrest": _("an arrest"),
    }
    return short.get(code) or w.action_type(code)
