"""The shared vocabulary, aligned with IOM's Human Trafficking Case Data Standard (HTCDS) v2.0.

Codes are snake_case forms of the HTCDS picklist labels (HTCDS Excel template v2.0, validation
lookups; CC BY 4.0); ``label`` gives the standard's own wording. Values that are Pharos
extensions, not HTCDS picklist entries, say so in their docstring comment.
"""

from __future__ import annotations

from enum import StrEnum


class ExploitationType(StrEnum):
    """HTCDS ``vic_TypeOfExploitation``."""

    FORCED_LABOUR = "forced_labour"
    SEXUAL_EXPLOITATION = "sexual_exploitation"
    CHILD_LABOUR = "child_labour"
    FORCED_MARRIAGE = "forced_marriage"
    SERVITUDE = "servitude"
    FORCED_MILITARY = "forced_military"
    ORGAN_REMOVAL = "organ_removal"
    FORCED_BEGGING = "forced_begging"
    FORCED_ADOPTION = "forced_adoption"
    SURROGACY = "surrogacy"
    # Pharos extension: CTDC codes forced criminal activity (isForcedCriminalActivity); HTCDS
    # has no picklist entry for it. The OSCE Mediterranean work names forced criminality.
    FORCED_CRIMINALITY = "forced_criminality"
    OTHER = "other"


class RecruitmentMethod(StrEnum):
    """HTCDS ``vic_MethodOfRecruitment``."""

    AT_A_PLACE_OF_BUSINESS = "at_a_place_of_business"
    AT_AN_EDUCATIONAL_INSTITUTION = "at_an_educational_institution"
    AT_WORK = "at_work"
    ONLINE_SOCIAL_NETWORKS = "online_social_networks"
    ONLINE_ADVERTISEMENT = "online_advertisement"
    TELEVISION_ADVERT = "television_advert"
    NEWSPAPER_ADVERT = "newspaper_advert"
    FAMILY = "family"
    FRIENDS = "friends"
    OTHER = "other"

    @property
    def is_online(self) -> bool:
        return self in (
            RecruitmentMethod.ONLINE_SOCIAL_NETWORKS,
            RecruitmentMethod.ONLINE_ADVERTISEMENT,
        )


class MethodOfControl(StrEnum):
    """HTCDS ``vic_MethodsOfControl``."""

    PHYSICAL_THREATS = "physical_threats"
    THREATS_OF_LAW_ENFORCEMENT = "threats_of_law_enforcement"
    THREATENS_FAMILY = "threatens_family"
    DEBT_BONDAGE = "debt_bondage"
    FALSE_PROMISES = "false_promises"
    PHYSICAL_ABUSE = "physical_abuse"
    SEXUAL_ABUSE = "sexual_abuse"
    TAKES_EARNINGS = "takes_earnings"
    RESTRICTS_FINANCIAL_ACCESS = "restricts_financial_access"
    RESTRICTS_MEDICAL_CARE = "restricts_medical_care"
    WITHHOLDS_NECESSITIES = "withholds_necessities"
    PSYCHOLOGICAL_ABUSE = "psychological_abuse"
    PSYCHOACTIVE_SUBSTANCE = "psychoactive_substance"
    EXCESSIVE_WORKING_HOURS = "excessive_working_hours"
    WITHHOLDS_DOCUMENTS = "withholds_documents"
    OTHER = "other"


class TraffickingStatus(StrEnum):
    """HTCDS ``vic_TraffickingStatus``."""

    POSSIBLE_VICTIM = "possible_victim"
    ACTUAL_VICTIM = "actual_victim"
    NOT_A_VICTIM = "not_a_victim"


class Gender(StrEnum):
    """HTCDS ``prs_Gender`` (Feminine, Masculine, TransgenderFeminine, TransgenderMasculine)."""

    FEMININE = "feminine"
    MASCULINE = "masculine"
    TRANSGENDER_FEMININE = "transgender_feminine"
    TRANSGENDER_MASCULINE = "transgender_masculine"
    UNKNOWN = "unknown"


class VulnerableGroup(StrEnum):
    """Groups whose equal protection Pharos monitors.

    Women, men, girls, boys and unaccompanied children follow UNODC GLOTIP's breakdowns and the
    OSCE's focus; persons with disabilities and LGBTI persons are named by the OSCE/ODIHR NRM
    Handbook (2022) among groups needing specific attention (secondary).
    """

    WOMEN = "women"
    MEN = "men"
    GIRLS = "girls"
    BOYS = "boys"
    UNACCOMPANIED_CHILDREN = "unaccompanied_children"
    PERSONS_WITH_DISABILITIES = "persons_with_disabilities"
    LGBTI_PERSONS = "lgbti_persons"
    ASYLUM_SEEKERS = "asylum_seekers"
    IRREGULAR_MIGRANTS = "irregular_migrants"
