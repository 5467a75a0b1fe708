"""Player actions against a network: open an investigation, request a financial investigation,
inspect a site, search it and arrest who is there, decide on charges.

Who may open an investigation follows the state's powers in ``pharos.domain.practitioners``;
only a prosecutor decides on charges (``decide_charges``, see ``pharos.exercise.rules.charging``).
"""

from __future__ import annotations

from pharos.domain.practitioners import PractitionerKind as K
from pharos.exercise.rules import charging
from pharos.exercise.rules.actions.spec import (
    NETWORK_FORM,
    SITE_FORM,
    Acting,
    Action,
    Attempt,
    Form,
    NetworkNote,
    Target,
    kinds_text,
)
from pharos.exercise.rules.world import arrest, bring, give_evidence, position
from pharos.exercise.words.names import MISSING, Entry, Names
from pharos.i18n import N_, _, lazy_gettext


# -- investigations ------------------------------------------------------------------------------
def _check_open_investigation(a: Attempt) -> str | None:
    if a.team.agency_kind not in a.powers.opens_investigation.kinds:
        return _("in this state only these may open an investigation: %(kinds)s") % {
            "kinds": kinds_text(a.powers.opens_investigation.kinds)
        }
    return None


def _open_investigation(a: Acting) -> None:
    a.own.investigations.setdefault(a.p["network"], a.minute)


def _team_and_network(e: Entry, n: Names) -> dict[str, str]:
    return {"t": n.team(e.get("team")), "n": n.network(e.get("network"))}


OPEN_INVESTIGATION = Action(
    name="open_investigation",
    label=lazy_gettext("investigation opened"),
    sentence=lambda e, n: _("%(t)s opened an investigation into %(n)s") % _team_and_network(e, n),
    target=Target.NETWORK,
    check=_check_open_investigation,
    apply=_open_investigation,
    form=NETWORK_FORM,
    button=lazy_gettext("Open an investigation"),
    projection=NetworkNote(N_("Investigation opened into the network %(name)s.")),
)


def _request_financial_investigation(a: Acting) -> None:
    a.own.financial_investigations.setdefault(a.p["network"], a.minute)
    net = next(n for n in a.sc.networks if n.id == a.p["network"])
    for e in a.sc.evidence:
        if e.financial and e.held_in == a.team.state and e.storyline in net.storylines:
            give_evidence(a.st, a.team.id, e.id, a.minute)


REQUEST_FINANCIAL_INVESTIGATION = Action(
    name="request_financial_investigation",
    label=lazy_gettext("financial investigation requested"),
    sentence=lambda e, n: (
        _("%(t)s requested a financial investigation into %(n)s") % _team_and_network(e, n)
    ),
    kinds=frozenset({K.LAW_ENFORCEMENT, K.PUBLIC_PROSECUTOR, K.FINANCIAL_INVESTIGATOR}),
    target=Target.NETWORK,
    apply=_request_financial_investigation,
    form=NETWORK_FORM,
    button=lazy_gettext("Request a financial investigation"),
    projection=NetworkNote(N_("Financial investigation requested into the network %(name)s.")),
)


# -- sites ---------------------------------------------------------------------------------------
def _visit(a: Acting, found: list[str]) -> None:
    """The team takes what it ``found`` at the place and meets the people there."""
    place = a.p["place"]
    for eid in found:
        give_evidence(a.st, a.team.id, eid, a.minute)
    for q in a.st.personas.values():
        if q.place == place and q.status != "fled":
            bring(a.st, q.id, a.team.id, a.minute)
            q.contacted.setdefault(a.team.id, a.minute)


def _inspect_site(a: Acting) -> None:
    _visit(a, a.sc.place(a.p["place"]).evidence_on_inspection)
    if a.p["place"] not in a.own.inspected:
        a.own.inspected.append(a.p["place"])


INSPECT_SITE = Action(
    name="inspect_site",
    label=lazy_gettext("site inspection"),
    sentence=lambda e, n: (
        _("%(t)s inspected %(pl)s") % {"t": n.team(e.get("team")), "pl": n.place(e.get("place"))}
    ),
    kinds=frozenset({K.LABOUR_INSPECTOR, K.LAW_ENFORCEMENT, K.BORDER_GUARD}),
    target=Target.PLACE,
    apply=_inspect_site,
    form=SITE_FORM,
    button=lazy_gettext("Inspect the site"),
)


def _check_search(a: Attempt) -> str | None:
    for n in a.sc.networks:
        if n.id in a.own.investigations and any(
            position(a.st, a.sc, m) == a.p["place"] for m in n.members
        ):
            return None
    return _("a search needs an open investigation into a network active at this place")


def _search_and_arrest(a: Acting) -> None:
    place = a.sc.place(a.p["place"])
    _visit(a, place.evidence_on_inspection + place.evidence_on_search)
    for ch in a.sc.characters:
        if ch.network and position(a.st, a.sc, ch.id) == place.id:
            arrest(a.st, a.sc, ch.id, a.team.state, a.minute, a.team.id)


SEARCH_AND_ARREST = Action(
    name="search_and_arrest",
    label=lazy_gettext("search and arrest"),
    sentence=lambda e, n: (
        _("%(t)s searched %(pl)s and arrested who was there")
        % {"t": n.team(e.get("team")), "pl": n.place(e.get("place"))}
    ),
    kinds=frozenset({K.LAW_ENFORCEMENT, K.BORDER_GUARD}),
    target=Target.PLACE,
    check=_check_search,
    apply=_search_and_arrest,
    form=SITE_FORM,
    button=lazy_gettext("Search and arrest"),
)


# -- charges -------------------------------------------------------------------------------------
def _check_charges(a: Attempt) -> str | None:
    if not charging.pending_for_team(a.st, a.team.id, a.team.state, a.p["network"]):
        return _("no charging decision on this network is pending in your state")
    if a.p.get("decision") not in charging.OUTCOMES:
        return _("choose a decision: %(list)s") % {"list": ", ".join(charging.OUTCOMES)}
    if not str(a.p.get("reason", "")).strip():
        return _("give the reason for the decision")
    return None


def _decide_charges(a: Acting) -> None:
    charging.decide_by_team(a.sc, a.st, a.team.id, a.team.state, a.p)


def _decision_words(code: object) -> str:
    return {"charge": _("charge"), "drop": _("drop the case")}.get(str(code), MISSING)


DECIDE_CHARGES = Action(
    name="decide_charges",
    label=lazy_gettext("charging decision"),
    sentence=lambda e, n: (
        _("%(t)s decided on charges against %(n)s: %(d)s")
        % {**_team_and_network(e, n), "d": _decision_words(e.get("decision"))}
    ),
    kinds=frozenset({K.PUBLIC_PROSECUTOR}),
    target=Target.NETWORK,
    check=_check_charges,
    apply=_decide_charges,
    form=Form("exercise/actions/charges.html"),
)
