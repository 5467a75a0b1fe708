"""screen(observations, person) -> Screening: the rule, the reasons, what to ask next."""

from __future__ import annotations

import json

import pytest

from pharos.domain.explain import explained
from pharos.domain.indicators import Dimension, UnknownIndicatorError
from pharos.domain.screening import (
    Act,
    ConflictingObservationError,
    DimensionState,
    LabourClassification,
    Observation,
    Observations,
    Person,
    Presumption,
    Profile,
    Requirement,
    screen,
)
from pharos.domain.vocabulary import ExploitationType

ADULT = Person(age=30)
CHILD = Person(age=15)

DECEIVED = ("dr_nature_of_job", "dr_wages")  # strong + medium: deceptive recruitment positive
EXPLOITED = ("ec_excessive_hours", "ec_low_no_salary")  # strong + medium
COERCED = ("cd_confiscation_documents", "cd_withholding_wages")  # strong + medium


def obs(*ids: str, **kw: object) -> Observations:
    return Observations(present=tuple(Observation(i) for i in ids), **kw)  # type: ignore[arg-type]


def test_adult_with_means_exploitation_and_coercion_is_presumed_trafficked() -> None:
    s = screen(obs(*DECEIVED, *EXPLOITED, *COERCED), ADULT)
    assert s.presumption is Presumption.TRAFFICKING_FOR_LABOUR_EXPLOITATION
    assert s.profile is Profile.ADULT_LABOUR
    assert s.dimension(Dimension.DECEPTIVE_RECRUITMENT).positive
    assert [i.id for i in s.dimension(Dimension.COERCION_AT_DESTINATION).indicators] == list(
        COERCED
    )
    assert s.ask_next == ()
    assert s.labour_classification is LabourClassification.VICTIM_OF_TRAFFICKING_FOR_FORCED_LABOUR


def test_adult_without_coercion_evidence_is_insufficient_and_asks_about_coercion() -> None:
    s = screen(obs(*DECEIVED, *EXPLOITED), ADULT)
    assert s.presumption is Presumption.INSUFFICIENT_INFORMATION
    assert {q.requirement for q in s.ask_next} == {Requirement.COERCION_AT_DESTINATION}
    first = s.ask_next[0]
    # no coercion indicator yet: one alone never suffices, so strong ones are asked first
    assert first.weight == "strong" and not first.decisive


def test_decisive_questions_come_first() -> None:
    s = screen(obs(*DECEIVED, *EXPLOITED, "cd_confiscation_documents"), ADULT)
    assert s.ask_next and all(q.decisive for q in s.ask_next)  # any other coercion indicator


def test_assessed_coercion_without_findings_means_not_established() -> None:
    s = screen(obs(*EXPLOITED, assessed=frozenset({Dimension.COERCION_AT_DESTINATION})), ADULT)
    assert s.presumption is Presumption.NOT_ESTABLISHED
    assert s.requirement(Requirement.COERCION_AT_DESTINATION).state is DimensionState.NEGATIVE  # type: ignore[union-attr]
    assert s.ask_next == ()


def test_exploited_migrant_is_a_labour_rights_case() -> None:
    everything = frozenset(
        {
            Dimension.DECEPTIVE_RECRUITMENT,
            Dimension.COERCIVE_RECRUITMENT,
            Dimension.RECRUITMENT_ABUSE_OF_VULNERABILITY,
            Dimension.COERCION_AT_DESTINATION,
        }
    )
    s = screen(obs(*EXPLOITED, assessed=everything), ADULT)
    assert s.presumption is Presumption.NOT_ESTABLISHED
    assert s.labour_classification is LabourClassification.EXPLOITED_MIGRANT


def test_child_needs_no_means() -> None:
    s = screen(obs(*EXPLOITED, acts=frozenset({Act.HARBOURING})), CHILD)
    assert s.is_child and s.profile is Profile.CHILD_LABOUR
    assert s.presumption is Presumption.TRAFFICKING_FOR_LABOUR_EXPLOITATION
    assert s.requirement(Requirement.RECRUITMENT_MEANS) is None


def test_child_without_a_known_act_asks_about_the_act() -> None:
    s = screen(obs(*EXPLOITED), CHILD)
    assert s.presumption is Presumption.INSUFFICIENT_INFORMATION
    assert [q.kind for q in s.ask_next] == ["act"]


def test_child_recruitment_indicator_implies_the_act() -> None:
    s = screen(obs("dr_education", *EXPLOITED), CHILD)
    act = s.requirement(Requirement.ACT)
    assert act is not None and act.state is DimensionState.POSITIVE and act.inferred
    assert s.presumption.is_trafficking


