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
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from pharos.domain.indicators import (
    RECRUITMENT_DIMENSIONS,
    Clause,
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
from pharos.domain.vocabulary import ExploitationType, Gender


def N_(message: str) -> str:
    """Mark ``message`` for extraction; translated where shown (``pharos.domain.explain``)."""
    return message


ADULT_AGE = 18  # years; Palermo Protocol Art. 3(d): a child is any person under eighteen


class Act(StrEnum):
    """The acts of the Palermo definition (Art. 3(a))."""

    RECRUITMENT = "recruitment"
    TRANSPORT = "transport"
    TRANSFER = "transfer"
    HARBOURING = "harbouring"
    RECEIPT = "receipt"


class ExploitationForm(StrEnum):
    LABOUR = "labour"
    SEXUAL = "sexual"


class Profile(StrEnum):
    """Which ILO/EC list the screening uses."""

    ADULT_LABOUR = "adult_labour"
    CHILD_LABOUR = "child_labour"
    ADULT_SEXUAL = "adult_sexual"
    CHILD_SEXUAL = "child_sexual"


class DimensionState(StrEnum):
    POSITIVE = "positive"
    OPEN = "open"
    NEGATIVE = "negative"


class Presumption(StrEnum):
    TRAFFICKING_FOR_LABOUR_EXPLOITATION = "trafficking_for_labour_exploitation"
    TRAFFICKING_FOR_SEXUAL_EXPLOITATION = "trafficking_for_sexual_exploitation"
    NOT_ESTABLISHED = "not_established"
    INSUFFICIENT_INFORMATION = "insufficient_information"

    @property
    def is_trafficking(self) -> bool:
        return self in (
            Presumption.TRAFFICKING_FOR_LABOUR_EXPLOITATION,
            Presumption.TRAFFICKING_FOR_SEXUAL_EXPLOITATION,
        )


class LabourClassification(StrEnum):
    """ILO/Moldova classification of migrant workers by the same dimensions (secondary source)."""

    SUCCESSFUL_MIGRANT = "successful_migrant"
    EXPLOITED_MIGRANT = "exploited_migrant"
    VICTIM_OF_DECEPTION_AND_EXPLOITATION = "victim_of_deception_and_exploitation"
    VICTIM_OF_TRAFFICKING_FOR_FORCED_LABOUR = "victim_of_trafficking_for_forced_labour"


class Requirement(StrEnum):
    """The elements the rule requires; which ones depends on the profile."""

    RECRUITMENT_MEANS = "recruitment_means"
    EXPLOITATIVE_CONDITIONS = "exploitative_conditions"
    COERCION_AT_DESTINATION = "coercion_at_destination"
    ACT = "act"


@dataclass(frozen=True)
class Person:
    """What is known about the person screened. ``age`` in years; ``child`` if age unknown."""

    age: int | None = None
    child: bool | None = None
    gender: Gender = Gender.UNKNOWN
    nationality: str | None = None
    unaccompanied: bool = False
    exploitation: ExploitationType | None = None

    @property
    def is_child(self) -> bool:
        if self.age is not None:
            return self.age < ADULT_AGE
        return bool(self.child) or self.unaccompanied

    @property
    def age_known(self) -> bool:
        return self.age is not None or self.child is not None or self.unaccompanied


@dataclass(frozen=True)
class Observation:
    """One indicator a practitioner observed, with what they saw (optional)."""

    indicator: str
    note: str | None = None


@dataclass(frozen=True)
class Observations:
    """Everything observed: indicators present, indicators asked about and ruled out, the
    dimensions explored completely (indicators not listed there are absent) and the acts."""

    present: tuple[Observation, ...] = ()
    ruled_out: frozenset[str] = frozenset()
    assessed: frozenset[Dimension] = frozenset()
    acts: frozenset[Act] = frozenset()


class ConflictingObservationError(ValueError):
    """An indicator recorded both as present and as ruled out."""

    def __init__(self, indicator: str) -> None:
        super().__init__(f"indicator {indicator!r} is both observed and ruled out")
        self.indicator = indicator


@dataclass(frozen=True)
class FoundIndicator:
    id: str
    name: str
    weight: Weight
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "weight": self.weight.value, "note": self.note}


@dataclass(frozen=True)
class DimensionResult:
    """One dimension: its state and the indicators that made it so."""

    dimension: Dimension
    state: DimensionState
    counts: WeightCounts
    indicators: tuple[FoundIndicator, ...]
    clause: Clause | None  # the clause met, when positive
    still_needed: Clause | None  # fewest indicators to add to be positive, when not
    not_in_list: tuple[str, ...] = ()  # observed but absent from this profile's list
    open_indicators: tuple[str, ...] = ()  # neither observed nor ruled out

    @property
    def positive(self) -> bool:
        return self.state is DimensionState.POSITIVE

    def to_dict(self) -> dict[str, Any]:
        return {
            "dimension": self.dimension.value,
            "state": self.state.value,
            "positive": self.positive,
            "counts": self.counts.to_dict(),
            "indicators": [i.to_dict() for i in self.indicators],
            "clause": self.clause.to_dict() if self.clause else None,
            "still_needed": self.still_needed.to_dict() if self.still_needed else None,
            "not_in_list": list(self.not_in_list),
            "open_indicators": list(self.open_indicators),
        }


