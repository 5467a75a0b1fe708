"""A team's inbox as the reader sees it: the engine's own messages in the reader's language.

Every message is stored in English in the exercise state, so that a replay gives the same state hash
in any language, and is put into the reader's words here, when shown. A message of an inject is
shown in the scenario's translation (looked up by the inject's id, see
``pharos.exercise.scenario.translation``). The messages the exercise writes itself (a reply of an
agency nobody plays, a referral and its answer, a shared file, a shelter or charging decision) are
put into words, the scenario's names in them (teams, persons, networks) translated too. A message
that matches none of the engine's forms is shown as stored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from pharos.exercise.rules.state import CrossBorderRequest, Message
from pharos.exercise.scenario.schema import ExerciseScenario, Inject
from pharos.exercise.words import wording as w
from pharos.i18n import _, ngettext

_SENDER = re.compile(r"^([A-Z]{3}) (police|prosecutor|shelter|contact point)$")
_STATE_TEXT = re.compile(r"^([A-Z]{3}): (.*)$", re.S)
_GROUND = re.compile(r"^\[([a-z_]+)\] (.*)$", re.S)
_PERSON = re.compile(r"^(.*?) \(([A-Za-z0-9_-]+)\)(.*)$", re.S)


@dataclass(frozen=True)
class Local:
    """The scenario's names and injects as the reader sees them, for messages stored in English:
    injects by id, teams and networks by English name, persons by id."""

    injects: Mapping[str, Inject] = field(default_factory=dict)
    teams: Mapping[str, str] = field(default_factory=dict)
    networks: Mapping[str, str] = field(default_factory=dict)
    people: Mapping[str, str] = field(default_factory=dict)


def local(base: ExerciseScenario, shown: ExerciseScenario) -> Local:
    """How the names of ``base`` (English) read in ``shown`` (its translation)."""
    teams = {t.id: t.name for t in shown.teams}
    nets = {n.id: n.name for n in shown.networks}
    return Local(
        injects={i.id: i for i in shown.injects},
        teams={t.name: teams[t.id] for t in base.teams},
        networks={n.name: nets[n.id] for n in base.networks},
        people={c.id: c.name for c in shown.characters},
    )


def _person(body: str, loc: Local) -> str:
    """``Karim A. (karim)...`` with the person's name as the reader reads it."""
    m = _PERSON.match(body)
    if m is None or m.group(2) not in loc.people:
        return body
    return f"{loc.people[m.group(2)]} ({m.group(2)}){m.group(3)}"


@dataclass(frozen=True)
class Shown:
    title: str
    sender: str
    body: str


def _sender(sender: str, loc: Local) -> str:
    if sender in loc.teams:
        return loc.teams[sender]
    m = _SENDER.match(sender)
    if sender == "Exercise control":
        return _("Exercise control")
    if m is None:
        return sender
    state = {"s": w.country(m.group(1))}
    return {
        "police": _("%(s)s police") % state,
        "prosecutor": _("%(s)s prosecutor") % state,
        "shelter": _("%(s)s shelter") % state,
        "contact point": _("%(s)s contact point") % state,
    }[m.group(2)]


def _reply_body(m: Message, req: CrossBorderRequest) -> str:
    args = {"s": w.country(req.to_state), "i": w.instrument(req.instrument)}
    if req.to_team is not None:
        return m.body  # a person's answer
    if req.answer == "executed":
        return ngettext(
            "%(s)s: request executed under %(i)s; %(n)s document attached.",
            "%(s)s: request executed under %(i)s; %(n)s documents attached.",
            len(m.evidence),
        ) % {
            **args,
            "n": len(m.evidence),
        }
    if req.answer == "unavailable":
        return _("%(s)s: no %(i)s is in place with your state.") % args
    return _("%(s)s: the request could not be executed (insufficient grounds or capacity).") % args


