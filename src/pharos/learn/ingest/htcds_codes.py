"""HTCDS v2.0 fields and picklists, and their mapping onto the learn area's codes.

Source: UNMigration/HTCDS commit 3c2f6537 (HTCDS Field Standards 2.0, the Excel templates'
validation lookups and the XLSForm choices), licence CC BY 4.0.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from pharos.domain.vocabulary import ExploitationType, RecruitmentMethod, TraffickingStatus
from pharos.i18n import _
from pharos.learn import codes

KNOWN_FIELDS: tuple[str, ...] = tuple(
    [
        "cas_CaseOwner",
        "prs_Salutation",
        "prs_FirstName",
        "prs_SecondName",
        "prs_MiddleName",
        "con_Consent",
        "prs_Birthdate",
        "prs_Gender",
        "prs_Citizenship",
        "prs_Title",
        "prs_Email",
        "prs_HomePhone",
        "prs_MobilePhone",
        "prs_MailingCity",
        "prs_MailingCountry",
        "prs_MailingState",
        "prs_MailingStreet",
        "prs_MailingPostalCode",
        "prs_MailingLatitude",
        "prs_MailingLongitude",
        "prs_IdentityNumber",
        "prs_Deceased",
        "prs_MaritalStatus",
        "prs_NumberOfChildren",
        "prs_PrimaryLanguage",
        "prs_SecondaryLanguage",
        "prs_HighestLevelOfEducation",
        "vic_TraffickingStatus",
        "vic_TraffickingStatusDecisionMakingOrg",
        "vic_RelationshipToTrafficker",
        "vic_AgeWhenTrafficked",
        "vic_RecruitmentWebsitesAndApps",
        "vic_ExploitationWebsitesAndApps",
        "vic_MethodOfRecruitment",
        "vic_LocationOfRecruitment",
        "vic_MethodsOfControl",
        "vic_TypeOfExploitation",
        "vic_ForcedLabourIndustry",
        "vic_TypeOfSexExploitation",
        "vic_LocationOfExploitation",
        "cas_Status",
        "cas_ReasonForCaseClosure",
        "cas_ReferringOrganisation",
        "cas_IncomingReferralDate",
        "cas_ReferringPrimaryCaseWorker",
        "cas_ReasonForIncomingReferral",
        "cas_IncomingReferralDetails",
        "cas_ReferredOrganisation",
        "cas_ReferredPrimaryCaseWorker",
        "cas_ReasonForOutgoingReferral",
        "cas_OutgoingReferralDate",
        "cas_OutgoingReferralDetails",
        "spl_Type",
        "spl_PlannedEndDate",
        "spl_ActualEndDate",
        "x_pharos_FirstContactDate",
        "x_pharos_IdentificationDate",
        "x_pharos_ProtectionDate",
        "x_pharos_Unaccompanied",
        "x_pharos_AgeBand",
    ]
)
#: Spellings found in the standard's own files (Excel template, XLSForm).
FIELD_ALIASES = {
    "vic_TraffickinStatusDecisionMakingOrg": "vic_TraffickingStatusDecisionMakingOrg",
    "prs_First_Name": "prs_FirstName",
    "prs_Second_Name": "prs_SecondName",
    "vic_Methods_of_Control": "vic_MethodsOfControl",
}


def _norm(value: str) -> str:
    return re.sub(r"[^a-z0-9]", "", value.lower())


GENDER = {
    "Feminine": "feminine",
    "Masculine": "masculine",
    "TransgenderFeminine": "transgender_feminine",
    "TransgenderMasculine": "transgender_masculine",
    "NonConforming": codes.TRANS_OR_NON_CONFORMING,
    "NonSpecifiedUnknown": None,
}
STATUS = {
    "PossibleVictimOfTrafficking": TraffickingStatus.POSSIBLE_VICTIM.value,
    "ActualVictimOfTrafficking": TraffickingStatus.ACTUAL_VICTIM.value,
    "NotAVictimOfTrafficking": TraffickingStatus.NOT_A_VICTIM.value,
}
DECISION_ORG = ["Police", "NGO", "CourtOrProsecution", "NonPoliceGovernmentalOrganization", "Other"]
RECRUITMENT = {
    "AtAPlaceOfBusiness": RecruitmentMethod.AT_A_PLACE_OF_BUSINESS,
    "AtAnEducationalInstitution": RecruitmentMethod.AT_AN_EDUCATIONAL_INSTITUTION,
    "AtWork": RecruitmentMethod.AT_WORK,
    "ThroughOnlineSocialNetworks": RecruitmentMethod.ONLINE_SOCIAL_NETWORKS,
    "ThroughAnOnlineAdvertisement": RecruitmentMethod.ONLINE_ADVERTISEMENT,
    "ThroughATelevisionAdvert": RecruitmentMethod.TELEVISION_ADVERT,
    "ThroughANewspaperAdvert": RecruitmentMethod.NEWSPAPER_ADVERT,
    "ThroughFamilyOrFamilyEvents": RecruitmentMethod.FAMILY,
    "ThroughFriendsOrSocialEvents": RecruitmentMethod.FRIENDS,
    "Other": RecruitmentMethod.OTHER,
}
#: Picklist value -> composite CTDC means flag (codebook v2024 Appendix II; domain.md §9).
CONTROL = {
    "PhysicalThreats": "threats",
    "ThreatsLawEnforcement": "threats",
    "ThreatensChildrenFamily": "threats",
    "DebtBondage": "debt_bondage_earnings",
    "TakesEarnings": "debt_bondage_earnings",
    "FalsePromises": "false_promises",
    "PhysicalAbuse": "abuse_psy_phy_sex",
    "SexualAbuse": "abuse_psy_phy_sex",
    "PsychologicalAbuse": "abuse_psy_phy_sex",
    "RestrictsFinancialAccess": "deny_basic_needs",
    "RestrictsMedicalCare": "deny_basic_needs",
    "WithholdsNecessities": "deny_basic_needs",
    "RestrictsMovement": "deny_basic_needs",  # extension value (HTCDS definitions, not picklist)
    "PsychoactiveSubstance": "drugs_alcohol",
    "ExcessiveWorkingHours": "excessive_work_hours",
    "WithholdsDocuments": "withhold_docs",
    "Other": None,
}
EXPLOITATION = {
    "ForcedLabour": ExploitationType.FORCED_LABOUR,
    "SexualExploitation": ExploitationType.SEXUAL_EXPLOITATION,
    "ChildLabour": ExploitationType.CHILD_LABOUR,
    "ForcedMarriage": ExploitationType.FORCED_MARRIAGE,
    "Servitude": ExploitationType.SERVITUDE,
    "ForcedMilitaryByNonStateActors": ExploitationType.FORCED_MILITARY,
    "OrganRemoval": ExploitationType.ORGAN_REMOVAL,
    "ForcedBegging": ExploitationType.FORCED_BEGGING,
    "ForcedAdoption": ExploitationType.FORCED_ADOPTION,
    "Surrogacy": ExploitationType.SURROGACY,
    "Other": ExploitationType.OTHER,
}
_ISIC_SECTOR = {"A": "agriculture", "B": "mining_or_drilling", "C": "manufacturing"}
_ISIC_SECTOR |= {"F": "construction", "H": "transportation", "I": "hospitality"}
_ISIC_SECTOR |= {"T": "domestic_work"}
INDUSTRY = {
    "A_AgricultureForestryAndFishing": "A",
    "B_MiningAndQuarrying": "B",
    "C_Manufacturing": "C",
    "D_ElectricityGasSteamAndAirConditioningSupply": "D",
    "E_WaterSupplySewerageWasteManagement": "E",
    "F_Construction": "F",
    "G_WholesaleAndRetailTradeRepairOfMotorVehicles": "G",
    "H_TransportationAndStorage": "H",
    "I_AccommodationAndFoodServiceActivities": "I",
    "J_InformationAndCommunication": "J",
    "K_FinancialAndInsuranceActivities": "K",
    "L_RealEstateActivities": "L",
    "M_ProfessionalScientificAndTechnicalActivities": "M",
    "N_AdministrativeAndSupportServiceActivities": "N",
    "O_PublicAdministrationAndDefence": "O",
    "P_Education": "P",
    "Q_HumanHealthAndSocialWorkActivities": "Q",
    "R_ArtsEntertainmentAndRecreation": "R",
    "S_OtherServiceActivities": "S",
    "T_ActivitiesOfHouseholdsAsEmployers": "T",
    "U_ActivitiesOfExtraterritorialOrganizations": "U",
}
#: Labels of the Excel validation sheet (ISIC section names without the letter).
INDUSTRY_LABELS = {
    "Agriculture, forestry and fishing": "A",
    "Mining and quarrying": "B",
    "Manufacturing": "C",
    "Electricity, gas, steam and air conditioning supply": "D",
    "Water supply; sewerage, waste management and remediation": "E",
    "Construction": "F",
    "Wholesale and retail trade; repair of motor vehicles and motorcycles": "G",
    "Transportation and storage": "H",
    "Accommodation and food service activities": "I",
    "Information and communication": "J",
    "Financial and insurance activities": "K",
    "Real estate activities": "L",
    "Professional, scientific and technical activities": "M",
    "Administrative and support service activities": "N",
    "Public administration and defence; compulsory social security": "O",
    "Education": "P",
    "Human health and social work activities": "Q",
    "Arts, entertainment and recreation": "R",
    "Other service activities": "S",
    "Activities of households as employers; undifferentiated goods- and services- producing "
    "activities of households for own use": "T",
    "Activities of extraterritorial organizations and bodies": "U",
}
SEX = {
    "Prostitution": "prostitution",
    "Pornography": "pornography",
    "RemoteInteractiveServices": "remote_interactive_services",
    "PrivateSexualServices": "private_sexual_services",
}
RELATION = {"Familial": "family", "Acquainted": "other", "Unaquainted": "other"}
CASE_STATUS = ["Active", "FollowUp", "Closed", "ClosedReferred"]
REASON = ["AdditionalServicesRequired", "MigrationOrChangeOfLocation", "Other"]
SUPPORT = [
    "Education",
    "Financial",
    "Health",
    "LabourExploitationRehabilitation",
    "Legal",
    "Livelihood",
    "RightsBasedTraining",
    "SexualExploitationRehabilitation",
    "SocialCare",
]


def _lookup(names: Iterable[str]) -> dict[str, str]:
    """Normalised spelling (name or label) -> value name."""
    return {_norm(n): n for n in names}


_LOOKUPS = {
    "prs_Gender": _lookup(GENDER) | {_norm("Not Specified/Unknown"): "NonSpecifiedUnknown"},
    "vic_TraffickingStatus": _lookup(STATUS),
    "vic_TraffickingStatusDecisionMakingOrg": _lookup(DECISION_ORG),
    "vic_MethodOfRecruitment": _lookup(RECRUITMENT),
    "vic_MethodsOfControl": _lookup(CONTROL)
    | {
        _norm("Physical threats"): "PhysicalThreats",
        _norm("Threats of law enforcement"): "ThreatsLawEnforcement",
        _norm("Threatens children/family"): "ThreatensChildrenFamily",
    },
    "vic_TypeOfExploitation": _lookup(EXPLOITATION)
    | {_norm("Forced military (by non-state actors)"): "ForcedMilitaryByNonStateActors"},
    "vic_ForcedLabourIndustry": _lookup(INDUSTRY)
    | {
        _norm(k): next(n for n, s in INDUSTRY.items() if s == v) for k, v in INDUSTRY_LABELS.items()
    },
    "vic_TypeOfSexExploitation": _lookup(SEX),
    "vic_RelationshipToTrafficker": _lookup(RELATION),
    "cas_Status": _lookup(CASE_STATUS),
    "cas_ReasonForIncomingReferral": _lookup(REASON),
    "cas_ReasonForOutgoingReferral": _lookup(REASON),
    "spl_Type": _lookup(SUPPORT),
}
MULTI = {
    "vic_MethodOfRecruitment",
    "vic_MethodsOfControl",
    "vic_TypeOfExploitation",
    "vic_ForcedLabourIndustry",
    "vic_TypeOfSexExploitation",
    "prs_Citizenship",
    "spl_Type",
}


def picklist(field: str, text: str, problems: list[tuple[str, str, str]]) -> list[str]:
    """The value names in a (multi-)select cell; an unknown value is recorded in ``problems``.

    Multi-select cells are split on ``;`` (Salesforce, Excel); a part that is not a value is
    tried split on ``,`` and then on spaces (XLSForm ``select_multiple`` stores names joined
    by spaces). Labels containing commas ("Agriculture, forestry and fishing") stay whole.
    """
    if not text:
        return []
    lookup = _LOOKUPS[field]
    parts = [p.strip() for p in text.split(";")] if field in MULTI else [text.strip()]
    out: list[str] = []
    for part in (p for p in parts if p):
        if _norm(part) in lookup:
            out.append(lookup[_norm(part)])
            continue
        if field in MULTI:
            split = None
            for pieces in ([p.strip() for p in part.split(",")], part.split()):
                pieces = [p for p in pieces if p]
                if len(pieces) > 1 and all(_norm(p) in lookup for p in pieces):
                    split = [lookup[_norm(p)] for p in pieces]
                    break
            if split is not None:
                out += split
                continue
        problems.append((field, part, _("unknown HTCDS code")))
    return out


def _country(text: str) -> str | None:
    """ISO3 code for an ISO2, ISO3 code or English name; None if not a country."""
    t = text.strip()
    if not t:
        return None
    iso2 = codes.iso2_to_iso3()
    if t.upper() in iso2:
        return iso2[t.upper()]
    names = codes.english_short_names()
    if t.upper() in names:
        return t.upper()
    by_name = {_norm(n): c for c, n in names.items()}
    return by_name.get(_norm(t))


def is_label_row(cells: dict[str, str]) -> bool:
    """The Excel template's second header row ("Case Owner", "Salutation", ...)."""
    filled = [(f, v) for f, v in cells.items() if v]
    if not filled:
        return False
    hits = sum(1 for f, v in filled if _norm(f.split("_", 1)[-1])[:6] == _norm(v)[:6])
    return hits * 2 >= len(filled)


