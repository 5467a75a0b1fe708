"""The reasons of a screening, and the translation of every label the data file shows."""

from __future__ import annotations

import pytest

from pharos.domain.explain import dimension_reason, explain, indicator_label, question_text
from pharos.domain.indicators import (
    Dimension,
    delphi_indicators,
    dimensions,
    ilo_indicators,
    indicator_sets,
    unodc_indicators,
    unodc_stem,
)
from pharos.domain.screening import Observation, Person, screen
from pharos.i18n import translations, use_locale


def _data_labels() -> set[str]:
    labels = {d.name for d in dimensions()}
    labels |= {i.name for i in delphi_indicators().values()}
    labels |= {i.name for i in ilo_indicators().values()}
    labels |= {i.text for i in unodc_indicators().values()}
    labels |= {unodc_stem("general"), unodc_stem("sexual_exploitation")}
    for s in indicator_sets().values():
        labels.add(s.name)
        if s.caveat:
            labels.add(s.caveat)
    return labels


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_every_label_of_the_indicator_data_is_translated(lang: str) -> None:
    catalog = translations(lang)
    missing = sorted(x for x in _data_labels() if catalog.gettext(x) == x)
    assert not missing, f"{lang}: {len(missing)} labels untranslated: {missing[:10]}"


def test_indicator_labels_follow_the_language() -> None:
    with use_locale("fr"):
        assert indicator_label("cd_debt_bondage") == "Servitude pour dettes"
    with use_locale("ar"):
        assert indicator_label("ilo07_retention_of_identity_documents") == "حجز وثائق الهوية"
    assert indicator_label("ug19") == "not have any days off"


def test_reasons_name_the_clause_met() -> None:
    s = screen(
        [Observation("cd_debt_bondage"), Observation("cd_withholding_wages")], Person(age=40)
    )
    reason = dimension_reason(s.dimension(Dimension.COERCION_AT_DESTINATION))
    assert (
        reason == "Coercion at destination is positive: 1 strong, 1 medium meets the rule "
        "1 strong + 1 medium or weak."
    )


def test_reasons_say_what_is_still_needed() -> None:
    s = screen([Observation("ec_bad_living")], Person(age=40))
    reason = dimension_reason(s.dimension(Dimension.EXPLOITATIVE_CONDITIONS))
    assert "1 medium found" in reason and "1 strong + 0" not in reason
    with use_locale("fr"):
        assert "n’est pas encore positif" in dimension_reason(
            s.dimension(Dimension.EXPLOITATIVE_CONDITIONS)
        )


def test_explanation_begins_with_the_presumption_in_the_chosen_language() -> None:
    s = screen([Observation("ec_bad_living")], Person(age=40))
    assert explain(s)[0] == "Insufficient information."
    with use_locale("fr"):
        assert explain(s)[0] == "Informations insuffisantes."
    with use_locale("ar"):
        assert explain(s)[0] == "معلومات غير كافية."
    q = s.ask_next[0]  # what the question is about: the indicator and its weight, not a question
    assert question_text(q) == "Excessive working days or hours (strong) " + (
        "On its own it would make the dimension positive."
    )