def test_child_weights_differ_from_adult_weights() -> None:
    # "Deceived about access to education": weak for adults, strong for children
    adult = screen(obs("dr_education", "dr_wages"), ADULT)
    child = screen(obs("dr_education", "dr_wages"), CHILD)
    assert not adult.dimension(Dimension.DECEPTIVE_RECRUITMENT).positive
    assert child.dimension(Dimension.DECEPTIVE_RECRUITMENT).positive


def test_indicator_absent_from_the_child_list_is_not_counted() -> None:
    s = screen(obs("ec_no_social_protection"), CHILD)
    d = s.dimension(Dimension.EXPLOITATIVE_CONDITIONS)
    assert d.not_in_list == ("ec_no_social_protection",) and d.counts.medium == 0


def test_unknown_age_asks_for_it_when_it_would_change_the_result() -> None:
    s = screen(obs(*EXPLOITED, acts=frozenset({Act.RECRUITMENT})), Person())
    assert not s.is_child
    assert s.ask_next[0].kind == "age"
    assert "age_unknown" in {c.code for c in s.caveats}


def test_sexual_exploitation_is_experimental_and_says_so() -> None:
    person = Person(age=22, exploitation=ExploitationType.SEXUAL_EXPLOITATION)
    s = screen(obs(*DECEIVED, *EXPLOITED, *COERCED), person)
    assert s.presumption is Presumption.TRAFFICKING_FOR_SEXUAL_EXPLOITATION
    assert s.experimental and s.profile is Profile.ADULT_SEXUAL
    assert "unverified_delphi_sexual" in {c.code for c in s.caveats}


def test_unodc_sexual_indicator_infers_the_form() -> None:
    s = screen(obs("us03", *DECEIVED), ADULT)
    assert s.form == "sexual" and s.form_inferred
    assert "unverified_unodc" in {c.code for c in s.caveats}


def test_every_result_carries_the_unverified_rule_caveat() -> None:
    s = screen([], ADULT)
    codes = {c.code for c in s.caveats}
    assert {"unverified_delphi_rule", "unverified_delphi_labour"} <= codes


def test_ilo_forced_labour_indicators_related_to_observations() -> None:
    s = screen(obs("cd_confiscation_documents", "ilo04_isolation"), ADULT)
    assert s.ilo_forced_labour == (4, 7)
    assert [o.indicator for o in s.other_indicators] == ["ilo04_isolation"]


def test_unknown_and_conflicting_indicators_are_errors() -> None:
    with pytest.raises(UnknownIndicatorError):
        screen([Observation("no_such_thing")], ADULT)
    with pytest.raises(ConflictingObservationError):
        screen(obs("cd_debt_bondage", ruled_out=frozenset({"cd_debt_bondage"})), ADULT)


def test_explained_is_json_safe_and_explains_in_the_current_language() -> None:
    s = screen(obs(*DECEIVED, *EXPLOITED), ADULT)
    d = json.loads(json.dumps(explained(s)))
    assert d["presumption"] == "insufficient_information"
    assert d["dimensions"][0]["indicators"][0]["id"] == "dr_nature_of_job"
    assert set(d) >= {"profile", "dimensions", "requirements", "ask_next", "caveats"}
    assert d["explanation"][0] == "Insufficient information."
    added = {"explanation", "outcome", "routes"}  # the explainer's words and next steps
    assert {k: v for k, v in d.items() if k not in added | {"ask_next"}} == {
        k: v for k, v in s.to_dict().items() if k != "ask_next"
    }
    # each question still to ask keeps its data and adds its words: what it is about and
    # the interview questions to ask
    for item, data in zip(d["ask_next"], s.to_dict()["ask_next"], strict=True):
        assert {k: v for k, v in item.items() if k not in {"label", "questions"}} == data
        assert item["label"] and item["questions"]
    assert "explanation" not in s.to_dict()  # the data; its words are the caller's choice


def test_to_dict_without_the_person_drops_facts_and_notes() -> None:
    present = (Observation("cd_debt_bondage", "owes 6,000 EUR to Mr X"), Observation("ug05", "x"))
    s = screen(Observations(present=present), Person(age=19, nationality="EGY"))
    full = s.to_dict()
    assert full["person"]["nationality"] == "EGY"
    assert full["dimensions"][4]["indicators"][0]["note"] == "owes 6,000 EUR to Mr X"
    shared = json.dumps(s.to_dict(include_person=False))
    assert "person" not in json.loads(shared)
    assert "Mr X" not in shared and "EGY" not in shared