@dataclass
class ParsedRow:
    victim: dict[str, object]
    outcome: dict[str, object]
    kept: dict[str, object]


def _parse_date(field: str, text: str, problems: list[tuple[str, str, str]]) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        problems.append((field, text, _("not a date (expected YYYY-MM-DD)")))
        return None


def _days(start: date | None, end: date | None) -> float | None:
    if start is None or end is None:
        return None
    return float((end - start).days)


def parse_row(cells: dict[str, str], problems: list[tuple[str, str, str]]) -> ParsedRow:
    """Map one HTCDS row onto the three learn tables, recording problems."""
    get = cells.get
    values = {f: picklist(f, get(f, "") or "", problems) for f in _LOOKUPS}
    citizenship: list[str] = []
    for part in re.split(r"[;,]|\s+", get("prs_Citizenship", "") or ""):
        if not part:
            continue
        iso3 = _country(part)
        if iso3 is None:
            problems.append(("prs_Citizenship", part, _("unknown country code")))
        else:
            citizenship.append(iso3)
    dates = {
        f: _parse_date(f, get(f, "") or "", problems)
        for f in (
            "prs_Birthdate",
            "cas_IncomingReferralDate",
            "cas_OutgoingReferralDate",
            "x_pharos_FirstContactDate",
            "x_pharos_IdentificationDate",
            "x_pharos_ProtectionDate",
        )
    }
    unaccompanied_text = (get("x_pharos_Unaccompanied", "") or "").lower()
    unaccompanied = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
    if unaccompanied_text and unaccompanied_text not in unaccompanied:
        problems.append(("x_pharos_Unaccompanied", unaccompanied_text, _("not TRUE or FALSE")))
    start = dates["x_pharos_FirstContactDate"] or dates["cas_IncomingReferralDate"]
    reference = start or dates["x_pharos_IdentificationDate"] or dates["cas_OutgoingReferralDate"]
    age_band = None
    if dates["prs_Birthdate"] and reference:
        b = dates["prs_Birthdate"]
        years = reference.year - b.year - ((reference.month, reference.day) < (b.month, b.day))
        if years < 0:
            problems.append(("prs_Birthdate", str(b), _("birth date after the case date")))
        else:
            age_band = codes.age_band_of(years)
    band_text = (get("x_pharos_AgeBand", "") or "").strip()
    if band_text:
        stated = codes.normalise_age_band(band_text)
        if stated is None:
            problems.append(("x_pharos_AgeBand", band_text, _("unknown age band")))
        elif age_band is None:
            age_band = stated  # a Pharos export: the band, never the birth date
        elif stated != age_band:
            problems.append(("x_pharos_AgeBand", band_text, _("does not match the birth date")))
    gender = GENDER.get(values["prs_Gender"][0]) if values["prs_Gender"] else None
    status = (
        STATUS.get(values["vic_TraffickingStatus"][0]) if values["vic_TraffickingStatus"] else None
    )
    year = reference.year if reference else None
    victim: dict[str, object] = {
        "source": "htcds",
        "year": year,
        "gender": gender,
        "age_band": age_band,
        "minor": None if age_band is None else age_band in codes.MINOR_AGE_BANDS,
        "citizenship": citizenship[0] if citizenship else None,
        "exploitation_country": _country(get("vic_LocationOfExploitation", "") or ""),
    }
    flags: dict[str, list[str]] = {
        "means": [m for v in values["vic_MethodsOfControl"] if (m := CONTROL[v])],
        "exp": [EXPLOITATION[v].value for v in values["vic_TypeOfExploitation"]],
        "sector": [
            _ISIC_SECTOR.get(INDUSTRY[v], "other") for v in values["vic_ForcedLabourIndustry"]
        ],
        "sex": [SEX[v] for v in values["vic_TypeOfSexExploitation"]],
        "rel": [RELATION[v] for v in values["vic_RelationshipToTrafficker"]],
        "rec": [RECRUITMENT[v].value for v in values["vic_MethodOfRecruitment"]],
    }
    known_group = {"means": bool(values["vic_MethodsOfControl"])}
    for group, group_codes in codes.FLAG_GROUPS.items():
        known = bool(flags[group]) or known_group.get(group, False)
        for c in group_codes:
            victim[f"{group}_{c}"] = (c in flags[group]) if known else None
    exploitation = flags["exp"][0] if flags["exp"] else None
    referred = (
        dates["cas_OutgoingReferralDate"] is not None or "ClosedReferred" in values["cas_Status"]
    )
    protected = dates["x_pharos_ProtectionDate"] is not None or bool(values["spl_Type"])
    outcome: dict[str, object] = {
        "source": "htcds",
        "year": year,
        "gender": gender,
        "age_band": age_band,
        "minor": victim["minor"],
        "unaccompanied": unaccompanied.get(unaccompanied_text),
        "citizenship": victim["citizenship"],
        "exploitation_type": exploitation,
        "identified": status == TraffickingStatus.ACTUAL_VICTIM.value
        or dates["x_pharos_IdentificationDate"] is not None,
        "referred": referred,
        "protected": protected,
        "days_to_identification": _days(start, dates["x_pharos_IdentificationDate"]),
        "days_to_referral": _days(start, dates["cas_OutgoingReferralDate"]),
        "days_to_protection": _days(start, dates["x_pharos_ProtectionDate"]),
    }
    for key in ("days_to_identification", "days_to_referral", "days_to_protection"):
        v = outcome[key]
        if isinstance(v, float) and v < 0:
            problems.append((key, str(v), _("a date comes before the first contact")))
    kept: dict[str, object] = {"source": "htcds"}
    for f in (
        "prs_Gender",
        "vic_TraffickingStatus",
        "vic_TraffickingStatusDecisionMakingOrg",
        "vic_MethodOfRecruitment",
        "vic_MethodsOfControl",
        "vic_TypeOfExploitation",
        "vic_ForcedLabourIndustry",
        "vic_TypeOfSexExploitation",
        "vic_RelationshipToTrafficker",
        "cas_Status",
        "cas_ReasonForIncomingReferral",
        "cas_ReasonForOutgoingReferral",
        "spl_Type",
    ):
        kept[f] = ";".join(values[f]) or None
    kept["prs_Citizenship"] = ";".join(citizenship) or None
    kept["vic_LocationOfExploitation"] = victim["exploitation_country"]
    kept["x_pharos_AgeBand"] = age_band
    flag = unaccompanied.get(unaccompanied_text)
    kept["x_pharos_Unaccompanied"] = None if flag is None else ("TRUE" if flag else "FALSE")
    for f in (
        "cas_IncomingReferralDate",
        "cas_OutgoingReferralDate",
        "x_pharos_FirstContactDate",
        "x_pharos_IdentificationDate",
        "x_pharos_ProtectionDate",
    ):
        when = dates[f]
        kept[f] = when.isoformat() if when else None
    return ParsedRow(victim=victim, outcome=outcome, kept=kept)
