"""Every player action, and what they have in common: the checks every action passes and the
bookkeeping of every accepted action.

``check`` says why an action is refused (or ``None``); ``apply`` changes the state. Each action
is declared once (:class:`pharos.exercise.rules.actions.spec.Action`, in ``persons``,
``investigation`` and ``cooperation``) and listed in :data:`ACTIONS`, in the order of the
player's page.
"""

from __future__ import annotations

from typing import Any

from pharos.exercise.rules import personas as pers
from pharos.exercise.rules.actions import cooperation, investigation, persons
from pharos.exercise.rules.actions.spec import (
    CASE_WORK,
    CONSENTS,
    RECORDS_CONSENT,
    Acting,
    Action,
    Attempt,
    Form,
    Target,
    case_holder,
    kinds_text,
)
from pharos.exercise.rules.state import ExerciseState
from pharos.exercise.scenario.schema import ExerciseScenario, Team
from pharos.i18n import _

#: Every player action, in the order of the player's page (the forms that answer what waits for
#: the team first).
ACTIONS: tuple[Action, ...] = (
    cooperation.ANSWER_CROSS_BORDER_REQUEST,
    investigation.DECIDE_CHARGES,
    cooperation.ANSWER_REFERRAL,
    persons.INTERVIEW,
    persons.SCREEN,
    persons.OPEN_CASE,
    persons.IDENTIFY,
    persons.GRANT_RECOVERY_PERIOD,
    persons.REGISTER_ASYLUM_CLAIM,
    persons.GIVE_LEGAL_ADVICE,
    persons.REFER,
    investigation.INSPECT_SITE,
    investigation.SEARCH_AND_ARREST,
    investigation.OPEN_INVESTIGATION,
    investigation.REQUEST_FINANCIAL_INVESTIGATION,
    cooperation.SEND_CROSS_BORDER_REQUEST,
    cooperation.SHARE_WITH_TEAM,
    cooperation.PUBLISH_MEDIA_STATEMENT,
)
BY_NAME: dict[str, Action] = {a.name: a for a in ACTIONS}
#: the fields whose value is a list of texts; every other field holds one value
LIST_FIELDS = ("indicators", "evidence", "consent")


def label(code: object) -> str:
    """A player action's name (``send_cross_border_request``), in the current language; an
    unknown code as it is."""
    action = BY_NAME.get(str(code))
    return str(action.label) if action is not None else str(code)


def forms() -> list[tuple[Form, list[Action]]]:
    """The player's page: each form once, in the order of :data:`ACTIONS`, with its actions."""
    out: dict[Form, list[Action]] = {}
    for a in ACTIONS:
        out.setdefault(a.form, []).append(a)
    return list(out.items())


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


def _who(a: Attempt, action: Action) -> str | None:
    """Whether the team's agency may take ``action``."""
    if not a.team.played:
        return _("this team is simulated by the engine")
    kind = a.team.agency_kind
    if kind not in action.kinds:
        if kind not in CASE_WORK:
            return _("journalists may only publish media statements")
        return _("only these agencies may do this: %(kinds)s") % {"kinds": kinds_text(action.kinds)}
    return None


def _target(a: Attempt, target: Target | None) -> str | None:
    """Whether what the action acts on exists and is within the team's reach."""
    p, st, sc, team = a.p, a.st, a.sc, a.team
    if target is Target.PERSON:
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
    elif target is Target.NETWORK:
        if p.get("network") not in st.networks:
            return _("unknown network %(id)s") % {"id": p.get("network")}
    elif target is Target.PLACE:
        place = p.get("place")
        if place not in {x.id for x in sc.places}:
            return _("unknown place %(id)s") % {"id": place}
        if sc.place(place).state != team.state:
            return _("this place is outside your state")
    return None


def check(sc: ExerciseScenario, st: ExerciseState, team: Team, p: dict[str, Any]) -> str | None:
    """Why this action cannot be taken now, or ``None`` when it can."""
    action = BY_NAME.get(str(p.get("type")))
    if action is None:
        return _("unknown action %(type)s") % {"type": p.get("type")}
    shape = _shape(p)
    if shape is not None:
        return shape
    if st.status != "running":
        return _("the exercise is not running")
    a = Attempt(sc, st, team, p)
    for refused in (_who(a, action), _target(a, action.target)):
        if refused is not None:
            return refused
    return action.check(a) if action.check is not None else None


def apply(sc: ExerciseScenario, st: ExerciseState, team: Team, p: dict[str, Any], seq: int) -> None:
    """Apply an accepted action at ``st.minute``. ``seq`` names what it creates."""
    action = BY_NAME[p["type"]]
    m = st.minute
    st.teams[team.id].actions += 1
    pid = p.get("persona")
    ps = st.personas.get(pid) if pid else None
    c = sc.character(str(pid)) if ps is not None else None
    if ps is not None and action.target is Target.PERSON:
        ps.contacted.setdefault(team.id, m)
    acting = Acting(sc, st, team, p, seq, ps, c, {k: v for k, v in p.items() if k != "type"})
    if action.target is not Target.PERSON or ps is not None:
        action.apply(acting)
    if ps is not None and st.consent_checked and action.name in RECORDS_CONSENT:
        holder = case_holder(ps, team.id)
        if holder is not None:  # recorded in a case file (none yet: given to nobody's file)
            had = ps.consents.setdefault(holder, [])
            had.extend(x for x in CONSENTS if x in p.get("consent", []) and x not in had)
    if ps is not None and c is not None:
        pers.update_flight(c, ps, m, st.seed)
    st.log(m, action.name, team.id, **acting.detail)
