"""Words for the exercise's codes: what a page shows instead of ``call_note`` or ``fled``.

Every code-level value an exercise page shows (vulnerable groups, persona statuses, inject
channels, trigger conditions, action types, interview approaches and settings, referral
destinations, screening conclusions, evidence kinds, protection measures, score measures, trust
reasons, decision points, states, languages, instruments, agency kinds) goes through one of these
functions, translated in the current language. An unknown code comes back unchanged, so a page
never fails on a value it has no word for. ``CODES`` lists the vocabulary, for tests that look
for raw codes on a rendered page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pharos.coordinate import vocabulary as cv
from pharos.domain.cooperation import Instrument
from pharos.domain.vocabulary import VulnerableGroup
from pharos.domain.vocabulary_labels import label
from pharos.exercise import actions, personas
from pharos.exercise.schema import Channel, EvidenceKind, TriggerOn
from pharos.i18n import _, current_locale, pgettext

#: Languages that write the name of a language in lower case inside a sentence.
LOWER_CASE_LANGUAGE_NAMES = frozenset({"fr", "it", "el", "es"})


def choices() -> dict[str, str]:
    """The exercise's fixed choices: approaches, settings, referrals, conclusions, clock statuses,
    channels (the labels the player forms show)."""
    return {
        "trauma_informed": _("trauma-informed"),
        "standard": _("standard"),
        "confrontational": _("confrontational"),
        "where_found": _("where the person was found"),
        "police_station": _("police station"),
        "office": _("our office"),
        "shelter": _("shelter"),
        "competent_authority": _("competent authority (identification)"),
        "ngo_assistance": _("NGO assistance"),
        "child_protection": _("child protection"),
        "health": _("health services"),
        "legal_aid": _("legal aid"),
        "possible_victim": _("possible victim"),
        "not_a_victim": _("not a victim"),
        "insufficient_information": _("insufficient information"),
        "ready": _("ready"),
        "running": _("running"),
        "paused": _("paused"),
        "ended": _("ended"),
        "message": _("message"),
        "email": _("e-mail"),
        "call_note": _("call note"),
        "news": _("news"),
    }


def _get(table: Mapping[str, Any], code: object) -> str:
    key = "" if code is None else str(code)
    return str(table[key]) if key in table else key


def choice(code: object) -> str:
    return _get(choices(), code)


def channel(code: object) -> str:
    return choice(code)


def group(code: object) -> str:
    """A vulnerable group (``irregular_migrants``), in the domain vocabulary's words."""
    try:
        return label(VulnerableGroup(str(code)))
    except ValueError:
        return str(code)


def persona_status(code: object) -> str:
    return _get({"present": pgettext("persona", "present"), "fled": _("has fled")}, code)


def country(code: object) -> str:
    """A state or nationality (ISO3) by name; other codes as they are."""
    extra = {"NGA": _("Nigeria"), "ERI": _("Eritrea"), "LBY": _("Libya")}
    return _get({**cv.STATE_LABELS, **extra}, code)


def language(code: object, in_sentence: bool = False) -> str:
    """A language by name; ``in_sentence``: as written inside a sentence (French, Italian,
    Greek and Spanish write language names in lower case: "interprète en arabe")."""
    extra = {"bin": _("Edo (Bini)"), "ti": _("Tigrinya")}
    name = _get({**cv.LANGUAGE_LABELS, **extra}, code)
    if in_sentence and current_locale() in LOWER_CASE_LANGUAGE_NAMES and name:
        return name[0].lower() + name[1:]
    return name


def agency_kind(code: object) -> str:
    return _get(cv.KIND_LABELS, getattr(code, "value", code))


def instrument(code: object) -> str:
    return _get({i.value: v for i, v in cv.INSTRUMENT_LABELS.items()}, code)


def instrument_channel(text: object) -> str:
    """The channel of an instrument (``pharos.domain.cooperation``); names of bodies stay."""
    return _get(
        {
            "central authorities": _("central authorities"),
            "judicial authorities directly": _("judicial authorities directly"),
            "Eurojust with the third country": _("Eurojust with the third country"),
            "transnational referral contact points": _("transnational referral contact points"),
        },
        text,
    )


def evidence_kind(code: object) -> str:
    return _get(
        {
            "job_ad": _("job advertisement"),
            "chat_transcript": _("chat transcript"),
            "payslip": _("payslip"),
            "bank_transfer": _("bank transfer"),
            "phone_data": _("phone data"),
            "contract": _("contract"),
            "statement": _("statement"),
        },
        getattr(code, "value", code),
    )


def action_type(code: object) -> str:
    """A player action's name (``send_cross_border_request``)."""
    return _get(
        {
            "screen": _("screening"),
            "open_case": _("case opened"),
            "identify": _("identification as a victim"),
            "refer": _("referral"),
            "grant_recovery_period": _("recovery and reflection period granted"),
            "open_investigation": _("investigation opened"),
            "request_financial_investigation": _("financial investigation requested"),
            "send_cross_border_request": _("cross-border request sent"),
            "answer_cross_border_request": _("cross-border request answered"),
            "interview": pgettext("noun", "interview"),
            "inspect_site": _("site inspection"),
            "search_and_arrest": _("search and arrest"),
            "register_asylum_claim": _("asylum claim registered"),
            "give_legal_advice": _("legal advice given"),
            "publish_media_statement": _("media statement"),
            "share_with_team": _("shared with a partner agency"),
            "decide_charges": _("charging decision"),
            "answer_referral": _("referral answered"),
        },
        code,
    )


