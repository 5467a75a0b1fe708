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
    """HTCDS ``prs_Gender`` (Feminine, Masculine, TransgenderFeminine, TransgenderMasculine,
    NonConforming, NonSpecifiedUnknown)."""

    FEMININE = "feminine"
    MASCULINE = "masculine"
    TRANSGENDER_FEMININE = "transgender_feminine"
    TRANSGENDER_MASCULINE = "transgender_masculine"
    NON_CONFORMING = "non_conforming"
    UNKNOWN = "unknown"  # HTCDS NonSpecifiedUnknown


class VulnerableGroup(StrEnum):
    """Groups whose equal protection Pharos monitors.

    Women, men, girls, boys and unaccompanied children follow UNODC GLOTIP's breakdowns and the
    OSCE's focus; persons with disabilities and LGBTI persons are named by the OSCE/ODIHR NRM
    Handbook (2022) among groups needing specific attention (secondary). Asylum seekers,
    irregular migrants, refugees, stateless persons, internally displaced persons and separated
    children are the migration and protection categories of the HTCDS guidance 7 (verified).
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
    # From the HTCDS guidance 7 (migration and international protection categories):
    REFUGEES = "refugees"
    STATELESS_PERSONS = "stateless_persons"
    INTERNALLY_DISPLACED_PERSONS = "internally_displaced_persons"
    SEPARATED_CHILDREN = "separated_children"


class ForcedLabourIndustry(StrEnum):
    """HTCDS ``vic_ForcedLabourIndustry``: the ISIC Rev. 4 sections, as HTCDS v2.0 lists them."""

    AGRICULTURE_FORESTRY_FISHING = "agriculture_forestry_fishing"
    MINING_QUARRYING = "mining_quarrying"
    MANUFACTURING = "manufacturing"
    ELECTRICITY_GAS_STEAM_AIR_CONDITIONING = "electricity_gas_steam_air_conditioning"
    WATER_SUPPLY_SEWERAGE_WASTE = "water_supply_sewerage_waste"
    CONSTRUCTION = "construction"
    WHOLESALE_RETAIL_TRADE_REPAIR = "wholesale_retail_trade_repair"
    TRANSPORTATION_STORAGE = "transportation_storage"
    ACCOMMODATION_FOOD_SERVICE = "accommodation_food_service"
    INFORMATION_COMMUNICATION = "information_communication"
    FINANCIAL_INSURANCE = "financial_insurance"
    REAL_ESTATE = "real_estate"
    PROFESSIONAL_SCIENTIFIC_TECHNICAL = "professional_scientific_technical"
    ADMINISTRATIVE_SUPPORT_SERVICE = "administrative_support_service"
    PUBLIC_ADMINISTRATION_DEFENCE = "public_administration_defence"
    EDUCATION = "education"
    HUMAN_HEALTH_SOCIAL_WORK = "human_health_social_work"
    ARTS_ENTERTAINMENT_RECREATION = "arts_entertainment_recreation"
    OTHER_SERVICE_ACTIVITIES = "other_service_activities"
    HOUSEHOLDS_AS_EMPLOYERS = "households_as_employers"
    EXTRATERRITORIAL_ORGANIZATIONS = "extraterritorial_organizations"

    @property
    def isic_section(self) -> str:
        """The ISIC section letter (A for agriculture ... U for extraterritorial bodies)."""
        return "ABCDEFGHIJKLMNOPQRSTU"[list(ForcedLabourIndustry).index(self)]


class SexualExploitationType(StrEnum):
    """HTCDS ``vic_TypeOfSexExploitation``."""

    PROSTITUTION = "prostitution"
    PORNOGRAPHY = "pornography"
    REMOTE_INTERACTIVE_SERVICES = "remote_interactive_services"
    PRIVATE_SEXUAL_SERVICES = "private_sexual_services"


class Platform(StrEnum):
    """HTCDS ``vic_RecruitmentWebsitesAndApps`` / ``vic_ExploitationWebsitesAndApps``.

    The online platforms through which a victim was recruited or exploited; they refine the
    recruitment methods ``online_social_networks`` and ``online_advertisement``.
    """

    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    WHATSAPP = "whatsapp"
    TELEGRAM = "telegram"
    FACEBOOK_MESSENGER = "facebook_messenger"
    VIBER = "viber"
    SNAPCHAT = "snapchat"
    LINE = "line"
    FOUR_SALE = "4sale"
    WECHAT = "wechat"
    QQ = "qq"
    QZONE = "qzone"
    TIKTOK = "tiktok"
    TWITTER = "twitter"
    OTHER = "other"


class PerpetratorRole(StrEnum):
    """HTCDS ``per_RoleInProcess``."""

    TRAVELLING_PARTNER = "travelling_partner"
    TRANSPORTER = "transporter"
    RECRUITER_OR_INTERMEDIARY = "recruiter_or_intermediary"
    BROKER_TRAVEL_AGENT = "broker_travel_agent"
    TRANSFERRED_INDIVIDUAL = "transferred_individual"
    HARBOURED_INDIVIDUAL = "harboured_individual"
    SOLD_INDIVIDUAL = "sold_individual"
    BOUGHT_INDIVIDUAL = "bought_individual"
    RECEIVED_INDIVIDUAL = "received_individual"
    CONTROLLED_INDIVIDUAL = "controlled_individual"
    SMUGGLER = "smuggler"
    ABUSER = "abuser"
    KIDNAPPER = "kidnapper"
    EXPLOITER = "exploiter"
    OTHER = "other"


class StatusDecisionMaker(StrEnum):
    """HTCDS ``vic_TraffickingStatusDecisionMakingOrg``: who decided the trafficking status."""

    POLICE = "police"
    NGO = "ngo"
    COURT_OR_PROSECUTION = "court_or_prosecution"
    NON_POLICE_GOVERNMENTAL_ORGANIZATION = "non_police_governmental_organization"
    OTHER = "other"


class MigrantType(StrEnum):
    """Migrant types of the HTCDS guidance 7, "Migration and International Protection"."""

    FAMILY = "family"
    VISITOR_TOURIST = "visitor_tourist"
    LABOUR = "labour"
    STUDENT = "student"
    IRREGULAR_MIGRANT = "irregular_migrant"


class ProtectionStatus(StrEnum):
    """International-protection status, HTCDS guidance 7."""

    ASYLUM_SEEKER = "asylum_seeker"
    REFUGEE = "refugee"
    COMPLEMENTARY_PROTECTION = "complementary_protection"
    STATELESS = "stateless"


class MigrationCategory(StrEnum):
    """Other migration categories of the HTCDS guidance 7."""

    ENVIRONMENTAL = "environmental"
    VULNERABLE = "vulnerable"
    STRANDED = "stranded"
    FORCED_MIGRANT = "forced_migrant"
    DEPORTEE = "deportee"
    EX_COMBATANT = "ex_combatant"
    INTERNALLY_DISPLACED_PERSON = "internally_displaced_person"
    SEPARATED_OR_UNACCOMPANIED_CHILD = "separated_or_unaccompanied_child"
    RETURNEE = "returnee"


class VulnerabilityFactor(StrEnum):
    """Former HTCDS ``vic_Vulnerabilities`` values (deprecated in v2.0 in favour of risk and
    vulnerability assessments; kept because case data and CTDC use them)."""

    ADDICTION = "addiction"
    SOCIAL_GROUP = "social_group"
    DISCRIMINATION = "discrimination"
    POVERTY = "poverty"
    DISABILITY_AND_PHYSICAL_HEALTH = "disability_and_physical_health"
    MENTAL_HEALTH = "mental_health"
    MIGRATION = "migration"
    HOMELESSNESS = "homelessness"
    ABUSE_SOCIAL_MEDIA = "abuse_social_media"
    ABUSE_PHYSICAL = "abuse_physical"
    EDUCATION = "education"
    WORK_ENVIRONMENT = "work_environment"
