"""Property-based tests of the ILO/EC combination rule (hypothesis).

The rule, written here independently of the implementation: a dimension is positive when
strong >= 2, or strong >= 1 and medium + weak >= 1, or medium >= 3, or medium >= 2 and
weak >= 1 (WCMS_105023 p. 3, via a secondary source).
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pharos.domain.indicators import (
    RECRUITMENT_DIMENSIONS,
    Dimension,
    Weight,
    WeightCounts,
    delphi_indicators,
    dimension_positive,
)
from pharos.domain.screening import (
    Act,
    DimensionState,
    Observation,
    Observations,
    Person,
    Presumption,
    screen,
)

ADULT = Person(age=35)
CHILD = Person(age=14)
IDS = sorted(delphi_indicators())
MEANS_IDS = sorted(
    i for i, d in delphi_indicators().items() if d.dimension in RECRUITMENT_DIMENSIONS
)
counts = st.builds(
    WeightCounts,
    strong=st.integers(0, 6),
    medium=st.integers(0, 6),
    weak=st.integers(0, 6),
)
indicator_sets = st.sets(st.sampled_from(IDS), max_size=25)
SETTINGS = settings(max_examples=150, deadline=None)


def by_hand(c: WeightCounts) -> bool:
    return (
        c.strong >= 2
        or (c.strong >= 1 and c.medium + c.weak >= 1)
        or c.medium >= 3
        or (c.medium >= 2 and c.weak >= 1)
    )


def observe(ids: set[str], acts: frozenset[Act] = frozenset()) -> Observations:
    return Observations(present=tuple(Observation(i) for i in sorted(ids)), acts=acts)


@SETTINGS
@given(counts)
def test_rule_equals_the_rule_written_by_hand(c: WeightCounts) -> None:
    assert dimension_positive(c) is by_hand(c)


def test_each_threshold_at_its_boundary() -> None:
    at = {
        "2 strong": (WeightCounts(strong=2), WeightCounts(strong=1)),
        "1 strong + 1 medium": (WeightCounts(strong=1, medium=1), WeightCounts(medium=1)),
        "1 strong + 1 weak": (WeightCounts(strong=1, weak=1), WeightCounts(strong=1)),
        "3 medium": (WeightCounts(medium=3), WeightCounts(medium=2)),
        "2 medium + 1 weak": (WeightCounts(medium=2, weak=1), WeightCounts(medium=1, weak=1)),
    }
    for name, (meets, one_short) in at.items():
        assert dimension_positive(meets), name
        assert not dimension_positive(one_short), name
    # weak indicators alone never suffice, however many
    assert not dimension_positive(WeightCounts(weak=50))
    assert not dimension_positive(WeightCounts(medium=1, weak=50))


@SETTINGS
@given(counts, st.sampled_from(list(Weight)))
def test_adding_an_indicator_never_turns_a_positive_count_negative(
    c: WeightCounts, w: Weight
) -> None:
    if dimension_positive(c):
        assert dimension_positive(c.add(w))


@SETTINGS
@given(indicator_sets, st.sampled_from(IDS), st.booleans())
def test_monotonic_on_real_indicators(ids: set[str], extra: str, child: bool) -> None:
    person = CHILD if child else ADULT
    before = screen(observe(ids), person)
    after = screen(observe(ids | {extra}), person)
    for b, a in zip(before.dimensions, after.dimensions, strict=True):
        if b.positive:
            assert a.positive, (b.dimension, extra)
    if before.presumption.is_trafficking:
        assert after.presumption is before.presumption


@SETTINGS
@given(indicator_sets, st.booleans())
def test_dimension_state_follows_the_counted_weights(ids: set[str], child: bool) -> None:
    s = screen(observe(ids), CHILD if child else ADULT)
    for d in s.dimensions:
        expected = WeightCounts()
        for i in ids:
            ind = delphi_indicators()[i]
            w = ind.weight(child)
            if ind.dimension is d.dimension and w is not None:
                expected = expected.add(w)
        assert d.counts == expected
        assert d.positive is by_hand(expected)


@SETTINGS
@given(indicator_sets)
def test_adult_rule_needs_means_exploitation_and_coercion(ids: set[str]) -> None:
    s = screen(observe(ids), ADULT)
    means = any(s.dimension(d).positive for d in RECRUITMENT_DIMENSIONS)
    expected = (
        means
        and s.dimension(Dimension.EXPLOITATIVE_CONDITIONS).positive
        and s.dimension(Dimension.COERCION_AT_DESTINATION).positive
    )
    assert (s.presumption is Presumption.TRAFFICKING_FOR_LABOUR_EXPLOITATION) is expected
    # abuse of vulnerability at destination never stands in for coercion at destination
    if not s.dimension(Dimension.COERCION_AT_DESTINATION).positive:
        assert not s.presumption.is_trafficking


@SETTINGS
@given(indicator_sets, st.sets(st.sampled_from(list(Act)), min_size=1))
def test_children_need_an_act_and_exploitation_but_no_means(ids: set[str], acts: set[Act]) -> None:
    s = screen(observe(ids, frozenset(acts)), CHILD)
    exploited = s.dimension(Dimension.EXPLOITATIVE_CONDITIONS).positive
    assert (s.presumption is Presumption.TRAFFICKING_FOR_LABOUR_EXPLOITATION) is exploited
    # removing every means indicator changes nothing for a child
    without_means = screen(observe(ids - set(MEANS_IDS), frozenset(acts)), CHILD)
    assert without_means.presumption is s.presumption


@SETTINGS
@given(indicator_sets)
def test_child_with_exploitation_but_no_known_act_is_never_negative(ids: set[str]) -> None:
    s = screen(observe(ids - set(MEANS_IDS)), CHILD)
    if s.dimension(Dimension.EXPLOITATIVE_CONDITIONS).positive:
        # nothing shows an act yet: ask, do not conclude
        assert s.presumption is Presumption.INSUFFICIENT_INFORMATION
        assert s.ask_next[0].kind == "act"


@SETTINGS
@given(indicator_sets)
def test_child_threshold_is_never_harder_than_adult_threshold(ids: set[str]) -> None:
    # every indicator weighs at least as much in the child list as in the adult list, except
    # the two absent from it; without those, a positive adult dimension is positive for a child
    ids = {i for i in ids if delphi_indicators()[i].child is not None}
    adult = screen(observe(ids), ADULT)
    child = screen(observe(ids), CHILD)
    for a, c in zip(adult.dimensions, child.dimensions, strict=True):
        if a.positive:
            assert c.positive


@SETTINGS
@given(indicator_sets)
def test_questions_only_when_information_is_insufficient(ids: set[str]) -> None:
    s = screen(observe(ids), ADULT)
    if s.presumption is Presumption.INSUFFICIENT_INFORMATION:
        assert s.ask_next
        # a decisive question does make its dimension positive
        for q in s.ask_next:
            if q.decisive:
                assert q.indicator is not None and q.dimension is not None
                added = screen(observe(ids | {q.indicator}), ADULT)
                assert added.dimension(q.dimension).state is DimensionState.POSITIVE
                break
    else:
        assert not s.ask_next
