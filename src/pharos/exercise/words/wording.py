"""Words for the exercise's codes: what a page shows instead of ``call_note`` or ``fled``.

Every code-level value an exercise page shows (vulnerable groups, persona statuses, inject
channels, trigger conditions, interview approaches and settings, referral destinations,
screening conclusions, evidence kinds, protection measures, score measures, trust reasons,
decision points, states, languages, instruments, agency kinds) goes through one of these
functions, translated in the current language; a player action's name is declared with the
action (``pharos.exercise.rules.actions``). An unknown code comes back unchanged, so a page never
fails on a value it has no word for. ``pharos.exercise.story.describe.CODES`` lists the
vocabularies, for tests that look for raw codes on a rendered page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from babel.support import LazyProxy

from pharos.coordinate import vocabulary as cv
from pharos.domain import cooperation
from pharos.domain.geography import country_name
from pharos.domain.vocabulary import VulnerableGroup
from pharos.domain.vocabulary_labels import label
from pharos.i18n import _, current_locale, lazy_gettext, lazy_pgettext

#: Languages that write the name of a language in lower case inside a sentence.
LOWER_CASE_LANGUAGE_NAMES = frozenset({"fr", "it", "el", "es"})


_CHOICES: dict[str, LazyProxy] = {
    "trauma_informed": lazy_gettext("trauma-informed"),
    "standard": lazy_gettext("standard"),
    "confrontational": lazy_gettext("confrontational"),
    "where_found": lazy_gettext("where the person was found"),
    "police_station": lazy_gettext("police station"),
    "office": lazy_gettext("our office"),
    "shelter": lazy_gettext("shelter"),
    "competent_authority": lazy_gettext("competent authority (identification)"),
    "ngo_assistance": lazy_gettext("NGO assistance"),
    "child_protection": lazy_gettext("child protection"),
    "health": lazy_gettext("health services"),
    "legal_aid": lazy_gettext("legal aid"),
    "possible_victim": lazy_gettext("possible victim"),
    "not_a_victim": lazy_gettext("not a victim"),
    "insufficient_information": lazy_gettext("insufficient information"),
    "ready": lazy_gettext("ready"),
    "running": lazy_gettext("running"),
    "paused": lazy_gettext("paused"),
    "ended": lazy_gettext("ended"),
    "message": lazy_gettext("message"),
    "email": lazy_gettext("e-mail"),
    "call_note": lazy_gettext("call note"),
    "news": lazy_gettext("news"),
}


def choices() -> dict[str, str]:
    """The exercise's fixed choices: approaches, settings, referrals, conclusions, clock statuses,
    channels (the labels the player forms show)."""
    return {k: str(v) for k, v in _CHOICES.items()}


def _get(table: Mapping[str, Any], code: object) -> str:
    key = "" if code is None else str(code)
    return str(table[key]) if key in table else key


def choice(code: object) -> str:
    return _get(_CHOICES, code)


def channel(code: object) -> str:
    return choice(code)


def group(code: object) -> str:
    """A vulnerable group (``irregular_migrants``), in the domain vocabulary's words."""
    try:
        return label(VulnerableGroup(str(code)))
    except ValueError:
        return str(code)


_PERSONA_STATUS: dict[str, LazyProxy] = {
    "present": lazy_pgettext("persona", "present"),
    "fled": lazy_gettext("has fled"),
}


def persona_status(code: object) -> str:
    return _get(_PERSONA_STATUS, code)


class CountryName(str):
    """A country's name (a ``str``) that remembers its ISO3 ``code``: the case files keep the
    code, so that a page says the name in its reader's language (``case_words.data``)."""

    code: str

    def __new__(cls, name: str, code: str) -> CountryName:
        self = super().__new__(cls, name)
        self.code = code
        return self

    def __str__(self) -> str:
        return self


def country(code: object) -> str:
    """A state or nationality (ISO3) by its name in the current language (CLDR's, through
    ``geography.country_name``); a code that names no country as it is."""
    key = "" if code is None else str(code)
    if not key:
        return key
    name = country_name(key)
    return CountryName(name, key.upper()) if name != key else key


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
    return cooperation.label(code)