def shown(m: Message, requests: list[CrossBorderRequest], loc: Local | None = None) -> Shown:
    """The title, sender and body of ``m`` in the current language (the scenario's names as in
    ``loc``, see ``local``)."""
    loc = loc or Local()
    if m.inject is not None:
        inj = loc.injects.get(m.inject)
        if inj is None:
            return Shown(m.title, m.sender, m.body)
        return Shown(inj.title, inj.sender, inj.body)
    title, body = m.title, m.body
    by_id = {r.id: r for r in requests}
    if m.id.startswith("reply-") and m.id.removeprefix("reply-") in by_id:
        req = by_id[m.id.removeprefix("reply-")]
        title = _("Reply to %(r)s") % {"r": req.id}
        body = _reply_body(m, req)
    elif m.id.startswith("req-") and m.id.removeprefix("req-") in by_id:
        req = by_id[m.id.removeprefix("req-")]
        title = f"{w.instrument(req.instrument)}: {req.id}"
    elif m.id.startswith("ref-"):
        if title == "Referral for identification":
            title = _("Referral for identification")
        elif title == "Referral for assistance":
            title = _("Referral for assistance")
            body = _referral_body(body)
        body = _person(body, loc)
    elif m.id.startswith("answer-REF-") and title in ("Referral accepted", "Referral declined"):
        title = _("Referral accepted") if title == "Referral accepted" else _("Referral declined")
        body = _person(_referral_body(body), loc)
    elif m.id.startswith("lapsed-REF-") and title == "Referral lapsed: the person left":
        title = _("Referral lapsed: the person left")
        body = _person(_referral_body(body), loc)
    elif m.id.startswith("share-") and title == "Shared by a partner agency":
        title = _("Shared by a partner agency")
    elif m.id.startswith("shelter-"):
        title = {
            "Shelter place granted": _("Shelter place granted"),
            "No shelter place free: on the waiting list": _(
                "No shelter place free: on the waiting list"
            ),
            "Shelter referral refused": _("Shelter referral refused"),
        }.get(title, title)
        who, sep, reason = body.rpartition(": ")
        body = _person(f"{who}: {w.engine_reason(reason)}" if sep else body, loc)
    elif m.id.startswith("charges-"):
        title, body = _charges(title, body, loc.networks)
    return Shown(title, _sender(m.sender, loc), body)


def _referral_body(body: str) -> str:
    """``Karim A. (karim): shelter`` and, on the next lines, what the teams wrote; a child's
    ground for a decline is stored as ``[assessed_as_adult] reason``."""
    first, *rest = body.split("\n")
    who, sep, to = first.rpartition(": ")
    lines = [f"{who}: {w.choice(to)}" if sep else first]
    for line in rest:
        ground = _GROUND.match(line)
        lines.append(f"{w.referral_ground(ground[1])}: {ground[2]}" if ground else line)
    return "\n".join(lines)


def _charges(title: str, body: str, networks: Mapping[str, str]) -> tuple[str, str]:
    due, charged, dropped = "Charging decision due: ", "Suspects charged: ", "Charges dropped: "
    if title.startswith(due):
        network = title.removeprefix(due)
        state = body.removeprefix(f"Members of {network} were arrested in ")[:3]
        body = _(
            "Members of %(n)s were arrested in %(s)s. Decide whether to charge them "
            "or drop the case."
        ) % {"n": networks.get(network, network), "s": w.country(state)}
        return _("Charging decision due: %(n)s") % {"n": networks.get(network, network)}, body
    m = _STATE_TEXT.match(body)
    if m is not None:
        body = f"{w.country(m.group(1))}: {w.engine_reason(m.group(2))}"
    if title.startswith(charged):
        name = title.removeprefix(charged)
        return _("Suspects charged: %(n)s") % {"n": networks.get(name, name)}, body
    if title.startswith(dropped):
        name = title.removeprefix(dropped)
        return _("Charges dropped: %(n)s") % {"n": networks.get(name, name)}, body
    return title, body
