"""Indicators of trafficking in human beings, and the ILO/EC rule that combines them.

Three sets, read from ``pharos/domain/data/indicators.yaml`` (sources written there):

- the ILO's 11 indicators of forced labour (ILO 2012; verified in the primary source);
- the ILO/EC operational indicators from the 2009 Delphi survey (WCMS_105023): six dimensions
  (verified), the adult and child labour-exploitation lists graded strong / medium / weak and
  the combination rule (both from a secondary source, unverified: results built on them carry
  the caveat);
- the UNODC Human Trafficking Indicators (general and sexual exploitation items; unverified).

Indicators are screening aids, not legal determinations.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

from pharos.domain.datafiles import load_data_file

DATA_FILE = "indicators.yaml"

#: The section of the UNODC indicators that concerns sexual exploitation (``unodc.sections``):
#: one of its items observed makes the screening one for sexual exploitation.
UNODC_SEXUAL_SECTION = "sexual_exploitation"


class Weight(StrEnum):
    """How strongly the Delphi panel judged an indicator to point to trafficking."""

    STRONG = "strong"
    MEDIUM = "medium"
    WEAK = "weak"


class Dimension(StrEnum):
    """The six dimensions of the ILO/EC operational indicators, in their published order."""

    DECEPTIVE_RECRUITMENT = "deceptive_recruitment"
    COERCIVE_RECRUITMENT = "coercive_recruitment"
    RECRUITMENT_ABUSE_OF_VULNERABILITY = "recruitment_abuse_of_vulnerability"
    EXPLOITATIVE_CONDITIONS = "exploitative_conditions"
    COERCION_AT_DESTINATION = "coercion_at_destination"
    ABUSE_OF_VULNERABILITY_AT_DESTINATION = "abuse_of_vulnerability_at_destination"


#: The recruitment dimensions: any one of them evidences the means element for an adult.
RECRUITMENT_DIMENSIONS: tuple[Dimension, ...] = (
    Dimension.DECEPTIVE_RECRUITMENT,
    Dimension.COERCIVE_RECRUITMENT,
    Dimension.RECRUITMENT_ABUSE_OF_VULNERABILITY,
)


class IndicatorSetId(StrEnum):
    ILO_FORCED_LABOUR = "ilo_forced_labour"
    DELPHI_DIMENSIONS = "delphi_dimensions"
    DELPHI_RULE = "delphi_rule"
    DELPHI_LABOUR = "delphi_labour"
    DELPHI_SEXUAL = "delphi_sexual"
    UNODC = "unodc"


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    kind: str
    publisher: str | None = None
    year: int | None = None
    document_id: str | None = None
    url: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class IndicatorSet:
    """One list (or rule) with its provenance; ``caveat`` is set when it is not verified."""

    id: IndicatorSetId
    name: str
    verified: bool
    source_ids: tuple[str, ...]
    caveat: str | None


@dataclass(frozen=True)
class DimensionInfo:
    id: Dimension
    number: int
    name: str
    element: str
    phase: str


@dataclass(frozen=True)
class DelphiIndicator:
    """An ILO/EC operational indicator; ``adult``/``child`` is None where absent from that list."""

    id: str
    dimension: Dimension
    name: str
    adult: Weight | None
    child: Weight | None
    ilo11: tuple[int, ...]
    note: str | None = None
    #: what an interviewer can ask to learn whether it is present (English msgids, translated
    #: in the catalogs' area ``interview_questions``); written by the Pharos team
    questions: tuple[str, ...] = ()

    def weight(self, child: bool) -> Weight | None:
        """The weight in the adult or the child list (None: not in that list)."""
        return self.child if child else self.adult


@dataclass(frozen=True)
class IloIndicator:
    id: str
    number: int
    name: str


@dataclass(frozen=True)
class UnodcIndicator:
    id: str
    section: str
    text: str
    group: str | None = None


Indicator = DelphiIndicator | IloIndicator | UnodcIndicator


@dataclass(frozen=True)
class WeightCounts:
    """How many indicators of each weight were found in one dimension."""

    strong: int = 0
    medium: int = 0
    weak: int = 0

    def add(self, weight: Weight) -> WeightCounts:
        return WeightCounts(
            strong=self.strong + (weight is Weight.STRONG),
            medium=self.medium + (weight is Weight.MEDIUM),
            weak=self.weak + (weight is Weight.WEAK),
        )

    def to_dict(self) -> dict[str, int]:
        return {"strong": self.strong, "medium": self.medium, "weak": self.weak}


@dataclass(frozen=True)
class Clause:
    """Minimum counts by weight; ``medium_or_weak`` counts indicators not used by the others.

    Each indicator counts once: the indicators counted for ``medium`` and ``weak`` are not
    counted again for ``medium_or_weak``, and a strong indicator never counts as medium or weak.
    """

    strong: int = 0
    medium: int = 0
    weak: int = 0
    medium_or_weak: int = 0

    def met_by(self, found: WeightCounts) -> bool:
        """Whether ``found`` meets every minimum of this clause."""
        if found.strong < self.strong or found.medium < self.medium or found.weak < self.weak:
            return False
        spare = (found.medium - self.medium) + (found.weak - self.weak)
        return spare >= self.medium_or_weak

    def missing(self, found: WeightCounts) -> Clause:
        """What ``found`` still lacks to meet this clause, as a clause of the remaining minimums."""
        spare = max(0, found.medium - self.medium) + max(0, found.weak - self.weak)
        return Clause(
            strong=max(0, self.strong - found.strong),
            medium=max(0, self.medium - found.medium),
            weak=max(0, self.weak - found.weak),
            medium_or_weak=max(0, self.medium_or_weak - spare),
        )

    @property
    def size(self) -> int:
        """How many indicators the clause asks for."""
        return self.strong + self.medium + self.weak + self.medium_or_weak

    def to_dict(self) -> dict[str, int]:
        d = {
            "strong": self.strong,
            "medium": self.medium,
            "weak": self.weak,
            "medium_or_weak": self.medium_or_weak,
        }
        return {k: v for k, v in d.items() if v}


class UnknownIndicatorError(KeyError):
    """An indicator id that is in none of the lists; ``suggestions`` holds the closest ids."""

    def __init__(self, name: str, suggestions: tuple[str, ...]) -> None:
        super().__init__(name)
        self.name = name
        self.suggestions = suggestions

    def __str__(self) -> str:
        hint = f"; did you mean {', '.join(self.suggestions)}?" if self.suggestions else ""
        return f"unknown indicator {self.name!r}{hint}"


def _data() -> dict[str, Any]:
    data: dict[str, Any] = load_data_file(DATA_FILE)
    return data


@cache
def sources() -> dict[str, Source]:
    """The bibliographic sources of the indicator sets, by id."""
    out: dict[str, Source] = {}
    for sid, raw in _data()["sources"].items():
        out[sid] = Source(
            id=sid,
            title=str(raw["title"]),
            kind=str(raw["kind"]),
            publisher=raw.get("publisher"),
            year=raw.get("year"),
            document_id=raw.get("document_id"),
            url=raw.get("url"),
            note=raw.get("note"),
        )
    return out


@cache
def indicator_sets() -> dict[IndicatorSetId, IndicatorSet]:
    """Every list and rule with whether it is verified and, if not, its caveat."""
    out: dict[IndicatorSetId, IndicatorSet] = {}
    data = _data()
    for set_id in IndicatorSetId:
        raw: Mapping[str, Any] = data[set_id.value]
        verified = bool(raw["verified"])
        caveat = raw.get("caveat")
        if not verified and not caveat:
            raise ValueError(f"{DATA_FILE}: unverified set {set_id} has no caveat")
        out[set_id] = IndicatorSet(
            id=set_id,
            name=str(raw["name"]),
            verified=verified,
            source_ids=tuple(raw.get("source_ids", ())),
            caveat=None if verified else str(caveat),
        )
    return out


@cache
def dimensions() -> tuple[DimensionInfo, ...]:
    """The six dimensions, in order."""
    return tuple(
        DimensionInfo(
            id=Dimension(raw["id"]),
            number=int(raw["number"]),
            name=str(raw["name"]),
            element=str(raw["element"]),
            phase=str(raw["phase"]),
        )
        for raw in _data()["delphi_dimensions"]["items"]
    )


def dimension_info(dimension: Dimension) -> DimensionInfo:
    return next(d for d in dimensions() if d.id is dimension)


def _weight(raw: str) -> Weight | None:
    return None if raw == "absent" else Weight(raw)


@cache
def delphi_indicators() -> dict[str, DelphiIndicator]:
    """The ILO/EC labour-exploitation indicators (adult and child weights), by id, in order."""
    out: dict[str, DelphiIndicator] = {}
    labour = _data()["delphi_labour"]
    questions = _questions(labour)
    for dim, items in labour["indicators"].items():
        for raw in items:
            iid = str(raw["id"])
            if (dim, iid) not in questions:
                raise ValueError(f"{DATA_FILE}: delphi_labour.questions: {dim}.{iid} has none")
            out[iid] = DelphiIndicator(
                id=iid,
                dimension=Dimension(dim),
                name=str(raw["name"]),
                adult=_weight(raw["adult"]),
                child=_weight(raw["child"]),
                ilo11=tuple(int(n) for n in raw["ilo11"]),
                note=raw.get("note"),
                questions=questions.pop((dim, iid)),
            )
    if questions:
        unknown = ", ".join(f"{d}.{i}" for d, i in questions)
        raise ValueError(f"{DATA_FILE}: delphi_labour.questions: no such indicator: {unknown}")
    return out


def _questions(labour: Mapping[str, Any]) -> dict[tuple[str, str], tuple[str, ...]]:
    """The interview questions of ``delphi_labour.questions``, by (dimension, indicator id)."""
    out: dict[tuple[str, str], tuple[str, ...]] = {}
    for dim, by_id in labour["questions"].items():
        for iid, texts in by_id.items():
            if not texts or not all(isinstance(t, str) and t.strip() for t in texts):
                raise ValueError(f"{DATA_FILE}: delphi_labour.questions: {dim}.{iid}: empty")
            out[(str(dim), str(iid))] = tuple(str(t) for t in texts)
    return out


def indicators_in(dimension: Dimension) -> tuple[DelphiIndicator, ...]:
    return tuple(i for i in delphi_indicators().values() if i.dimension is dimension)


@cache
def ilo_indicators() -> dict[str, IloIndicator]:
    """The ILO's 11 indicators of forced labour, by id, in their published order."""
    return {
        raw["id"]: IloIndicator(id=str(raw["id"]), number=int(raw["number"]), name=str(raw["name"]))
        for raw in _data()["ilo_forced_labour"]["items"]
    }