def instrument_channel(text: object) -> str:
    """The channel of an instrument (``pharos.domain.cooperation``), translated."""
    return cooperation.words(str(text))


_EVIDENCE_KIND: dict[str, LazyProxy] = {
    "job_ad": lazy_gettext("job advertisement"),
    "chat_transcript": lazy_gettext("chat transcript"),
    "payslip": lazy_gettext("payslip"),
    "bank_transfer": lazy_gettext("bank transfer"),
    "phone_data": lazy_gettext("phone data"),
    "contract": lazy_gettext("contract"),
    "statement": lazy_gettext("statement"),
}


def evidence_kind(code: object) -> str:
    return _get(
        _EVIDENCE_KIND,
        getattr(code, "value", code),
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


_PROTECTION: dict[str, LazyProxy] = {
    "own_language": lazy_gettext("interviewed in own language"),
    "safe_interview": lazy_gettext("interviewed in a safe place"),
    "trauma_informed": lazy_gettext("trauma-informed"),
    "referred_to_assistance": lazy_gettext("referred to assistance"),
    "recovery_period_or_child_protection": lazy_gettext("recovery period or child protection"),
    "legal_advice": lazy_gettext("legal advice"),
}


def protection(code: object) -> str:
    """A protection measure a victim received (scores of the after-action report)."""
    return _get(
        _PROTECTION,
        code,
    )


_MEASURE: dict[str, LazyProxy] = {
    "first_contact_days": lazy_gettext("days to first contact"),
    "identification_days": lazy_gettext("days to identification"),
    "referral_days": lazy_gettext("days to referral"),
    "cross_border_reply_days": lazy_gettext("days to a cross-border reply"),
}


def measure(code: object) -> str:
    """A measure against the procedure's targets."""
    return _get(
        _MEASURE,
        code,
    )


_ELEMENT_STATUS: dict[str, LazyProxy] = {
    "documented": lazy_gettext("documented"),
    "stated": lazy_gettext("stated by a victim"),
    "missing": lazy_gettext("not established"),
}


def element_status(code: object) -> str:
    """How an element of the offence (act, means, purpose) is established."""
    return _get(
        _ELEMENT_STATUS,
        code,
    )


_TRUST_REASON: dict[str, LazyProxy] = {
    "repeated_questioning": lazy_gettext("questioned again without need"),
    "interpreter_in_language": lazy_gettext("interpreter in their language"),
    "safe_place": lazy_gettext("safe place"),
    "same_interviewer": lazy_gettext("same interviewer as before"),
    "trauma_informed": lazy_gettext("trauma-informed approach"),
    "confrontational": lazy_gettext("confrontational approach"),
    "threat_of_detention_or_removal": lazy_gettext("threatened with detention or removal"),
    "suspected_exploiter_present": lazy_gettext("suspected exploiter present"),
    "protection_granted": lazy_gettext("protection granted"),
    "controller_override": lazy_gettext("changed by exercise control"),
    "role_player": lazy_gettext("the role player's judgement"),
    "network_tipped_off": lazy_gettext("network tipped off by a media statement"),
}


def trust_reason(code: object) -> str:
    """Why a persona's trust moved (the role player's "recent treatment")."""
    return _get(
        _TRUST_REASON,
        code,
    )


_ANSWER: dict[str, LazyProxy] = {
    "executed": lazy_gettext("executed"),
    "declined": lazy_gettext("declined"),
    "unavailable": lazy_gettext("no such instrument"),
}


def answer(code: object) -> str:
    """A simulated agency's answer to a cross-border request; a person's answer unchanged."""
    return _get(
        _ANSWER,
        code,
    )


_REFERRAL_GROUND: dict[str, LazyProxy] = {
    "assessed_as_adult": lazy_gettext("assessed as an adult"),
    "in_care_of_another_service": lazy_gettext("in the care of another child-protection service"),
}


def referral_ground(code: object) -> str:
    """The ground on which an unaccompanied child's referral to child protection is declined."""
    return _get(
        _REFERRAL_GROUND,
        code,
    )


_CHARGE_STATUS: dict[str, LazyProxy] = {
    "charged": lazy_gettext("charged"),
    "dropped": lazy_gettext("dropped"),
    "pending": lazy_gettext("pending"),
}


def charge_status(status: object) -> str:
    """A charging decision's status."""
    return _get(_CHARGE_STATUS, status)


_ENGINE_REASON: dict[str, LazyProxy] = {
    "competent to identify": lazy_gettext("competent to identify"),
    "refer to the competent body": lazy_gettext("refer to the competent body"),
    "every identified victim is offered a place": lazy_gettext(
        "every identified victim is offered a place"
    ),
    "no instrument between the states": lazy_gettext("no instrument between the states"),
    "fastest useful reply": lazy_gettext("fastest useful reply"),
    "the request can be executed": lazy_gettext("the request can be executed"),
    "the request cannot be executed": lazy_gettext("the request cannot be executed"),
    "sufficient evidence": lazy_gettext("sufficient evidence"),
    "insufficient evidence": lazy_gettext("insufficient evidence"),
    "the instrument does not operate between the states": lazy_gettext(
        "the instrument does not operate between the states"
    ),
}


def engine_reason(text: object) -> str:
    """The reason an agency nobody plays gives (``pharos.sim.policies``); a person's own reason
    comes back as written."""
    return _get(
        _ENGINE_REASON,
        text,
    )


_ROLE: dict[str, LazyProxy] = {
    "observer": lazy_gettext("Observer"),
    "lead_evaluator": lazy_gettext("Lead evaluator"),
    "role_player": lazy_gettext("Role player"),
    "player": lazy_gettext("Player"),
    "director": lazy_gettext("Co-director"),
}


def role(code: object) -> str:
    return _get(_ROLE, code)


_DECISION_POINT: dict[str, LazyProxy] = {
    "reply": lazy_gettext("reply to a cross-border request"),
    "identification": lazy_gettext("formal identification"),
    "shelter": lazy_gettext("shelter place"),
    "prosecution": lazy_gettext("charging decision"),
}


def decision_point(code: object) -> str:
    return _get(
        _DECISION_POINT,
        code,
    )


_OBJECTIVE: dict[str, LazyProxy] = {
    "multi_agency_collaboration": lazy_gettext("multi-agency collaboration"),
    "identification_and_referral": lazy_gettext("identification and referral"),
    "victim_centred_protection": lazy_gettext("victim-centred protection"),
    "networks_across_borders": lazy_gettext("networks across borders"),
}


def objective(code: object) -> str:
    """An OSCE training aim by id (the scenario's own title is shown where it is at hand)."""
    return _get(
        _OBJECTIVE,
        code,
    )


#: HSEEP 2020's ratings of a critical task (Homeland Security Exercise and Evaluation Program,
#: January 2020, exercise evaluation guides), the names as HSEEP gives them and their meanings
#: shortened from its definitions.
_TASK_RATING: dict[str, LazyProxy] = {
    "P": lazy_gettext("Performed without challenges"),
    "S": lazy_gettext("Performed with some challenges"),
    "M": lazy_gettext("Performed with major challenges"),
    "U": lazy_gettext("Unable to be performed"),
}
_TASK_RATING_MEANING: dict[str, LazyProxy] = {
    "P": lazy_gettext(
        "The task was completed in a way that achieved the objective, did not hinder other "
        "activities, added no risk to health or safety and followed the applicable plans, "
        "procedures, regulations and laws."
    ),
    "S": lazy_gettext("As P, but opportunities to make it more effective or efficient were seen."),
    "M": lazy_gettext(
        "The objective was achieved, but completing the task hindered other activities, added "
        "risk to health or safety, or did not follow the applicable plans, procedures, "
        "regulations or laws."
    ),
    "U": lazy_gettext("The task was not performed in a way that achieved the objective."),
}


def task_rating(code: object) -> str:
    """A critical task's rating (P, S, M, U) by its HSEEP name."""
    return _get(_TASK_RATING, code)


def task_rating_meaning(code: object) -> str:
    """What a critical task's rating means (after HSEEP 2020's definitions)."""
    return _get(_TASK_RATING_MEANING, code)