def trigger(when: object, subject: str = "") -> str:
    """When a triggered inject is released (``persona_fled`` on ``karim``)."""
    s = {"s": subject}
    table = {
        "phase": _("when the phase %(s)s begins") % s,
        "persona_contacted": _("when %(s)s is first contacted") % s,
        "persona_disclosed": _("when %(s)s discloses") % s,
        "persona_fled": _("when %(s)s flees") % s,
        "persona_identified": _("when %(s)s is identified") % s,
        "site_inspected": _("when %(s)s is inspected") % s,
        "arrest": _("when %(s)s is arrested") % s,
        "request_answered": _("when a request to %(s)s is answered") % s,
    }
    return _get(table, getattr(when, "value", when))


def protection(code: object) -> str:
    """A protection measure a victim received (scores of the after-action report)."""
    return _get(
        {
            "own_language": _("interviewed in own language"),
            "safe_interview": _("interviewed in a safe place"),
            "trauma_informed": _("trauma-informed"),
            "referred_to_assistance": _("referred to assistance"),
            "recovery_period_or_child_protection": _("recovery period or child protection"),
            "legal_advice": _("legal advice"),
        },
        code,
    )


def measure(code: object) -> str:
    """A measure against the procedure's targets."""
    return _get(
        {
            "first_contact_days": _("days to first contact"),
            "identification_days": _("days to identification"),
            "referral_days": _("days to referral"),
            "cross_border_reply_days": _("days to a cross-border reply"),
        },
        code,
    )


def element_status(code: object) -> str:
    """How an element of the offence (act, means, purpose) is established."""
    return _get(
        {
            "documented": _("documented"),
            "stated": _("stated by a victim"),
            "missing": _("not established"),
        },
        code,
    )


def trust_reason(code: object) -> str:
    """Why a persona's trust moved (the role player's "recent treatment")."""
    return _get(
        {
            "repeated_questioning": _("questioned again without need"),
            "interpreter_in_language": _("interpreter in their language"),
            "safe_place": _("safe place"),
            "same_interviewer": _("same interviewer as before"),
            "trauma_informed": _("trauma-informed approach"),
            "confrontational": _("confrontational approach"),
            "threat_of_detention_or_removal": _("threatened with detention or removal"),
            "suspected_exploiter_present": _("suspected exploiter present"),
            "protection_granted": _("protection granted"),
            "controller_override": _("changed by exercise control"),
            "network_tipped_off": _("network tipped off by a media statement"),
        },
        code,
    )


def answer(code: object) -> str:
    """A simulated agency's answer to a cross-border request; a person's answer unchanged."""
    return _get(
        {
            "executed": _("executed"),
            "declined": _("declined"),
            "unavailable": _("no such instrument"),
        },
        code,
    )


def referral_status(status: object) -> str:
    """Where a referral to a played operator stands (``pharos.exercise.assistance``)."""
    return _get(
        {
            "pending": _("pending"),
            "accepted": _("accepted"),
            "declined": _("declined"),
            "lapsed": _("lapsed (the person left)"),
        },
        status,
    )


def referral_ground(code: object) -> str:
    """The ground on which an unaccompanied child's referral to child protection is declined."""
    return _get(
        {
            "assessed_as_adult": _("assessed as an adult"),
            "in_care_of_another_service": _("in the care of another child-protection service"),
        },
        code,
    )


def charge_status(status: object) -> str:
    """A charging decision's status."""
    return _get({"charged": _("charged"), "dropped": _("dropped"), "pending": _("pending")}, status)


def engine_reason(text: object) -> str:
    """The reason an agency nobody plays gives (``pharos.sim.policies``); a person's own reason
    comes back as written."""
    return _get(
        {
            "competent to identify": _("competent to identify"),
            "refer to the competent body": _("refer to the competent body"),
            "every identified victim is offered a place": _(
                "every identified victim is offered a place"
            ),
            "no instrument between the states": _("no instrument between the states"),
            "fastest useful reply": _("fastest useful reply"),
            "the request can be executed": _("the request can be executed"),
            "the request cannot be executed": _("the request cannot be executed"),
            "sufficient evidence": _("sufficient evidence"),
            "insufficient evidence": _("insufficient evidence"),
            "the instrument does not operate between the states": _(
                "the instrument does not operate between the states"
            ),
        },
        text,
    )


def role(code: object) -> str:
    return _get(
        {"observer": _("Observer"), "role_player": _("Role player"), "player": _("Player")}, code
    )


def decision_point(code: object) -> str:
    return _get(
        {
            "reply": _("reply to a cross-border request"),
            "identification": _("formal identification"),
            "shelter": _("shelter place"),
            "prosecution": _("charging decision"),
        },
        code,
    )


def objective(code: object) -> str:
    """An OSCE training aim by id (the scenario's own title is shown where it is at hand)."""
    return _get(
        {
            "multi_agency_collaboration": _("multi-agency collaboration"),
            "identification_and_referral": _("identification and referral"),
            "victim_centred_protection": _("victim-centred protection"),
            "networks_across_borders": _("networks across borders"),
        },
        code,
    )


#: Every code these functions put into words, by vocabulary (for tests of rendered pages).
CODES: dict[str, tuple[str, ...]] = {
    "groups": tuple(g.value for g in VulnerableGroup),
    "statuses": ("present", "fled"),
    "channels": tuple(c.value for c in Channel),
    "triggers": tuple(t.value for t in TriggerOn),
    "action_types": actions.ACTION_TYPES,
    "approaches": personas.APPROACHES,
    "settings": personas.SETTINGS,
    "referrals": actions.REFERRALS,
    "conclusions": actions.CONCLUSIONS,
    "referral_statuses": ("pending", "accepted", "declined", "lapsed"),
    "referral_grounds": ("assessed_as_adult", "in_care_of_another_service"),
    "evidence_kinds": tuple(k.value for k in EvidenceKind),
    "instruments": tuple(i.value for i in Instrument),
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