def ilo_indicator_by_number(number: int) -> IloIndicator:
    return next(i for i in ilo_indicators().values() if i.number == number)


@cache
def unodc_indicators() -> dict[str, UnodcIndicator]:
    """The UNODC indicators transcribed so far (general, sexual exploitation), by id."""
    out: dict[str, UnodcIndicator] = {}
    for section, raw_section in _data()["unodc"]["sections"].items():
        for raw in raw_section["items"]:
            out[raw["id"]] = UnodcIndicator(
                id=str(raw["id"]),
                section=str(section),
                text=str(raw["text"]),
                group=raw.get("group"),
            )
    return out


def unodc_stem(section: str) -> str:
    """The sentence the UNODC items of ``section`` complete ("People who ... may:")."""
    return str(_data()["unodc"]["sections"][section]["stem"])


@cache
def dimension_rule() -> tuple[Clause, ...]:
    """The clauses of the ILO/EC dimension rule (WCMS_105023 p. 3, via a secondary source)."""
    return tuple(
        Clause(**{k: int(v) for k, v in raw.items()})
        for raw in _data()["delphi_rule"]["dimension_positive"]
    )


def dimension_positive(found: WeightCounts) -> bool:
    """Whether indicators with these weights make a dimension positive (any clause met)."""
    return any(c.met_by(found) for c in dimension_rule())


