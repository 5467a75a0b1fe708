"""Every vocabulary has a source and a label for each member, translated into French and Arabic."""

from __future__ import annotations

import pytest

from pharos.domain.vocabulary import (
    ForcedLabourIndustry,
    Platform,
    RecruitmentMethod,
    TraffickingStatus,
)
from pharos.domain.vocabulary_labels import VOCABULARIES, label, vocabulary
from pharos.i18n import use_locale


def test_every_vocabulary_names_its_source_and_labels_every_member() -> None:
    for v in VOCABULARIES:
        assert v.source
        assert set(v.labels) == {m.value for m in v.members}


def test_isic_sections_run_from_a_to_u() -> None:
    assert ForcedLabourIndustry.AGRICULTURE_FORESTRY_FISHING.isic_section == "A"
    assert ForcedLabourIndustry.CONSTRUCTION.isic_section == "F"
    assert ForcedLabourIndustry.HOUSEHOLDS_AS_EMPLOYERS.isic_section == "T"
    assert len(ForcedLabourIndustry) == 21


def test_online_recruitment_and_platforms() -> None:
    assert RecruitmentMethod.ONLINE_SOCIAL_NETWORKS.is_online
    assert vocabulary("platform").field == "vic_RecruitmentWebsitesAndApps"
    assert label(Platform.FACEBOOK) == "Facebook"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("fr", "Victime potentielle de la traite"), ("ar", "ضحية محتملة للاتجار")],
)
def test_labels_are_translated(lang: str, expected: str) -> None:
    with use_locale(lang):
        assert label(TraffickingStatus.POSSIBLE_VICTIM) == expected
