"""Case-management vocabularies of HTCDS v2.0 not in the domain core (``cas_Status``,
``hte_Type``, ``spl_Type``, referral reasons) plus Pharos's referral stages and request types,
with translated labels. Source: IOM HTCDS v2.0 Field Standards (CC BY 4.0); NRM pillars from
the OSCE/ODIHR NRM Handbook (2022); TRM stages from ICMPD's TRM-EU Guidelines (2010)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from babel.support import LazyProxy

from pharos.domain.cooperation import instruments
from pharos.domain.practitioners import PRACTITIONER_LABELS, PractitionerKind
from pharos.domain.screening_types import Act
from pharos.i18n import lazy_gettext, lazy_pgettext


class CaseStatus(StrEnum):
    """HTCDS ``cas_Status``."""

    ACTIVE = "active"
    FOLLOW_UP = "follow_up"
    CLOSED = "closed"
    CLOSED_REFERRED = "closed_referred"


class EventType(StrEnum):
    """HTCDS ``hte_Type``."""

    RECRUITMENT = "recruitment"
    TRANSIT = "transit"
    EXPLOITATION = "exploitation"


class SupportPlanType(StrEnum):
    """HTCDS ``spl_Type``."""

    EDUCATION = "education"
    FINANCIAL = "financial"
    HEALTH = "health"
    LABOUR_EXPLOITATION_REHABILITATION = "labour_exploitation_rehabilitation"
    LEGAL = "legal"
    LIVELIHOOD = "livelihood"
    RIGHTS_BASED_TRAINING = "rights_based_training"
    SEXUAL_EXPLOITATION_REHABILITATION = "sexual_exploitation_rehabilitation"
    SOCIAL_CARE = "social_care"


class ReferralReason(StrEnum):
    """HTCDS ``cas_ReasonForOutgoingReferral``."""

    ADDITIONAL_SERVICES_REQUIRED = "additional_services_required"
    MIGRATION_OR_CHANGE_OF_LOCATION = "migration_or_change_of_location"
    OTHER = "other"


class PersonRole(StrEnum):
    VICTIM = "victim"
    PERPETRATOR = "perpetrator"


class ReferralStatus(StrEnum):
    """Primero's transition states (domain reference 5.3)."""

    IN_PROGRESS = "in_progress"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    DONE = "done"
    REVOKED = "revoked"


class RequestStatus(StrEnum):
    SENT = "sent"
    ANSWERED = "answered"
    WITHDRAWN = "withdrawn"


