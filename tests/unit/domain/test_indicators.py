"""The indicator sets and the ILO/EC dimension rule as data."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pharos.domain.indicators import (
    Clause,
    Dimension,
    IndicatorSetId,
    UnknownIndicatorError,
    Weight,
    WeightCounts,
    delphi_indicators,
    dimension_positive,
    dimension_rule,
    dimensions,
    ilo_indicators,
    indicator_sets,
    lookup,
    nearest_clause,
    suggest,
    unodc_indicators,
)

ROOT = Path(__file__).resolve().parents[3]
# the shared reference sits beside the clone (CI); worktrees may sit one level deeper
SHARED = next(
    (
        p / "shared" / "reference" / "indicators.yaml"
        for p in (ROOT.parent, ROOT.parent.parent)
        if (p / "shared" / "reference" / "indicators.yaml").exists()
    ),
    ROOT.parent / "shared" / "reference" / "indicators.yaml",
)


def test_ilo_has_the_eleven_forced_labour_indicators_in_order() -> None:
    items = list(ilo_indicators().values())
    assert [i.number for i in items] == list(range(1, 12))
    assert items[6].name == "Retention of identity documents"
    assert indicator_sets()[IndicatorSetId.ILO_FORCED_LABOUR].verified


def test_six_dimensions_in_published_order() -> None:
    assert [d.id for d in dimensions()] == list(Dimension)
    assert [d.number for d in dimensions()] == [1, 2, 3, 4, 5, 6]


def test_delphi_lists_have_67_adult_and_65_child_indicators() -> None:
    ind = delphi_indicators().values()
    assert sum(i.adult is not None for i in ind) == 67
    assert sum(i.child is not None for i in ind) == 65
    assert not any(i.child is Weight.WEAK for i in ind)  # the child list has no weak tier


def test_unverified_sets_carry_a_caveat_and_verified_ones_do_not() -> None:
    sets = indicator_sets()
    for s in sets.values():
        assert (s.caveat is None) == s.verified
    assert not sets[IndicatorSetId.DELPHI_LABOUR].verified
    assert not sets[IndicatorSetId.DELPHI_RULE].verified
    assert not sets[IndicatorSetId.UNODC].verified


def test_unodc_general_and_sexual_items() -> None:
    u = unodc_indicators()
    assert len([i for i in u.values() if i.section == "general"]) == 23
    assert len([i for i in u.values() if i.section == "sexual_exploitation"]) == 8


@pytest.mark.parametrize(
    ("found", "positive"),
    [  # the test cases written next to the rule in the reference (WCMS_105023 p. 3)
        ({"strong": 2}, True),
        ({"strong": 1, "weak": 1}, True),
        ({"strong": 1, "medium": 1}, True),
        ({"strong": 1}, False),
        ({"medium": 3}, True),
        ({"medium": 2, "weak": 1}, True),
        ({"medium": 2}, False),
        ({"medium": 1, "weak": 2}, False),
        ({"weak": 3}, False),
    ],
)
def test_dimension_rule_reference_cases(found: dict[str, int], positive: bool) -> None:
    assert dimension_positive(WeightCounts(**found)) is positive


def test_rule_matches_the_shared_reference_when_present() -> None:
    if not SHARED.exists():
        pytest.skip("../shared/reference/indicators.yaml is not beside the repository")
    ref = yaml.safe_load(SHARED.read_text(encoding="utf-8"))
    rules = ref["indicator_sets"]["ilo_ec_delphi"]["combination_rules"]
    assert [Clause(**c) for c in rules["dimension_positive"]["any_of"]] == list(dimension_rule())
    for case in rules["dimension_positive"]["test_cases"]:
        assert dimension_positive(WeightCounts(**case["found"])) is case["positive"]
    lists = ref["indicator_sets"]["ilo_ec_delphi"]["labour_exploitation_lists"]["dimensions"]
    for dim, items in lists.items():
        for item in items:
            ours = delphi_indicators()[item["id"]]
            assert ours.dimension == dim
            assert (ours.adult or "absent") == item["adult_labour"]
            assert (ours.child or "absent") == item["child_labour"]


def test_nearest_clause_says_what_is_still_needed() -> None:
    _clause, needed = nearest_clause(WeightCounts(strong=1))
    assert needed == Clause(medium_or_weak=1)
    # with no strong indicator left to ask about, three medium is the way
    _clause, needed = nearest_clause(WeightCounts(medium=1), WeightCounts(medium=5))
    assert needed == Clause(medium=2)


def test_unknown_indicator_suggests_the_closest_ids() -> None:
    with pytest.raises(UnknownIndicatorError) as err:
        lookup("cd_debt_bondge")
    assert "cd_debt_bondage" in err.value.suggestions
    assert "cd_debt_bondage" in str(err.value)
    assert "cd_debt_bondage" in suggest("debt bondage")
