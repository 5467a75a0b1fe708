"""The consents a referral or a transfer needs, and their names in words: one home for the case
tools (``pharos.coordinate.referrals``, Primero's consent gates) and the exercise's rules, which
refuse a referral the case tools would refuse (``pharos.exercise.rules.actions.persons``)."""

from __future__ import annotations

from pharos.i18n import _, pgettext

#: the consent fields of a consent record (``pharos.store.models.ConsentRecord``)
SERVICES = "consent_for_services"
OTHER_ORGS = "disclosure_other_orgs"
CROSS_BORDER = "disclosure_cross_border"


def needed(kind: str, crosses_border: bool) -> list[str]:
    """The consents a referral (services and disclosure to other organisations) or a transfer
    (disclosure to other organisations) needs; either needs the consent to disclosure across
    borders when the receiving agency is in another state: the data follows the consent."""
    out = [OTHER_ORGS] if kind == "transfer" else [SERVICES, OTHER_ORGS]
    if crosses_border:
        out.append(CROSS_BORDER)
    return out


def in_words(missing: list[str]) -> str:
    """The consents ``missing`` in words: "services and disclosure to other organisations"."""
    words = {
        SERVICES: pgettext("consent", "services"),
        OTHER_ORGS: pgettext("consent", "disclosure to other organisations"),
        CROSS_BORDER: pgettext("consent", "disclosure across borders"),
    }
    said = [words.get(m, m) for m in missing]
    if len(said) == 1:
        return said[0]
    if len(said) == 2:
        return _("%(first)s and %(second)s") % {"first": said[0], "second": said[1]}
    return _("%(first)s, %(second)s and %(third)s") % {
        "first": said[0],
        "second": said[1],
        "third": said[2],
    }
