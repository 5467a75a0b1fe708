"""Screening one person against the ILO/EC operational indicators, with the reasons.

``screen(observations, person) -> Screening`` applies the ILO/EC combination rule
(WCMS_105023 p. 3, as restated by a secondary source; see ``data/indicators.yaml``):

- a dimension is positive when its indicators meet one clause: 2 strong; or 1 strong and 1
  medium or weak; or 3 medium; or 2 medium and 1 weak (each indicator counted once);
- an adult is presumed trafficked for labour exploitation when a recruitment dimension
  (deceptive, coercive, or abuse of vulnerability), exploitative conditions and coercion at
  destination are all positive;
- for a child (under 18) the means are not required: an act (recruitment, transport, transfer,
  harbouring or receipt) and positive exploitative conditions suffice.

Pharos reads the rule three-valued: a dimension is *positive*, *negative* (it can no longer
become positive: its remaining indicators were ruled out, or the whole dimension was assessed)
or *open*. A presumption is drawn when every required element is positive; "not established"
when one of them is negative; otherwise the information is insufficient and the result lists
the observations that would still decide it. Screening for sexual exploitation uses the labour
lists as a proxy (the ILO/EC sexual-exploitation lists are not transcribed) and says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from pharos.domain.indicators import (
    RECRUITMENT_DIMENSIONS,
    UNODC_SEXUAL_SECTION,
    DelphiIndicator,
    Dimension,
    IndicatorSetId,
    UnknownIndicatorError,
    UnodcIndicator,
    Weight,
    WeightCounts,
    adult_requirements,
    child_requirements,
    delphi_indicators,
    dimension_positive,
    dimensions,
    indicator_sets,
    indicators_in,
    lookup,
    nearest_clause,
    satisfied_clause,
)
from pharos.domain.screening_types import (
    ADULT_AGE,
    Act,
    Caveat,
    ConflictingObservationError,
    DimensionResult,
    DimensionState,
    ExploitationForm,
    ForcedLabourFinding,
    FoundIndicator,
    LabourClassification,
    Observation,
    Observations,
    Person,
    Presumption,
    Profile,
    Question,
    QuestionKind,
    Requirement,
    RequirementResult,
    Screening,
)
from pharos.domain.vocabulary import ExploitationType


def N_(message: str) -> str:
    """Mark ``message`` for extraction; translated where shown (``pharos.domain.explain``)."""
    return message


def _normalise(observations: Observations | Iterable[Observation]) -> Observations:
    if isinstance(observations, Observations):
        return observations
    return Observations(present=tuple(observations))


def _validate(obs: Observations) -> None:
    for o in obs.present:
        lookup(o.indicator)
    for rid in obs.ruled_out:
        lookup(rid)
        if any(o.indicator == rid for o in obs.present):
            raise ConflictingObservationError(rid)


def _score_dimension(dim: Dimension, obs: Observations, child: bool) -> DimensionResult:
    present = {o.indicator: o for o in obs.present}
    counts = WeightCounts()
    found: list[FoundIndicator] = []
    not_in_list: list[str] = []
    unknown: list[DelphiIndicator] = []
    for ind in indicators_in(dim):
        weight = ind.weight(child)
        if ind.id in present:
            if weight is None:
                not_in_list.append(ind.id)
                continue
            counts = counts.add(weight)
            found.append(FoundIndicator(ind.id, ind.name, weight, present[ind.id].note))
        elif weight is not None and ind.id not in obs.ruled_out and dim not in obs.assessed:
            unknown.append(ind)
    if dimension_positive(counts):
        return DimensionResult(
            dim, DimensionState.POSITIVE, counts, tuple(found), satisfied_clause(counts), None,
            tuple(not_in_list), tuple(i.id for i in unknown),
        )  # fmt: skip
    best_extra = WeightCounts()
    for ind in unknown:
        weight = ind.weight(child)
        assert weight is not None
        best_extra = best_extra.add(weight)
    best = WeightCounts(
        counts.strong + best_extra.strong,
        counts.medium + best_extra.medium,
        counts.weak + best_extra.weak,
    )
    state = DimensionState.OPEN if dimension_positive(best) else DimensionState.NEGATIVE
    _clause, needed = nearest_clause(counts, best_extra)
    return DimensionResult(
        dim, state, counts, tuple(found), None, needed, tuple(not_in_list),
        tuple(i.id for i in unknown),
    )  # fmt: skip


def _group_state(results: Iterable[DimensionResult]) -> DimensionState:
    states = [r.state for r in results]
    if DimensionState.POSITIVE in states:
        return DimensionState.POSITIVE
    if all(s is DimensionState.NEGATIVE for s in states):
        return DimensionState.NEGATIVE
    return DimensionState.OPEN


def _requirement_for(group: tuple[Dimension, ...]) -> Requirement:
    if set(group) == set(RECRUITMENT_DIMENSIONS):
        return Requirement.RECRUITMENT_MEANS
    return Requirement(group[0].value)


def _form(person: Person, obs: Observations) -> tuple[ExploitationForm, bool]:
    if person.exploitation is ExploitationType.SEXUAL_EXPLOITATION:
        return ExploitationForm.SEXUAL, False
    if person.exploitation is not None:
        return ExploitationForm.LABOUR, False
    for o in obs.present:
        ind = lookup(o.indicator)
        if isinstance(ind, UnodcIndicator) and ind.section == UNODC_SEXUAL_SECTION:
            return ExploitationForm.SEXUAL, True
    return ExploitationForm.LABOUR, False


_RANK = {Weight.STRONG: 0, Weight.MEDIUM: 1, Weight.WEAK: 2}


def _questions(
    reqs: tuple[RequirementResult, ...], dims: dict[Dimension, DimensionResult], child: bool
) -> list[Question]:
    out: list[tuple[tuple[int, int, int, int], Question]] = []
    table = delphi_indicators()
    for r_index, req in enumerate(reqs):
        if req.state is not DimensionState.OPEN:
            continue
        if req.requirement is Requirement.ACT:
            out.append(
                ((0, r_index, 0, 0), Question(kind=QuestionKind.ACT, requirement=req.requirement))
            )
            continue
        for d in req.dimensions:
            res = dims[d]
            if res.state is not DimensionState.OPEN:
                continue
            for pos, iid in enumerate(res.open_indicators):
                weight = table[iid].weight(child)
                assert weight is not None
                decisive = dimension_positive(res.counts.add(weight))
                q = Question(QuestionKind.INDICATOR, req.requirement, iid, d, weight, decisive)
                out.append(((0 if decisive else 1, r_index, _RANK[weight], pos), q))
    # decisive questions first, then by element of the rule, weight and list order
    return [q for _k, q in sorted(out, key=lambda kq: kq[0])]


def _classification(
    child: bool, form: ExploitationForm, dims: dict[Dimension, DimensionResult]
) -> LabourClassification | None:
    if child or form is not ExploitationForm.LABOUR:
        return None
    st = {d: r.state for d, r in dims.items()}
    pos, neg = DimensionState.POSITIVE, DimensionState.NEGATIVE
    exploitation = st[Dimension.EXPLOITATIVE_CONDITIONS]
    coercion = st[Dimension.COERCION_AT_DESTINATION]
    deceptive = st[Dimension.DECEPTIVE_RECRUITMENT]
    coercive = st[Dimension.COERCIVE_RECRUITMENT]
    means_all_negative = all(st[d] is neg for d in RECRUITMENT_DIMENSIONS)
    if exploitation is pos and coercion is pos and pos in (deceptive, coercive):
        return LabourClassification.VICTIM_OF_TRAFFICKING_FOR_FORCED_LABOUR
    if exploitation is pos and coercion is neg and deceptive is pos:
        return LabourClassification.VICTIM_OF_DECEPTION_AND_EXPLOITATION
    if exploitation is pos and coercion is neg and means_all_negative:
        return LabourClassification.EXPLOITED_MIGRANT
    if exploitation is neg and coercion is neg and means_all_negative:
        return LabourClassification.SUCCESSFUL_MIGRANT
    return None


def _caveats(
    person: Person, obs: Observations, form: ExploitationForm, child: bool,
    dims: dict[Dimension, DimensionResult],
) -> tuple[Caveat, ...]:  # fmt: skip
    sets = indicator_sets()
    out: list[Caveat] = [
        Caveat(
            "not_a_legal_determination",
            N_(
                "Indicators are screening aids, not a legal determination: formal identification "
                "belongs to the competent authority of the state."
            ),
        )
    ]
    used = [IndicatorSetId.DELPHI_RULE, IndicatorSetId.DELPHI_LABOUR]
    if form is ExploitationForm.SEXUAL:
        used.append(IndicatorSetId.DELPHI_SEXUAL)
    if any(isinstance(lookup(o.indicator), UnodcIndicator) for o in obs.present):
        used.append(IndicatorSetId.UNODC)
    for sid in used:
        s = sets[sid]
        if s.caveat:
            out.append(Caveat(f"unverified_{sid.value}", s.caveat, s.source_ids))
    if not person.age_known:
        out.append(
            Caveat(
                "age_unknown",
                N_(
                    "The age was not recorded, so the adult rule was applied; if there are reasons "
                    "to believe the person is under 18, screen them as a child."
                ),
            )
        )
    if child:
        out.append(
            Caveat(
                "child_rule_wording",
                N_("The exact wording of the child rule has not been confirmed in WCMS_105023."),
                sets[IndicatorSetId.DELPHI_RULE].source_ids,
            )
        )
    elif (
        dims[Dimension.ABUSE_OF_VULNERABILITY_AT_DESTINATION].positive
        and not dims[Dimension.COERCION_AT_DESTINATION].positive
    ):
        out.append(
            Caveat(
                "vulnerability_not_coercion",
                N_(
                    "Abuse of vulnerability at destination is positive but is not counted in "
                    "place of coercion at destination: whether it may stand in is not confirmed."
                ),
                sets[IndicatorSetId.DELPHI_RULE].source_ids,
            )
        )
    return tuple(out)


def screen(
    observations: Observations | Iterable[Observation], person: Person | None = None
) -> Screening:
    """Screen one person: each dimension, the presumption, and what to ask next.

    Raises :class:`UnknownIndicatorError` for an indicator id in none of the lists and
    :class:`ConflictingObservationError` for an indicator both present and ruled out.
    """
    person = person or Person()
    obs = _normalise(observations)
    _validate(obs)
    child = person.is_child
    form, inferred = _form(person, obs)
    profile = Profile(f"{'child' if child else 'adult'}_{form.value}")

    dims = {d.id: _score_dimension(d.id, obs, child) for d in dimensions()}
    groups = child_requirements() if child else adult_requirements()
    reqs: list[RequirementResult] = []
    acts = tuple(a for a in Act if a in obs.acts)
    if child:
        recruited = any(
            isinstance(lookup(o.indicator), DelphiIndicator)
            and delphi_indicators()[o.indicator].dimension in RECRUITMENT_DIMENSIONS
            for o in obs.present
        )
        act_state = DimensionState.POSITIVE if acts or recruited else DimensionState.OPEN
        reqs.append(RequirementResult(Requirement.ACT, act_state, (), not acts and recruited))
    for group in groups:
        reqs.append(
            RequirementResult(
                _requirement_for(group), _group_state(dims[d] for d in group), tuple(group)
            )
        )
    states = [r.state for r in reqs]
    if all(s is DimensionState.POSITIVE for s in states):
        presumption = (
            Presumption.TRAFFICKING_FOR_SEXUAL_EXPLOITATION
            if form is ExploitationForm.SEXUAL
            else Presumption.TRAFFICKING_FOR_LABOUR_EXPLOITATION
        )
    elif DimensionState.NEGATIVE in states:
        presumption = Presumption.NOT_ESTABLISHED
    else:
        presumption = Presumption.INSUFFICIENT_INFORMATION

    requirements = tuple(reqs)
    questions: list[Question] = []
    if presumption is Presumption.INSUFFICIENT_INFORMATION:
        questions = _questions(requirements, dims, child)
    if not person.age_known:
        as_child = screen(obs, replace(person, child=True))
        if as_child.presumption is not presumption:
            questions.insert(0, Question(kind=QuestionKind.AGE))

    others = tuple(o for o in obs.present if not isinstance(lookup(o.indicator), DelphiIndicator))
    ilo: set[int] = set()
    recorded: set[int] = set()
    for o in obs.present:
        ind = lookup(o.indicator)
        if isinstance(ind, DelphiIndicator) and ind.weight(child) is not None:
            ilo.update(ind.ilo11)
        elif not isinstance(ind, (DelphiIndicator, UnodcIndicator)):
            ilo.add(ind.number)
            recorded.add(ind.number)

    unexplored = tuple(d.id for d in dimensions() if dims[d.id].state is DimensionState.OPEN)
    deciding: set[Dimension] = set()
    if presumption is Presumption.INSUFFICIENT_INFORMATION:
        for r in requirements:
            if r.state is DimensionState.OPEN:
                deciding.update(r.dimensions)
    return Screening(
        profile=profile,
        is_child=child,
        form=form,
        form_inferred=inferred,
        presumption=presumption,
        dimensions=tuple(dims[d.id] for d in dimensions()),
        requirements=requirements,
        ask_next=tuple(questions),
        other_indicators=others,
        ilo_forced_labour=tuple(sorted(ilo)),
        labour_classification=_classification(child, form, dims),
        caveats=_caveats(person, obs, form, child, dims),
        acts=acts,
        person=person,
        explored=tuple(d.id for d in dimensions() if d.id in obs.assessed),
        unexplored=unexplored,
        unexplored_deciding=tuple(d for d in unexplored if d in deciding),
        ilo_recorded=tuple(sorted(recorded)),
        forced_labour=(
            ForcedLabourFinding.POSSIBLE_FORCED_LABOUR if ilo else ForcedLabourFinding.NO_INDICATOR
        ),
    )


__all__ = [
    "ADULT_AGE",
    "Act",
    "Caveat",
    "ConflictingObservationError",
    "DimensionResult",
    "DimensionState",
    "ExploitationForm",
    "ForcedLabourFinding",
    "FoundIndicator",
    "LabourClassification",
    "Observation",
    "Observations",
    "Person",
    "Presumption",
    "Profile",
    "Question",
    "QuestionKind",
    "Requirement",
    "RequirementResult",
    "Screening",
    "UnknownIndicatorError",
    "screen",
]
