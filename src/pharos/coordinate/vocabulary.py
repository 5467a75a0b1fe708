"""Case-management vocabularies of HTCDS v2.0 not in the domain core (``cas_Status``,
``hte_Type``, ``spl_Type``, referral reasons) plus Pharos's referral stages and request types,
with translated labels. Source: IOM HTCDS v2.0 Field Standards (CC BY 4.0); NRM pillars from
the OSCE/ODIHR NRM Handbook (2022); TRM stages from ICMPD's TRM-EU Guidelines (2010)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from babel.support import LazyProxy

from pharos.domain.cooperation import Instrument
from pharos.domain.practitioners import PRACTITIONER_LABELS, PractitionerKind
from pharos.i18n import lazy_gettext as L


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
    CaseStatus.ACTIVE: L("Active"),
    CaseStatus.FOLLOW_UP: L("Follow-up"),
    CaseStatus.CLOSED: L("Closed"),
    CaseStatus.CLOSED_REFERRED: L("Closed (referred)"),
}
EVENT_LABELS: dict[EventType, LazyProxy] = {
    EventType.RECRUITMENT: L("Recruitment"),
    EventType.TRANSIT: L("Transit"),
    EventType.EXPLOITATION: L("Exploitation"),
}
SUPPORT_PLAN_LABELS: dict[SupportPlanType, LazyProxy] = {
    SupportPlanType.EDUCATION: L("Education"),
    SupportPlanType.FINANCIAL: L("Financial"),
    SupportPlanType.HEALTH: L("Health"),
    SupportPlanType.LABOUR_EXPLOITATION_REHABILITATION: L("Labour exploitation rehabilitation"),
    SupportPlanType.LEGAL: L("Legal"),
    SupportPlanType.LIVELIHOOD: L("Livelihood"),
    SupportPlanType.RIGHTS_BASED_TRAINING: L("Rights-based training"),
    SupportPlanType.SEXUAL_EXPLOITATION_REHABILITATION: L("Sexual exploitation rehabilitation"),
    SupportPlanType.SOCIAL_CARE: L("Social care"),
}
REFERRAL_REASON_LABELS: dict[ReferralReason, LazyProxy] = {
    ReferralReason.ADDITIONAL_SERVICES_REQUIRED: L("Additional services required"),
    ReferralReason.MIGRATION_OR_CHANGE_OF_LOCATION: L("Migration or change of location"),
    ReferralReason.OTHER: L("Other"),
}
REFERRAL_STATUS_LABELS: dict[ReferralStatus, LazyProxy] = {
    ReferralStatus.IN_PROGRESS: L("In progress"),
    ReferralStatus.ACCEPTED: L("Accepted"),
    ReferralStatus.REJECTED: L("Rejected"),
    ReferralStatus.DONE: L("Done"),
    ReferralStatus.REVOKED: L("Revoked"),
}
REQUEST_STATUS_LABELS: dict[RequestStatus, LazyProxy] = {
    RequestStatus.SENT: L("Awaiting answer"),
    RequestStatus.ANSWERED: L("Answered"),
    RequestStatus.WITHDRAWN: L("Withdrawn"),
}
PERSON_ROLE_LABELS: dict[PersonRole, LazyProxy] = {
    PersonRole.VICTIM: L("Possible victim"),
    PersonRole.PERPETRATOR: L("Perpetrator"),
}
#: The five transnational referral stages (ICMPD TRM), one SOP each.
TRM_STAGES: dict[int, LazyProxy] = {
    1: L("Identification"),
    2: L("First assistance and protection"),
    3: L("Long-term assistance and social inclusion"),
    4: L("Return and social inclusion"),
    5: L("Criminal and civil proceedings"),
}
#: The four pillars of a national referral mechanism (OSCE/ODIHR NRM Handbook, 2022).
NRM_PILLARS: dict[int, LazyProxy] = {
    1: L("Identification and protection"),
    2: L("Individual support and access to services"),
    3: L("Social inclusion"),
    4: L("Criminal justice and redress"),
}
INSTRUMENT_LABELS: dict[Instrument, LazyProxy] = {
    Instrument.POLICE_INFORMATION_EXCHANGE: L("Police information exchange"),
    Instrument.MUTUAL_LEGAL_ASSISTANCE: L("Mutual legal assistance"),
    Instrument.EUROPEAN_INVESTIGATION_ORDER: L("European Investigation Order"),
    Instrument.JOINT_INVESTIGATION_TEAM: L("Joint investigation team proposal"),
    Instrument.FAMILY_SAFETY_CHECK: L("Family safety check"),
    Instrument.PRE_RETURN_RISK_ASSESSMENT: L("Pre-return risk assessment"),
    Instrument.RETURN_AND_RECEPTION: L("Return and reception"),
}
KIND_LABELS: dict[str, LazyProxy] = {
    PractitionerKind.LAW_ENFORCEMENT.value: L("Law enforcement"),
    PractitionerKind.PUBLIC_PROSECUTOR.value: L("Public prosecutor"),
    PractitionerKind.MIGRATION_ASYLUM.value: L("Migration officer or asylum authority"),
    PractitionerKind.LAWYER.value: L("Lawyer"),
    PractitionerKind.LABOUR_INSPECTOR.value: L("Labour inspector"),
    PractitionerKind.SOCIAL_WELFARE.value: L("Social welfare practitioner"),
    PractitionerKind.NGO.value: L("Non-governmental organisation"),
    PractitionerKind.JOURNALIST.value: L("Journalist"),
    PractitionerKind.BORDER_GUARD.value: L("Border guard"),
    PractitionerKind.FINANCIAL_INVESTIGATOR.value: L("Financial investigator"),
    PractitionerKind.INTERPRETER_MEDIATOR.value: L("Interpreter or cultural mediator"),
    PractitionerKind.NATIONAL_COORDINATOR.value: L(
        "National anti-trafficking coordinator or rapporteur"
    ),
    PractitionerKind.INTERNATIONAL_ORGANISATION.value: L("International organisation"),
}
assert set(KIND_LABELS) == {k.value for k in PRACTITIONER_LABELS}
STATE_LABELS: dict[str, LazyProxy] = {
    "DZA": L("Algeria"),
    "EGY": L("Egypt"),
    "TUN": L("Tunisia"),
    "ITA": L("Italy"),
    "GRC": L("Greece"),
    "MLT": L("Malta"),
    "ESP": L("Spain"),
}
LANGUAGE_LABELS: dict[str, LazyProxy] = {
    "ar": L("Arabic"),
    "en": L("English"),
    "fr": L("French"),
    "it": L("Italian"),
    "el": L("Greek"),
    "es": L("Spanish"),
    "mt": L("Maltese"),
}


def options(labels: Mapping[Any, Any]) -> list[tuple[str, str]]:
    """(value, translated label) pairs for a select or checkbox list."""
    return [(str(k), str(v)) for k, v in labels.items()]
