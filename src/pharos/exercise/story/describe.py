"""One sentence per thing that happened in an exercise, in the reader's language.

``describe(entry, names)`` turns an entry of the exercise's timeline (``{"what": "interview",
"team": "ita-police", "persona": "karim", ...}``) into "Italian police (Catania) interviewed
Karim A. (trauma-informed, interpreter in Arabic, our office): trust 60". ``describe_event``
does the same for a stored :class:`~pharos.exercise.rules.events.Event`. Every kind of timeline
entry, every :class:`~pharos.exercise.rules.events.EventKind` and every player action has a
sentence (``SENTENCES``; a player action's is declared with the action, see
``pharos.exercise.rules.actions``; a test enumerates them). Ids are shown by the scenario's names
(:class:`~pharos.exercise.words.names.Names`); a field missing from an entry shows as "—", an
unknown field is ignored, and an unknown kind still gets a sentence ("Event: ..."), so an old or
odd log never breaks a page.
"""

from __future__ import annotations

from collections.abc import Mapping

from pharos.coordinate import vocabulary as cv
from pharos.domain.cooperation import instrument_codes
from pharos.domain.vocabulary import VulnerableGroup
from pharos.exercise.rules import assistance, personas
from pharos.exercise.rules.actions.catalogue import ACTIONS, label
from pharos.exercise.rules.actions.persons import CONCLUSIONS, REFERRALS
from pharos.exercise.rules.events import Event, EventKind
from pharos.exercise.rules.state import ExerciseState
from pharos.exercise.scenario.schema import Channel, EvidenceKind, ExerciseScenario, TriggerOn
from pharos.exercise.words import wording as w
from pharos.exercise.words.names import (
    MISSING,
    Entry,
    Names,
    Sentence,
    given,
    team_and_person,
)
from pharos.i18n import _, format_number


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


def _by(e: Entry, n: Names) -> dict[str, str]:
    return {"by": n.by(e.get("by"))}


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


def _request_answered(e: Entry, n: Names) -> str:
    """A request answered by an agency nobody plays (the engine's policy)."""
    rid = given(e, "request")
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
        "s": w.country(given(e, "state")),
        "o": w.charge_status(given(e, "outcome")),
        "r": w.engine_reason(given(e, "reason")),
    }


def _decision(e: Entry, n: Names) -> str:
    """A decision of an agency nobody plays, as stored (``decision`` event)."""
    point = e.get("point")
    agency = w.agency_kind(e.get("agency")) if e.get("agency") else _("agency")
    if point == "reply":
        subject = given(e, "subject")
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
    args = {"u": given(e, "username"), "r": w.role(e.get("role"))}
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


def _spoke(e: Entry, n: Names) -> str:
    args = {"p": n.person(e.get("persona")), "t": n.team(e.get("team"))}
    said = []
    if e.get("text"):
        said.append(_("%(p)s to %(t)s: “%(d)s”") % {**args, "d": e["text"]})
    if e.get("trust"):
        said.append(
            _("%(p)s's trust moved by %(n)s (the role player: %(r)s)")
            % {**args, "n": f"{int(e['trust']):+d}", "r": given(e, "reason")}
        )
    return " · ".join(said) or MISSING


def _observation(e: Entry, n: Names) -> str:
    return _("An observer rated %(t)s %(r)s/5 on %(o)s") % {
        "t": n.team(e.get("team")),
        "r": given(e, "rating"),
        "o": n.objectives.get(str(e.get("objective")), w.objective(e.get("objective"))),
    }


def _shelter(outcome: str) -> Sentence:
    def say(e: Entry, n: Names) -> str:
        args = {"p": n.person(e.get("persona")), "s": w.country(given(e, "state"))}
        if outcome == "admitted":
            return _("%(p)s was given a shelter place in %(s)s") % args
        if outcome == "waiting":
            return _("No shelter place free for %(p)s in %(s)s: on the waiting list") % args
        return _("A shelter place for %(p)s was refused in %(s)s") % args

    return say


def _inject(e: Entry, n: Names) -> str:
    # the scenario's title in the reader's language; the logged (English) title otherwise
    title = n.injects.get(str(e.get("inject"))) or e.get("title") or given(e, "inject")
    return _("Inject released: “%(t)s” to %(to)s") % {"t": title, "to": n.teams_list(e.get("to"))}


def _reviewed(e: Entry, n: Names, what: str) -> str:
    """A lead evaluator's change to a finding or an improvement action."""
    item = e.get("after") or e.get("before") or {}
    text = str(item.get("text") or item.get("action") or "") if isinstance(item, dict) else ""
    said = {"u": n.by(e.get("by")), "t": text or MISSING}
    op = e.get("op")
    if what == "finding":
        if op == "add":
            return _("%(u)s added a finding: %(t)s") % said
        if op == "remove":
            return _("%(u)s removed a finding: %(t)s") % said
        return _("%(u)s changed a finding: %(t)s") % said
    if op == "add":
        return _("%(u)s added an improvement action: %(t)s") % said
    if op == "remove":
        return _("%(u)s removed an improvement action: %(t)s") % said
    return _("%(u)s changed an improvement action: %(t)s") % said


