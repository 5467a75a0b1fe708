"""Words shown for the learn area's codes, in the user's language."""

from __future__ import annotations

from typing import Any

from pharos.domain.geography import country_name
from pharos.i18n import _, lazy_gettext
from pharos.learn.store import origin_of

LABELS = {
    # exploitation types
    "exp_forced_labour": lazy_gettext("Forced labour"),
    "exp_sexual_exploitation": lazy_gettext("Sexual exploitation"),
    "exp_forced_marriage": lazy_gettext("Forced marriage"),
    "exp_forced_military": lazy_gettext("Forced military service"),
    "exp_organ_removal": lazy_gettext("Organ removal"),
    "exp_servitude": lazy_gettext("Slavery and servitude"),
    "exp_forced_begging": lazy_gettext("Forced begging"),
    "exp_forced_criminality": lazy_gettext("Forced criminality"),
    "exp_child_labour": lazy_gettext("Child labour"),
    "exp_forced_adoption": lazy_gettext("Forced adoption"),
    "exp_surrogacy": lazy_gettext("Surrogacy"),
    "exp_other": lazy_gettext("Other exploitation"),
    # sectors
    "sector_agriculture": lazy_gettext("Agriculture"),
    "sector_aquafarming": lazy_gettext("Aquafarming"),
    "sector_begging": lazy_gettext("Begging"),
    "sector_construction": lazy_gettext("Construction"),
    "sector_domestic_work": lazy_gettext("Domestic work"),
    "sector_hospitality": lazy_gettext("Hospitality"),
    "sector_illicit_activities": lazy_gettext("Illicit activities"),
    "sector_manufacturing": lazy_gettext("Manufacturing"),
    "sector_mining_or_drilling": lazy_gettext("Mining or drilling"),
    "sector_peddling": lazy_gettext("Peddling"),
    "sector_transportation": lazy_gettext("Transportation"),
    "sector_other": lazy_gettext("Other sector"),
    # means of control
    "means_debt_bondage_earnings": lazy_gettext("Debt bondage or takes earnings"),
    "means_threats": lazy_gettext("Threats"),
    "means_abuse_psy_phy_sex": lazy_gettext("Psychological, physical or sexual abuse"),
    "means_false_promises": lazy_gettext("False promises"),
    "means_drugs_alcohol": lazy_gettext("Drugs or alcohol"),
    "means_deny_basic_needs": lazy_gettext("Denies basic needs or freedom of movement"),
    "means_excessive_work_hours": lazy_gettext("Excessive working hours"),
    "means_withhold_docs": lazy_gettext("Withholds documents"),
    # forms of sexual exploitation
    "sex_prostitution": lazy_gettext("Prostitution"),
    "sex_pornography": lazy_gettext("Pornography"),
    "sex_remote_interactive_services": lazy_gettext("Remote interactive services"),
    "sex_private_sexual_services": lazy_gettext("Private sexual services"),
    # recruiter relation
    "rel_intimate_partner": lazy_gettext("Intimate partner"),
    "rel_friend": lazy_gettext("Friend"),
    "rel_family": lazy_gettext("Family member"),
    "rel_other": lazy_gettext("Other relation"),
    # recruitment methods
    "rec_at_a_place_of_business": lazy_gettext("Recruited at a place of business"),
    "rec_at_an_educational_institution": lazy_gettext("Recruited at a school or university"),
    "rec_at_work": lazy_gettext("Recruited at work"),
    "rec_online_social_networks": lazy_gettext("Recruited through online social networks"),
    "rec_online_advertisement": lazy_gettext("Recruited through an online advertisement"),
    "rec_television_advert": lazy_gettext("Recruited through a television advert"),
    "rec_newspaper_advert": lazy_gettext("Recruited through a newspaper advert"),
    "rec_family": lazy_gettext("Recruited through family"),
    "rec_friends": lazy_gettext("Recruited through friends"),
    "rec_other": lazy_gettext("Other recruitment method"),
    # genders
    "gender_feminine": lazy_gettext("Women and girls"),
    "gender_masculine": lazy_gettext("Men and boys"),
    "gender_transgender_feminine": lazy_gettext("Transgender women and girls"),
    "gender_transgender_masculine": lazy_gettext("Transgender men and boys"),
    "gender_trans_or_non_conforming": lazy_gettext("Transgender or gender non-conforming"),
}

GROUP_TITLES = {
    "exp": lazy_gettext("Type of exploitation"),
    "sector": lazy_gettext("Sector of forced labour"),
    "means": lazy_gettext("Means of control"),
    "sex": lazy_gettext("Form of sexual exploitation"),
    "rel": lazy_gettext("Relation of the recruiter"),
    "rec": lazy_gettext("Method of recruitment"),
}


def label(group: str, code: object) -> str:
    """The words for ``code`` of ``group`` (``"exp"``, ``"gender"``, ...), else the code."""
    text = LABELS.get(f"{group}_{code}")
    return str(text) if text is not None else str(code)


def country_label(iso3: object, lang: str | None = None) -> str:
    """The country's name in ``lang`` (default: the current language): CLDR's, through Babel
    (:func:`pharos.domain.geography.country_name`)."""
    if not iso3:
        return ""
    return country_name(str(iso3), lang)


def group_label(dimension: str, group: str) -> str:
    """Words for a group of the equal-protection monitor."""
    if dimension == "gender":
        return label("gender", group)
    if dimension == "citizenship":
        return country_label(group)
    if dimension == "exploitation_type":
        return label("exp", group)
    if dimension == "unaccompanied":
        return (
            _("Unaccompanied children")
            if group == "unaccompanied_children"
            else _("Accompanied children")
        )
    if dimension == "age_band":
        if group.endswith("+"):  # in words: a trailing "+" jumps to the front in Arabic
            return _("Aged %(age)s or older") % {"age": group.rstrip("+")}
        return _("Aged %(band)s") % {"band": group.replace("--", "–")}
    return group


def origin_label(manifest: dict[str, Any]) -> str:
    """How a dataset's origin is shown: real, or simulated / exercise with what produced it."""
    origin = origin_of(manifest)
    details = manifest.get("details") or {}
    if origin == "simulation":
        return _("SIMULATED (scenario %(scenario)s, overlay %(overlay)s, seed %(seed)s)") % {
            "scenario": details.get("scenario"),
            "overlay": details.get("overlay") or _("none"),
            "seed": details.get("seed") if details.get("seed") is not None else _("not recorded"),
        }
    if origin == "exercise":
        return _("EXERCISE (exercise %(id)s, scenario %(scenario)s)") % {
            "id": details.get("exercise"),
            "scenario": details.get("scenario"),
        }
    return _("real")