@dataclass(frozen=True)
class RequirementResult:
    requirement: Requirement
    state: DimensionState
    dimensions: tuple[Dimension, ...]  # the dimensions any of which meets it (none for the act)
    inferred: bool = False  # act inferred from recruitment indicators

    def to_dict(self) -> dict[str, Any]:
        return {
            "requirement": self.requirement.value,
            "state": self.state.value,
            "dimensions": [d.value for d in self.dimensions],
            "inferred": self.inferred,
        }


@dataclass(frozen=True)
class Question:
    """An observation that would still help decide the presumption.

    ``kind``: "indicator" (ask whether ``indicator`` is present), "act" (ask whether the child
    was recruited, transported, transferred, harboured or received) or "age" (the age decides
    which rule applies). ``decisive``: on its own it would make its dimension positive.
    """

    kind: str
    requirement: Requirement | None = None
    indicator: str | None = None
    dimension: Dimension | None = None
    weight: Weight | None = None
    decisive: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "requirement": self.requirement.value if self.requirement else None,
            "indicator": self.indicator,
            "dimension": self.dimension.value if self.dimension else None,
            "weight": self.weight.value if self.weight else None,
            "decisive": self.decisive,
        }


@dataclass(frozen=True)
class Caveat:
    code: str
    text: str
    source_ids: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "text": self.text, "source_ids": list(self.source_ids)}


@dataclass(frozen=True)
class Screening:
    """The explained result of screening one person (field names are a stable API)."""

    profile: Profile
    is_child: bool
    form: ExploitationForm
    form_inferred: bool
    presumption: Presumption
    dimensions: tuple[DimensionResult, ...]
    requirements: tuple[RequirementResult, ...]
    ask_next: tuple[Question, ...]
    other_indicators: tuple[Observation, ...]  # ILO-11 and UNODC indicators observed
    ilo_forced_labour: tuple[int, ...]  # ILO-11 numbers related to what was observed
    labour_classification: LabourClassification | None
    caveats: tuple[Caveat, ...]
    acts: tuple[Act, ...]
    person: Person = field(default_factory=Person)

    @property
    def experimental(self) -> bool:
        return self.form is ExploitationForm.SEXUAL

    def dimension(self, dimension: Dimension) -> DimensionResult:
        return next(d for d in self.dimensions if d.dimension is dimension)

    def requirement(self, requirement: Requirement) -> RequirementResult | None:
        return next((r for r in self.requirements if r.requirement is requirement), None)

    def to_dict(self, explain: bool = True) -> dict[str, Any]:
        """JSON-safe form; ``explanation`` (sentences in the current locale) when ``explain``."""
        out: dict[str, Any] = {
            "profile": self.profile.value,
            "is_child": self.is_child,
            "form": self.form.value,
            "form_inferred": self.form_inferred,
            "experimental": self.experimental,
            "presumption": self.presumption.value,
            "dimensions": [d.to_dict() for d in self.dimensions],
            "requirements": [r.to_dict() for r in self.requirements],
            "ask_next": [q.to_dict() for q in self.ask_next],
            "other_indicators": [
                {"id": o.indicator, "note": o.note} for o in self.other_indicators
            ],
            "ilo_forced_labour": list(self.ilo_forced_labour),
            "labour_classification": (
                self.labour_classification.value if self.labour_classification else None
            ),
            "caveats": [c.to_dict() for c in self.caveats],
            "acts": [a.value for a in self.acts],
            "person": {
                "age": self.person.age,
                "child": self.person.child,
                "gender": self.person.gender.value,
                "nationality": self.person.nationality,
                "unaccompanied": self.person.unaccompanied,
                "exploitation": (
                    self.person.exploitation.value if self.person.exploitation else None
                ),
            },
        }
        if explain:
            from pharos.domain.explain import explain as _explain

            out["explanation"] = _explain(self)
        return out


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
        if isinstance(ind, UnodcIndicator) and ind.section == "sexual_exploitation":
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
            out.append(((0, r_index, 0, 0), Question(kind="act", requirement=req.requirement)))
            continue
        for d in req.dimensions:
            res = dims[d]
            if res.state is not DimensionState.OPEN:
                continue
            for pos, iid in enumerate(res.open_indicators):
                weight = table[iid].weight(child)
                assert weight is not None
                decisive = dimension_positive(res.counts.add(weight))
                q = Question("indicator", req.requirement, iid, d, weight, decisive)
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
            questions.insert(0, Question(kind="age"))

    others = tuple(o for o in obs.present if not isinstance(lookup(o.indicator), DelphiIndicator))
    ilo: set[int] = set()
    for o in obs.present:
        ind = lookup(o.indicator)
        if isinstance(ind, DelphiIndicator) and ind.weight(child) is not None:
            ilo.update(ind.ilo11)
        elif not isinstance(ind, (DelphiIndicator, UnodcIndicator)):
            ilo.add(ind.number)

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
    )


__all__ = [
    "Act",
    "Caveat",
    "ConflictingObservationError",
    "DimensionResult",
    "DimensionState",
    "ExploitationForm",
    "LabourClassification",
    "Observation",
    "Observations",
    "Person",
    "Presumption",
    "Profile",
    "Question",
    "Requirement",
    "RequirementResult",
    "Screening",
    "UnknownIndicatorError",
    "screen",
]