CASE_STATUS_LABELS: dict[CaseStatus, LazyProxy] = {
    CaseStatus.ACTIVE: lazy_gettext("Active"),
    CaseStatus.FOLLOW_UP: lazy_gettext("Follow-up"),
    CaseStatus.CLOSED: lazy_gettext("Closed"),
    CaseStatus.CLOSED_REFERRED: lazy_gettext("Closed (referred)"),
}
EVENT_LABELS: dict[EventType, LazyProxy] = {
    EventType.RECRUITMENT: lazy_gettext("Recruitment"),
    EventType.TRANSIT: lazy_gettext("Transit"),
    EventType.EXPLOITATION: lazy_gettext("Exploitation"),
}
SUPPORT_PLAN_LABELS: dict[SupportPlanType, LazyProxy] = {
    SupportPlanType.EDUCATION: lazy_gettext("Education"),
    SupportPlanType.FINANCIAL: lazy_gettext("Financial"),
    SupportPlanType.HEALTH: lazy_gettext("Health"),
    SupportPlanType.LABOUR_EXPLOITATION_REHABILITATION: lazy_gettext(
        "Labour exploitation rehabilitation"
    ),
    SupportPlanType.LEGAL: lazy_gettext("Legal"),
    SupportPlanType.LIVELIHOOD: lazy_gettext("Livelihood"),
    SupportPlanType.RIGHTS_BASED_TRAINING: lazy_gettext("Rights-based training"),
    SupportPlanType.SEXUAL_EXPLOITATION_REHABILITATION: lazy_gettext(
        "Sexual exploitation rehabilitation"
    ),
    SupportPlanType.SOCIAL_CARE: lazy_gettext("Social care"),
}
REFERRAL_REASON_LABELS: dict[ReferralReason, LazyProxy] = {
    ReferralReason.ADDITIONAL_SERVICES_REQUIRED: lazy_gettext("Additional services required"),
    ReferralReason.MIGRATION_OR_CHANGE_OF_LOCATION: lazy_gettext("Migration or change of location"),
    ReferralReason.OTHER: lazy_gettext("Other"),
}
REFERRAL_STATUS_LABELS: dict[ReferralStatus, LazyProxy] = {
    ReferralStatus.IN_PROGRESS: lazy_gettext("In progress"),
    ReferralStatus.ACCEPTED: lazy_gettext("Accepted"),
    ReferralStatus.REJECTED: lazy_gettext("Rejected"),
    ReferralStatus.DONE: lazy_gettext("Done"),
    # "Revoked" alone is also a date column (a revoked token): a status has its own words
    ReferralStatus.REVOKED: lazy_pgettext("referral status", "Revoked"),
}
REQUEST_STATUS_LABELS: dict[RequestStatus, LazyProxy] = {
    RequestStatus.SENT: lazy_gettext("Awaiting answer"),
    RequestStatus.ANSWERED: lazy_gettext("Answered"),
    RequestStatus.WITHDRAWN: lazy_gettext("Withdrawn"),
}
PERSON_ROLE_LABELS: dict[PersonRole, LazyProxy] = {
    PersonRole.VICTIM: lazy_gettext("Possible victim"),
    PersonRole.PERPETRATOR: lazy_gettext("Perpetrator"),
}
#: The five transnational referral stages (ICMPD TRM), one SOP each.
TRM_STAGES: dict[int, LazyProxy] = {
    1: lazy_gettext("Identification"),
    2: lazy_gettext("First assistance and protection"),
    3: lazy_gettext("Long-term assistance and social inclusion"),
    4: lazy_gettext("Return and social inclusion"),
    5: lazy_gettext("Criminal and civil proceedings"),
}
#: The four pillars of a national referral mechanism (OSCE/ODIHR NRM Handbook, 2022).
NRM_PILLARS: dict[int, LazyProxy] = {
    1: lazy_gettext("Identification and protection"),
    2: lazy_gettext("Individual support and access to services"),
    3: lazy_gettext("Social inclusion"),
    4: lazy_gettext("Criminal justice and redress"),
}
#: What each pillar and stage means in practice, shown next to its name where a referral is
#: made or answered (after the OSCE/ODIHR NRM Handbook, 2022, and ICMPD's TRM-EU Guidelines,
#: 2010: domain reference, section 6).
NRM_MEANINGS: dict[int, LazyProxy] = {
    1: lazy_gettext("recognising a presumed victim and keeping them safe"),
    2: lazy_gettext("shelter, medical, psychological and legal help, interpretation"),
    3: lazy_gettext("housing, education, work and residence for the longer term"),
    4: lazy_gettext("police and prosecutors: investigation, testimony, compensation"),
}
TRM_MEANINGS: dict[int, LazyProxy] = {
    1: lazy_gettext("screening and identifying the person where they are found"),
    2: lazy_gettext("immediate safety, shelter, medical care, the reflection period"),
    3: lazy_gettext("residence, housing, education and work in the destination country"),
    4: lazy_gettext("safe, voluntary return and reintegration in the country of origin"),
    5: lazy_gettext("investigation, prosecution, testimony and compensation across borders"),
}
#: The acts of the Palermo Protocol's definition (Art. 3(a)) a screening records.
ACT_LABELS: dict[Act, LazyProxy] = {
    Act.RECRUITMENT: lazy_pgettext("Palermo act", "Recruitment"),
    Act.TRANSPORT: lazy_pgettext("Palermo act", "Transport"),
    Act.TRANSFER: lazy_pgettext("Palermo act", "Transfer"),
    Act.HARBOURING: lazy_pgettext("Palermo act", "Harbouring"),
    Act.RECEIPT: lazy_pgettext("Palermo act", "Receipt"),
}
#: request types: the instruments' labels (``data/instruments.yaml``, ``instruments`` catalogs)
INSTRUMENT_LABELS: dict[str, LazyProxy] = {
    spec.id: lazy_gettext(spec.label) for spec in instruments().values()
}
KIND_LABELS: dict[str, LazyProxy] = {
    PractitionerKind.LAW_ENFORCEMENT.value: lazy_gettext("Law enforcement"),
    PractitionerKind.PUBLIC_PROSECUTOR.value: lazy_gettext("Public prosecutor"),
    PractitionerKind.MIGRATION_ASYLUM.value: lazy_gettext("Migration officer or asylum authority"),
    PractitionerKind.LAWYER.value: lazy_gettext("Lawyer"),
    PractitionerKind.LABOUR_INSPECTOR.value: lazy_gettext("Labour inspector"),
    PractitionerKind.SOCIAL_WELFARE.value: lazy_gettext("Social welfare practitioner"),
    PractitionerKind.NGO.value: lazy_gettext("Non-governmental organisation"),
    PractitionerKind.JOURNALIST.value: lazy_gettext("Journalist"),
    PractitionerKind.BORDER_GUARD.value: lazy_gettext("Border guard"),
    PractitionerKind.FINANCIAL_INVESTIGATOR.value: lazy_gettext("Financial investigator"),
    PractitionerKind.INTERPRETER_MEDIATOR.value: lazy_gettext("Interpreter or cultural mediator"),
    PractitionerKind.NATIONAL_COORDINATOR.value: lazy_gettext(
        "National anti-trafficking coordinator or rapporteur"
    ),
    PractitionerKind.INTERNATIONAL_ORGANISATION.value: lazy_gettext("International organisation"),
}
assert set(KIND_LABELS) == {k.value for k in PRACTITIONER_LABELS}
LANGUAGE_LABELS: dict[str, LazyProxy] = {
    "ar": lazy_gettext("Arabic"),
    "en": lazy_gettext("English"),
    "fr": lazy_gettext("French"),
    "it": lazy_gettext("Italian"),
    "el": lazy_gettext("Greek"),
    "es": lazy_gettext("Spanish"),
    "mt": lazy_gettext("Maltese"),
}