def satisfied_clause(found: WeightCounts) -> Clause | None:
    """The first clause ``found`` meets, or None."""
    return next((c for c in dimension_rule() if c.met_by(found)), None)


def nearest_clause(
    found: WeightCounts, available: WeightCounts | None = None
) -> tuple[Clause, Clause]:
    """The clause needing the fewest added indicators, and what it still needs.

    With ``available`` (the weights of the indicators not yet asked about), clauses that can
    still be met with them are preferred.
    """

    def reachable(c: Clause) -> bool:
        if available is None:
            return True
        total = WeightCounts(
            found.strong + available.strong,
            found.medium + available.medium,
            found.weak + available.weak,
        )
        return c.met_by(total)

    options = [(c, c.missing(found)) for c in dimension_rule()]
    return min(options, key=lambda o: (not reachable(o[0]), o[1].size, o[1].strong))


@cache
def adult_requirements() -> tuple[tuple[Dimension, ...], ...]:
    """The adult rule: every group must have at least one positive dimension."""
    return tuple(
        tuple(Dimension(d) for d in group["any_of"])
        for group in _data()["delphi_rule"]["adult"]["all_of"]
    )


@cache
def child_requirements() -> tuple[tuple[Dimension, ...], ...]:
    """The child rule's dimension groups (the act is required besides these)."""
    return tuple(
        tuple(Dimension(d) for d in group["any_of"])
        for group in _data()["delphi_rule"]["child"]["all_of"]
    )


@cache
def all_indicator_ids() -> tuple[str, ...]:
    return (*delphi_indicators(), *ilo_indicators(), *unodc_indicators())


def lookup(indicator_id: str) -> Indicator:
    """The indicator with this id in any list; raises :class:`UnknownIndicatorError`."""
    for table in (delphi_indicators(), ilo_indicators(), unodc_indicators()):
        if indicator_id in table:
            found: Indicator = table[indicator_id]
            return found
    raise UnknownIndicatorError(indicator_id, suggest(indicator_id))


def suggest(name: str, n: int = 3) -> tuple[str, ...]:
    """The known indicator ids closest to ``name`` (difflib), best first."""
    ids = all_indicator_ids()
    close = difflib.get_close_matches(name, ids, n=n, cutoff=0.5)
    if close:
        return tuple(close)
    # fall back on the indicator names: "debt bondage" -> cd_debt_bondage, cr_debt_bondage
    by_name = {i.name.lower(): i.id for i in delphi_indicators().values()}
    by_name.update({i.name.lower(): i.id for i in ilo_indicators().values()})
    names = difflib.get_close_matches(
        name.lower().replace("_", " "), list(by_name), n=n, cutoff=0.5
    )
    hits = [i.id for i in delphi_indicators().values() if i.name.lower() in names]
    hits += [i.id for i in ilo_indicators().values() if i.name.lower() in names]
    return tuple(dict.fromkeys(hits))[: max(n, 2)]
