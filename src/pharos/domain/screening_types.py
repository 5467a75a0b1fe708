"""The vocabulary of a screening: what goes in (person, observations) and what comes out
(``Screening`` and its parts). Field names are a stable API: the server and the exercise store
and show them. The rule itself is in :mod:`pharos.domain.screening`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pharos.domain.indicators import Clause, Dimension, Weight, WeightCounts
from pharos.domain.vocabulary import ExploitationType, Gender

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


class ForcedLabourFinding(StrEnum):
    """The ILO indicators of forced labour (ILO, 2012) read on their own, whatever the ILO/EC
    rule says: the list is not weighted, and in some cases a single indicator suffices to
    establish forced labour (in others several together point to it), so any indicator present
    makes forced labour possible, for the labour inspectorate or the police to establish."""

    POSSIBLE_FORCED_LABOUR = "possible_forced_labour"
    NO_INDICATOR = "no_indicator"


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


class QuestionKind(StrEnum):
    INDICATOR = "indicator"  # ask whether ``indicator`` is present
    ACT = "act"  # ask whether the child was recruited, transported, transferred, harboured...
    AGE = "age"  # the age decides which rule applies


@dataclass(frozen=True)
class Question:
    """An observation that would still help decide the presumption.

    ``kind``: "indicator" (ask whether ``indicator`` is present), "act" (ask whether the child
    was recruited, transported, transferred, harboured or received) or "age" (the age decides
    which rule applies). ``decisive``: on its own it would make its dimension positive.
    """

    kind: QuestionKind
    requirement: Requirement | None = None
    indicator: str | None = None
    dimension: Dimension | None = None
    weight: Weight | None = None
    decisive: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
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
    #: the dimensions recorded as explored completely (``assessed`` in the file, "explored" in
    #: the form): what was not observed in them is absent
    explored: tuple[Dimension, ...] = ()
    #: the dimensions still open (neither positive nor closed by what was ruled out or
    #: explored), and those of them whose exploring can change the presumption
    unexplored: tuple[Dimension, ...] = ()
    unexplored_deciding: tuple[Dimension, ...] = ()
    #: the ILO forced-labour indicators recorded as such (``ilo_forced_labour`` adds those
    #: related to the ILO/EC indicators observed) and what they say on their own
    ilo_recorded: tuple[int, ...] = ()
    forced_labour: ForcedLabourFinding = ForcedLabourFinding.NO_INDICATOR

    @property
    def experimental(self) -> bool:
        return self.form is ExploitationForm.SEXUAL

    def dimension(self, dimension: Dimension) -> DimensionResult:
        return next(d for d in self.dimensions if d.dimension is dimension)

    def requirement(self, requirement: Requirement) -> RequirementResult | None:
        return next((r for r in self.requirements if r.requirement is requirement), None)

    def to_dict(self, include_person: bool = True) -> dict[str, Any]:
        """JSON-safe form (the reasons in words: ``pharos.domain.explain.explained``).

        ``include_person=False`` leaves out the person's facts (age, gender, nationality) and
        the practitioners' free-text notes, for results shared beyond the case owner.
        """
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
            "forced_labour": {
                "finding": self.forced_labour.value,
                "indicators": list(self.ilo_forced_labour),
                "recorded": list(self.ilo_recorded),
            },
            "explored": [d.value for d in self.explored],
            "unexplored": [
                {"dimension": d.value, "can_change_outcome": d in self.unexplored_deciding}
                for d in self.unexplored
            ],
        }
        if include_person:
            out["person"] = {
                "age": self.person.age,
                "child": self.person.child,
                "gender": self.person.gender.value,
                "nationality": self.person.nationality,
                "unaccompanied": self.person.unaccompanied,
                "exploitation": (
                    self.person.exploitation.value if self.person.exploitation else None
                ),
            }
        else:
            for d in out["dimensions"]:
                for i in d["indicators"]:
                    i["note"] = None
            for o in out["other_indicators"]:
                o["note"] = None
        return out
