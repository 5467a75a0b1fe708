"""Labels and sources of the shared vocabularies (``pharos.domain.vocabulary``).

Labels are the standards' own English wording, marked for translation (``N_``) and translated
where shown (``label(member)``). Every vocabulary names its source.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pharos.domain.vocabulary import (
    ExploitationType,
    ForcedLabourIndustry,
    Gender,
    MethodOfControl,
    MigrantType,
    MigrationCategory,
    PerpetratorRole,
    Platform,
    ProtectionStatus,
    RecruitmentMethod,
    SexualExploitationType,
    StatusDecisionMaker,
    TraffickingStatus,
    VulnerabilityFactor,
    VulnerableGroup,
)
from pharos.i18n import gettext


def N_(message: str) -> str:
    """Mark ``message`` for extraction; it is translated where it is shown."""
    return message


HTCDS = (
    "IOM Human Trafficking Case Data Standard (HTCDS) v2.0, Field Standards and Excel template "
    "(CC BY 4.0)"
)
HTCDS_GUIDANCE = "IOM HTCDS v2.0 Guidance 7, Migration and International Protection (CC BY 4.0)"


@dataclass(frozen=True)
class Vocabulary:
    id: str
    title: str
    members: type[StrEnum]
    source: str
    field: str | None  # the HTCDS field, where there is one
    labels: dict[str, str]
    note: str | None = None


def _labels(enum: type[StrEnum], *labels: str) -> dict[str, str]:
    members = list(enum)
    if len(members) != len(labels):
        raise ValueError(f"{enum.__name__}: {len(members)} members, {len(labels)} labels")
    return {m.value: text for m, text in zip(members, labels, strict=True)}


VOCABULARIES: tuple[Vocabulary, ...] = (
    Vocabulary(
        "exploitation_type", N_("Type of exploitation"), ExploitationType, HTCDS,
        "vic_TypeOfExploitation",
        _labels(ExploitationType, N_("Forced labour"), N_("Sexual exploitation"),
                N_("Child labour"), N_("Forced marriage"), N_("Servitude"),
                N_("Forced military service by non-state actors"), N_("Organ removal"),
                N_("Forced begging"), N_("Forced adoption"), N_("Surrogacy"),
                N_("Forced criminality"), N_("Other")),
        note=N_("Forced criminality is a Pharos extension (CTDC isForcedCriminalActivity)."),
    ),
    Vocabulary(
        "forced_labour_industry", N_("Forced labour industry (ISIC section)"),
        ForcedLabourIndustry, HTCDS, "vic_ForcedLabourIndustry",
        _labels(ForcedLabourIndustry, N_("Agriculture, forestry and fishing"),
                N_("Mining and quarrying"), N_("Manufacturing"),
                N_("Electricity, gas, steam and air conditioning supply"),
                N_("Water supply; sewerage, waste management and remediation"),
                N_("Construction"),
                N_("Wholesale and retail trade; repair of motor vehicles and motorcycles"),
                N_("Transportation and storage"), N_("Accommodation and food service activities"),
                N_("Information and communication"), N_("Financial and insurance activities"),
                N_("Real estate activities"),
                N_("Professional, scientific and technical activities"),
                N_("Administrative and support service activities"),
                N_("Public administration and defence; compulsory social security"),
                N_("Education"), N_("Human health and social work activities"),
                N_("Arts, entertainment and recreation"), N_("Other service activities"),
                N_("Activities of households as employers"),
                N_("Activities of extraterritorial organizations and bodies")),
    ),
    Vocabulary(
        "sexual_exploitation_type", N_("Type of sexual exploitation"), SexualExploitationType,
        HTCDS, "vic_TypeOfSexExploitation",
        _labels(SexualExploitationType, N_("Prostitution"), N_("Pornography"),
                N_("Remote interactive services"), N_("Private sexual services")),
    ),
    Vocabulary(
        "recruitment_method", N_("Method of recruitment"), RecruitmentMethod, HTCDS,
        "vic_MethodOfRecruitment",
        _labels(RecruitmentMethod, N_("At a place of business"),
                N_("At an educational institution"), N_("At work"),
                N_("Through online social networks"), N_("Through an online advertisement"),
                N_("Through a television advert"), N_("Through a newspaper advert"),
                N_("Through family or family events"), N_("Through friends or social events"),
                N_("Other")),
    ),
    Vocabulary(
        "platform", N_("Recruitment or exploitation website or app"), Platform, HTCDS,
        "vic_RecruitmentWebsitesAndApps",
        _labels(Platform, "Facebook", "Instagram", "WhatsApp", "Telegram", "Facebook Messenger",
                "Viber", "Snapchat", "Line", "4Sale", "WeChat", "QQ", "QZone", "TikTok",
                "Twitter", N_("Other")),
        note=N_("Pharos records the platform next to the online recruitment method it refines."),
    ),
    Vocabulary(
        "method_of_control", N_("Method of control"), MethodOfControl, HTCDS,
        "vic_MethodsOfControl",
        _labels(MethodOfControl, N_("Physical threats"), N_("Threats of law enforcement"),
                N_("Threatens children or family"), N_("Debt bondage"), N_("False promises"),
                N_("Physical abuse"), N_("Sexual abuse"), N_("Takes earnings"),
                N_("Restricts financial access"), N_("Restricts medical care"),
                N_("Withholds necessities"), N_("Psychological abuse"),
                N_("Psychoactive substances"), N_("Excessive working hours"),
                N_("Withholds documents"), N_("Other")),
    ),
    Vocabulary(
        "perpetrator_role", N_("Perpetrator's role in the process"), PerpetratorRole, HTCDS,
        "per_RoleInProcess",
        _labels(PerpetratorRole, N_("Travelling partner"), N_("Transporter"),
                N_("Recruiter or intermediary"), N_("Broker or travel agent"),
                N_("Transferred the individual"), N_("Harboured the individual"),
                N_("Sold the individual"), N_("Bought the individual"),
                N_("Received the individual"), N_("Controlled the individual"), N_("Smuggler"),
                N_("Abuser"), N_("Kidnapper"), N_("Exploiter"), N_("Other")),
    ),
    Vocabulary(
        "trafficking_status", N_("Victim status"), TraffickingStatus, HTCDS,
        "vic_TraffickingStatus",
        _labels(TraffickingStatus, N_("Possible victim of trafficking"),
                N_("Actual victim of trafficking"), N_("Not a victim of trafficking")),
    ),
    Vocabulary(
        "status_decision_maker", N_("Organisation that decided the status"),
        StatusDecisionMaker, HTCDS, "vic_TraffickingStatusDecisionMakingOrg",
        _labels(StatusDecisionMaker, N_("Police"), N_("NGO"), N_("Court or prosecution"),
                N_("Non-police governmental organisation"), N_("Other")),
    ),
    Vocabulary(
        "gender", N_("Gender"), Gender, HTCDS, "prs_Gender",
        _labels(Gender, N_("Feminine"), N_("Masculine"), N_("Transgender feminine"),
                N_("Transgender masculine"), N_("Non-conforming"), N_("Not specified or unknown")),
    ),
    Vocabulary(
        "migrant_type", N_("Migrant type"), MigrantType, HTCDS_GUIDANCE, None,
        _labels(MigrantType, N_("Family"), N_("Visitor or tourist"), N_("Labour"), N_("Student"),
                N_("Irregular migrant")),
    ),
    Vocabulary(
        "protection_status", N_("International protection status"), ProtectionStatus,
        HTCDS_GUIDANCE, None,
        _labels(ProtectionStatus, N_("Asylum seeker"), N_("Refugee"),
                N_("Complementary protection"), N_("Stateless")),
    ),
    Vocabulary(
        "migration_category", N_("Other migration category"), MigrationCategory,
        HTCDS_GUIDANCE, None,
        _labels(MigrationCategory, N_("Environmental migrant"), N_("Vulnerable migrant"),
                N_("Stranded migrant"), N_("Forced migrant"), N_("Deportee"),
                N_("Ex-combatant"), N_("Internally displaced person"),
                N_("Separated or unaccompanied child"), N_("Returnee")),
    ),
    Vocabulary(
        "vulnerable_group", N_("Vulnerable group"), VulnerableGroup,
        "UNODC GLOTIP breakdowns; OSCE/ODIHR NRM Handbook (2022, secondary); HTCDS guidance 7",
        None,
        _labels(VulnerableGroup, N_("Women"), N_("Men"), N_("Girls"), N_("Boys"),
                N_("Unaccompanied children"), N_("Persons with disabilities"),
                N_("LGBTI persons"), N_("Asylum seekers"), N_("Irregular migrants"),
                N_("Refugees"), N_("Stateless persons"), N_("Internally displaced persons"),
                N_("Separated children")),
    ),
    Vocabulary(
        "vulnerability_factor", N_("Vulnerability (HTCDS v1, deprecated)"), VulnerabilityFactor,
        HTCDS, "vic_Vulnerabilities",
        _labels(VulnerabilityFactor, N_("Addiction"), N_("Social group"), N_("Discrimination"),
                N_("Poverty"), N_("Disability and physical health"), N_("Mental health"),
                N_("Migration"), N_("Homelessness"), N_("Abuse through social media"),
                N_("Physical abuse"), N_("Education"), N_("Work environment")),
        note=N_("Deprecated in HTCDS v2.0, replaced by risk and vulnerability assessments."),
    ),
)  # fmt: skip

_BY_ENUM: dict[type[StrEnum], Vocabulary] = {v.members: v for v in VOCABULARIES}


def vocabulary(vocabulary_id: str) -> Vocabulary:
    """The vocabulary with this id (``exploitation_type``, ``platform``, ...)."""
    for v in VOCABULARIES:
        if v.id == vocabulary_id:
            return v
    raise KeyError(vocabulary_id)


def label(member: StrEnum) -> str:
    """The standard's wording for ``member``, in the current language."""
    return gettext(_BY_ENUM[type(member)].labels[member.value])