def _decimal(value: object) -> str:
    """A figure with decimals (days_per_hour: 0.5) in the reader's digits and separators."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_number(value, 2, fixed=False)
    return MISSING if value is None or value == "" else str(value)


#: A sentence for every kind of timeline entry, every EventKind and every player action type.
SENTENCES: dict[str, Sentence] = {
    # exercise control (EventKind values)
    "created": lambda e, n: _("Exercise created by %(by)s") % _by(e, n),
    "started": lambda e, n: _("Exercise started by %(by)s") % _by(e, n),
    "paused": lambda e, n: _("Exercise paused by %(by)s") % _by(e, n),
    "resumed": lambda e, n: _("Exercise resumed by %(by)s") % _by(e, n),
    "ended": lambda e, n: _("Exercise ended by %(by)s") % _by(e, n),
    "speed_changed": lambda e, n: (
        _("Speed set to %(n)s exercise days per hour") % {"n": _decimal(e.get("days_per_hour"))}
    ),
    "clock_ticked": lambda e, n: _("Exercise control moved the clock on"),
    "inject_released": _inject,
    "free_inject": lambda e, n: (
        _("Free inject: “%(t)s” to %(to)s")
        % {"t": given(e, "title"), "to": n.teams_list(e.get("to"))}
    ),
    "persona_overridden": _overridden,
    "note_added": lambda e, n: _("Control note: %(t)s") % {"t": given(e, "text")},
    "hotwash_note": lambda e, n: _("Hot-wash finding: %(t)s") % {"t": given(e, "text")},
    "corrective_action": lambda e, n: (
        _("Corrective action for %(o)s: %(t)s")
        % {"o": n.team(e.get("owner")), "t": given(e, "action")}
    ),
    "role_assigned": _role_assigned,
    "action": lambda e, n: (
        _("%(t)s acted: %(a)s")
        % {
            "t": n.team(e.get("team")),
            "a": label(e.get("type")),
        }
    ),
    "decision": _decision,
    "wellbeing_checked": _wellbeing,
    "feedback": lambda e, n: _("%(u)s gave feedback on the exercise") % {"u": n.by(e.get("by"))},
    "persona_spoke": _spoke,
    "observation": _observation,
    "review_started": lambda e, n: (
        _("%(u)s began the review of the findings and improvement actions")
        % {"u": n.by(e.get("by"))}
    ),
    "finding_reviewed": lambda e, n: _reviewed(e, n, "finding"),
    "action_reviewed": lambda e, n: _reviewed(e, n, "action"),
    "review_approved": lambda e, n: (
        _("%(u)s approved the findings and improvement actions") % {"u": n.by(e.get("by"))}
    ),
    # the world
    "inject": _inject,
    "phase": lambda e, n: (
        _("New phase: %(p)s") % {"p": n.phases.get(str(e.get("phase")), given(e, "phase"))}
    ),
    "persona_disclosed": lambda e, n: (
        _("%(p)s told %(t)s: “%(d)s”")
        % {
            **team_and_person(e, n),
            "d": n.disclosures.get(str(e.get("disclosure")), given(e, "disclosure")),
        }
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
        _("%(p)s fled (trust %(t)s)") % {"p": n.person(e.get("persona")), "t": given(e, "trust")}
    ),
    "persona_identified": lambda e, n: (
        _("%(p)s identified as a victim by %(by)s")
        % {"p": n.person(e.get("persona")), "by": n.by(e.get("by"))}
    ),
    "identification_refused": lambda e, n: (
        _("Identification of %(p)s refused (%(r)s)")
        % {"p": n.person(e.get("persona")), "r": w.engine_reason(given(e, "reason"))}
    ),
    "referral_lapsed": lambda e, n: (
        _("The referral of %(p)s to %(to)s lapsed: the person left")
        % {"p": n.person(e.get("persona")), "to": w.choice(given(e, "to"))}
    ),
    "shelter_admitted": _shelter("admitted"),
    "shelter_waiting": _shelter("waiting"),
    "shelter_refused": _shelter("refused"),
    "charging_due": lambda e, n: (
        _("Charging decision due on %(n)s in %(s)s")
        % {"n": n.network(e.get("network")), "s": w.country(given(e, "state"))}
    ),
    "charges_decided": _charges_decided,
    "request_answered": _request_answered,
    "arrest": lambda e, n: (
        _("%(p)s arrested in %(s)s by %(by)s")
        % {
            "p": n.person(e.get("character")),
            "s": w.country(given(e, "state")),
            "by": n.by(e.get("by")),
        }
    ),
    "network_disrupted": lambda e, n: (
        _("Network disrupted: %(n)s") % {"n": n.network(e.get("network"))}
    ),
}
#: ... and every player action's, declared with the action.
SENTENCES.update({a.name: a.sentence for a in ACTIONS})


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
        "persona_spoke": _("a message from a person"),
        "request_answered": _("a reply to its request"),
        "charges_decided": _("charging decision"),
        "arrest": _("an arrest"),
    }
    return short.get(code) or label(code)


#: Every code the pages put into words (``pharos.exercise.words.wording``, the actions' labels),
#: by vocabulary: for tests that look for raw codes on a rendered page.
CODES: dict[str, tuple[str, ...]] = {
    "groups": tuple(g.value for g in VulnerableGroup),
    "statuses": ("present", "fled"),
    "channels": tuple(c.value for c in Channel),
    "triggers": tuple(t.value for t in TriggerOn),
    "action_types": tuple(a.name for a in ACTIONS),
    "approaches": personas.APPROACHES,
    "settings": personas.SETTINGS,
    "referrals": REFERRALS,
    "conclusions": CONCLUSIONS,
    "referral_grounds": assistance.CHILD_GROUNDS,
    "evidence_kinds": tuple(k.value for k in EvidenceKind),
    "instruments": instrument_codes(),
    "agency_kinds": tuple(cv.KIND_LABELS),
    "protection": (
        "own_language",
        "safe_interview",
        "referred_to_assistance",
        "recovery_period_or_child_protection",
        "legal_advice",
    ),
    "measures": (
        "first_contact_days",
        "identification_days",
        "referral_days",
        "cross_border_reply_days",
    ),
}