AUDIT_LABELS: dict[str, LazyProxy] = {
    "read": lazy_gettext("read"),
    "create": lazy_gettext("created"),
    "add_person": lazy_gettext("added a person"),
    "add_event": lazy_gettext("added an event"),
    "record_consent": lazy_gettext("recorded consent"),
    "override_consent": lazy_gettext("overrode a missing consent"),
    "add_support_plan": lazy_gettext("added a support plan"),
    "add_note": lazy_gettext("added a note"),
    "edit_person": lazy_gettext("edited a person"),
    "edit_event": lazy_gettext("edited an event"),
    "edit_note": lazy_gettext("edited a note"),
    "edit_support_plan": lazy_gettext("edited a support plan"),
    "assign_task": lazy_gettext("gave a task"),
    "assign_case": lazy_gettext("assigned the case"),
    "edit_task": lazy_gettext("changed a task"),
    "complete_task": lazy_gettext("marked a task done"),
    "set_status": lazy_gettext("changed the status"),
    "grant_reflection_period": lazy_gettext("granted the reflection period"),
    "flag_duplicate": lazy_gettext("flagged a possible duplicate"),
    "resolve_duplicate": lazy_gettext("resolved a possible duplicate"),
    "accept": lazy_gettext("accepted"),
    "reject": lazy_gettext("rejected"),
    "revoke": lazy_gettext("revoked"),
    "done": lazy_gettext("marked done"),
    "transfer_ownership": lazy_gettext("ownership transferred"),
    "send": lazy_gettext("sent"),
    "reply": lazy_gettext("replied"),
    "remind": lazy_gettext("reminder sent"),
    "escalate": lazy_gettext("escalated"),
    "withdraw": lazy_gettext("withdrew"),
    "identify": lazy_gettext("recorded the trafficking status"),
    "attach_screening": lazy_gettext("attached a screening"),
    "exercise_refused": lazy_gettext("refused an exercise action"),
    "update": lazy_gettext("changed"),
    "delete": lazy_gettext("deleted"),
    "archive": lazy_gettext("archived"),
    "restore": lazy_gettext("restored from the archive"),
    "cancel": lazy_gettext("cancelled"),
    "import": lazy_gettext("imported"),
    "export": lazy_gettext("exported"),
    "publish": lazy_gettext("published"),
    "download": lazy_gettext("downloaded"),
    "upload": lazy_gettext("uploaded"),
    "refuse_upload": lazy_gettext("refused a file"),
    "screen": lazy_gettext("screened"),
    "estimate_from_cases": lazy_gettext("estimated the hidden figure from cases"),
    "load_demo": lazy_gettext("loaded the demo"),
    "login": lazy_gettext("signed in"),
    "failed_login": lazy_gettext("failed to sign in"),
    "confirm_password": lazy_gettext("confirmed their password"),
    "unlock": lazy_gettext("forgot the failed sign-ins"),
    "set_password": lazy_gettext("set a new password"),
    "create_token": lazy_gettext("created an API token"),
    "revoke_tokens": lazy_gettext("revoked the API tokens"),
    "deactivate": lazy_gettext("deactivated"),
    "reactivate": lazy_gettext("reactivated"),
}
RESOURCE_LABELS: dict[str, LazyProxy] = {
    "case": lazy_gettext("case"),
    "referral": lazy_gettext("referral"),
    "task": lazy_gettext("task"),
    "transfer": lazy_gettext("transfer"),
    "request": lazy_gettext("request"),
    "exercise_action": lazy_gettext("exercise action"),
    "exercise": lazy_gettext("exercise"),
    "screening": lazy_gettext("screening"),
    "account": lazy_gettext("account"),
    "directory": lazy_gettext("directory"),
    "estimate": lazy_gettext("estimate"),
    "improvement": lazy_gettext("improvement action"),
    "lesson": lazy_gettext("lesson"),
    "learn_dataset": lazy_gettext("dataset"),
    "learn_export": lazy_gettext("k-anonymous export"),
    "case_file": lazy_gettext("case file (PDF)"),
    "case_list": lazy_gettext("case list (CSV)"),
    "attachment": lazy_gettext("attached file"),
    "simulation": lazy_gettext("simulation run"),
}


#: why an upload was refused (``attachments.Refused``; the code the audit trail keeps)
UPLOAD_REFUSALS: dict[str, LazyProxy] = {
    "empty": lazy_gettext("the file was empty"),
    "too_large": lazy_gettext("the file was larger than the limit"),
    "markup": lazy_gettext("the file was markup or script (HTML, SVG, XML)"),
    "type": lazy_gettext("the file was of a type Pharos does not keep"),
}


def audit_label(action: str, resource: str, detail: str | None = None) -> str:
    """What an audit entry says on the audit pages: the action and the resource, translated,
    and for a refused upload why it was refused (``detail`` is the entry's JSON)."""
    label = f"{AUDIT_LABELS.get(action, action)} · {RESOURCE_LABELS.get(resource, resource)}"
    if action == "refuse_upload" and detail:
        reason = json.loads(detail).get("reason")
        if reason in UPLOAD_REFUSALS:
            label += f" ({UPLOAD_REFUSALS[reason]})"
    return label


def options(labels: Mapping[Any, Any]) -> list[tuple[str, str]]:
    """(value, translated label) pairs for a select or checkbox list."""
    return [(str(k), str(v)) for k, v in labels.items()]
