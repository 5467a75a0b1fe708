"""Cross-border cooperation instruments: what each is, who sends it, and where it exists.

One data file, ``data/instruments.yaml``, declares every instrument once (one
:class:`InstrumentSpec` each): its family (police, judicial, protection and return), whether its
product is intelligence, admissible evidence or a victim's protection, which practitioner kinds
may send it, who receives and who answers it, the days to answer, and the rules that decide
whether it exists between two states (EU membership, any two states, or an agreement between
them), each with its channel, legal basis and source. Coordinate, the exercise, the model, the
demo and the labels all read it from here; docs/domain.md lists the facts and their sources.

Instruments are named by their code (``"mutual_legal_assistance"``), as states are by ISO3:
:func:`instrument` looks a code up and refuses an unknown one.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Annotated, Any, TypeGuard

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from pharos.domain.datafiles import (
    SAFE_LOADER,
    data_cache,
    field_path,
    line_of,
    read_data_text,
)
from pharos.domain.geography import Country, country
from pharos.domain.practitioners import PractitionerKind
from pharos.i18n import gettext

DATA_FILE = "instruments.yaml"


class Family(StrEnum):
    POLICE = "police"
    JUDICIAL = "judicial"
    PROTECTION_AND_RETURN = "protection_and_return"


class Product(StrEnum):
    """What a reply brings: police intelligence is not evidence (Directive (EU) 2023/977, Art. 1);
    judicial instruments give evidence a court may admit; referral instruments protect a victim."""

    INTELLIGENCE = "intelligence"
    EVIDENCE = "evidence"
    PROTECTION = "protection"


class Between(StrEnum):
    """The kinds of rule that make an instrument exist between two different states."""

    #: both states are EU member states (less the rule's ``except`` list)
    EU_MEMBERS = "eu_members"
    #: any two states
    ANY_STATES = "any_states"
    #: any two states, operative only where the two have agreed it
    AGREEMENT = "agreement"


#: the facts of an instrument that each carry a source
SOURCED_FACTS: tuple[str, ...] = (
    "product",
    "senders",
    "contact_points",
    "answered_by",
    "due_days",
)


@dataclass(frozen=True)
class Basis:
    """One way an instrument exists between two states: the rule, the channel, the law."""

    between: Between
    channel: str
    legal_basis: str
    source: str
    excluded: frozenset[str] = frozenset()
    #: the rule gives the legal basis, but the instrument is operative only once agreed
    by_agreement: bool = False

    def holds(self, a: Country, b: Country) -> bool:
        """Whether the rule holds between two different states ``a`` and ``b``."""
        if a.iso3 in self.excluded or b.iso3 in self.excluded:
            return False
        if self.between is Between.EU_MEMBERS:
            return a.eu_member and b.eu_member
        return True

    @property
    def needs_agreement(self) -> bool:
        """Whether the instrument is operative only where the two states have agreed it (a
        joint investigation team, between EU states too; a liaison officer's desk)."""
        return self.between is Between.AGREEMENT or self.by_agreement


@dataclass(frozen=True)
class InstrumentSpec:
    """One cross-border cooperation instrument (a row of ``data/instruments.yaml``)."""

    id: str
    label: str
    family: Family
    product: Product
    senders: tuple[PractitionerKind, ...]
    contact_points: tuple[PractitionerKind, ...]
    answered_by: PractitionerKind
    due_days: int
    exists: tuple[Basis, ...]
    sources: Mapping[str, str]

    def basis_between(self, sender: str, receiver: str) -> Basis | None:
        """The first rule that holds from ``sender`` to ``receiver`` (ISO3); None: no such
        instrument between them (and always None from a state to itself)."""
        a, b = country(sender), country(receiver)
        if a.iso3 == b.iso3:
            return None
        return next((basis for basis in self.exists if basis.holds(a, b)), None)

    def may_send(self, kind: str) -> bool:
        """Whether a practitioner of ``kind`` may send a request by this instrument."""
        return kind in self.senders


@dataclass(frozen=True)
class InstrumentAvailability:
    """An instrument that exists from one state to another, with its channel and legal basis
    (English, as stored; :func:`words` translates them for display)."""

    instrument: str
    channel: str
    legal_basis: str
    #: True where the instrument is operative only once the two states have agreed it
    needs_agreement: bool = False

    @property
    def spec(self) -> InstrumentSpec:
        return instrument(self.instrument)


class InstrumentDataError(ValueError):
    """The instruments data file cannot be used: where (file, line, field) and what is wrong."""

    def __init__(self, message: str, path: str = "", line: int | None = None, filename: str = ""):
        super().__init__(message)
        self.message, self.path, self.line, self.filename = message, path, line, filename

    def __str__(self) -> str:
        where = self.filename + (f":{self.line}" if self.line is not None else "")
        field = self.path or "(top level)"
        return f"{where}: {field}: {self.message}" if where else f"{field}: {self.message}"


class UnknownInstrumentError(KeyError):
    """A code that names no instrument of ``data/instruments.yaml``."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown instrument"


# --- The file's format (validated with pydantic, then turned into the frozen spec) ----------

_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
_ISO3 = re.compile(r"^[A-Z]{3}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _BasisRow(_Strict):
    between: Between
    channel: str = Field(min_length=1)
    legal_basis: str = Field(min_length=1)
    source: str = Field(min_length=1)
    except_: list[str] = Field(default_factory=list, alias="except")
    by_agreement: bool = False

    @field_validator("except_")
    @classmethod
    def _iso3(cls, v: list[str]) -> list[str]:
        bad = [c for c in v if not _ISO3.match(c)]
        if bad:
            raise ValueError(f"ISO 3166-1 alpha-3 codes, not {', '.join(map(repr, bad))}")
        return v


class _InstrumentRow(_Strict):
    id: str
    label: str = Field(min_length=1)
    family: Family
    product: Product
    senders: list[PractitionerKind] = Field(min_length=1)
    contact_points: list[PractitionerKind] = Field(min_length=1)
    answered_by: PractitionerKind
    due_days: int = Field(gt=0)
    exists: list[_BasisRow] = Field(min_length=1)
    sources: dict[str, str]

    @field_validator("id")
    @classmethod
    def _code(cls, v: str) -> str:
        if not _CODE.match(v):
            raise ValueError(f"a snake_case code (a-z, 0-9, _), not {v!r}")
        return v

    @field_validator("sources")
    @classmethod
    def _every_fact_sourced(cls, v: dict[str, str]) -> dict[str, str]:
        missing = [k for k in SOURCED_FACTS if not v.get(k, "").strip()]
        unknown = sorted(set(v) - set(SOURCED_FACTS))
        if missing:
            raise ValueError(
                f"a source for each of {', '.join(SOURCED_FACTS)}; missing: " + ", ".join(missing)
            )
        if unknown:
            raise ValueError(
                f"sources only for {', '.join(SOURCED_FACTS)}, not " + ", ".join(unknown)
            )
        return v


class _File(_Strict):
    instruments: list[_InstrumentRow] = Field(min_length=1)


def _fail(
    message: str, loc: tuple[int | str, ...], root: yaml.Node | None, filename: str
) -> InstrumentDataError:
    return InstrumentDataError(message, field_path(loc), line_of(root, loc), filename)


def _fields_at(loc: tuple[int | str, ...]) -> list[str]:
    """The fields allowed in the mapping that holds ``loc``."""
    model: type[BaseModel] = _File
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        inner = getattr(field, "annotation", None)
        args = getattr(inner, "__args__", ())
        found = next((a for a in args if isinstance(a, type) and issubclass(a, BaseModel)), None)
        if found is None:
            return []
        model = found
    return sorted(f.alias or name for name, f in model.model_fields.items())


def _message(err: Mapping[str, Any], loc: tuple[int | str, ...]) -> str:
    kind = err["type"]
    if kind == "missing":
        return "this field is required"
    if kind == "extra_forbidden":
        allowed = _fields_at(loc)
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        return f"unknown field{hint} (expected one of: {', '.join(allowed)})"
    if kind == "enum":
        return f"expected one of: {(err.get('ctx') or {}).get('expected', '')}"
    if kind == "value_error":
        return f"expected {(err.get('ctx') or {}).get('error', err['msg'])}"
    return str(err["msg"])


def parse_instruments(text: str, filename: str = DATA_FILE) -> tuple[InstrumentSpec, ...]:
    """Read and check an instruments file (the format of ``data/instruments.yaml``).

    Raises :class:`InstrumentDataError` naming the file, the line and the field."""
    try:
        data = yaml.load(text, Loader=SAFE_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise InstrumentDataError(f"not valid YAML: {exc.problem}", "", line, filename) from None
    if not isinstance(data, dict):
        raise InstrumentDataError("expected a mapping with `instruments:`", "", 1, filename)

    def root() -> yaml.Node | None:  # the document's nodes, for the line of an error
        return yaml.compose(text, Loader=SAFE_LOADER)

    try:
        doc = _File.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        # a misspelt field shows as "unknown field" and "field required": name the misspelling
        err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
        loc = tuple(err["loc"])
        raise _fail(_message(err, loc), loc, root(), filename) from None
    seen: dict[str, int] = {}
    for i, row in enumerate(doc.instruments):
        if row.id in seen:
            raise _fail(
                f"{row.id!r} is declared twice (first at instruments[{seen[row.id]}])",
                ("instruments", i, "id"),
                root(),
                filename,
            )
        seen[row.id] = i
    return tuple(_spec(row) for row in doc.instruments)


def _spec(row: _InstrumentRow) -> InstrumentSpec:
    return InstrumentSpec(
        id=row.id,
        label=row.label,
        family=row.family,
        product=row.product,
        senders=tuple(row.senders),
        contact_points=tuple(row.contact_points),
        answered_by=row.answered_by,
        due_days=row.due_days,
        exists=tuple(
            Basis(
                b.between, b.channel, b.legal_basis, b.source, frozenset(b.except_), b.by_agreement
            )
            for b in row.exists
        ),
        sources=MappingProxyType(dict(row.sources)),
    )


# --- The instruments Pharos knows ---------------------------------------------------------------


@data_cache
def instruments() -> Mapping[str, InstrumentSpec]:
    """Every instrument, by code, in the order of the data file (the order pages list them)."""
    text = read_data_text(DATA_FILE)
    return MappingProxyType({s.id: s for s in parse_instruments(text, DATA_FILE)})


def instrument_codes() -> tuple[str, ...]:
    return tuple(instruments())


def instrument(code: str) -> InstrumentSpec:
    """The instrument with ``code``; :class:`UnknownInstrumentError` for a code it does not know."""
    table = instruments()
    if code not in table:
        raise UnknownInstrumentError(f"unknown instrument {code!r}; known: {', '.join(table)}")
    return table[code]


def is_instrument(code: object) -> TypeGuard[str]:
    """Whether ``code`` is the code of an instrument."""
    return isinstance(code, str) and code in instruments()


def known_instrument(code: str) -> str:
    """``code`` if it names an instrument, else ValueError (for pydantic validators)."""
    if not is_instrument(code):
        raise ValueError(f"unknown instrument {code!r}; known: {', '.join(instruments())}")
    return code


#: An instrument's code in a pydantic schema (scenario and exercise files): refused when unknown.
InstrumentCode = Annotated[str, AfterValidator(known_instrument)]


def instruments_between(sender: str, receiver: str) -> list[InstrumentAvailability]:
    """The instruments a state ``sender`` may use towards ``receiver`` (ISO3 codes), in the order
    of the data file. A state does not send cross-border requests to itself: the list is empty
    when both are equal. An instrument that exists only by agreement is listed (a joint
    investigation team is proposed before it is agreed) with ``needs_agreement``."""
    out = []
    for spec in instruments().values():
        basis = spec.basis_between(sender, receiver)
        if basis is not None:
            out.append(
                InstrumentAvailability(
                    spec.id, basis.channel, basis.legal_basis, basis.needs_agreement
                )
            )
    return out


def instrument_exists(sender: str, receiver: str, code: str) -> bool:
    return is_instrument(code) and instrument(code).basis_between(sender, receiver) is not None


def of_product(product: Product) -> tuple[str, ...]:
    """The codes of the instruments whose reply brings ``product``, in the data file's order."""
    return tuple(s.id for s in instruments().values() if s.product is product)


def of_families(*families: Family) -> tuple[str, ...]:
    """The codes of the instruments of ``families``, in the data file's order."""
    return tuple(s.id for s in instruments().values() if s.family in families)


def label(code: object) -> str:
    """The instrument's name in the current language; an unknown code comes back as it is."""
    key = str(code)
    return gettext(instruments()[key].label) if key in instruments() else key


def words(text: str) -> str:
    """An instrument's channel or legal basis (as :class:`InstrumentAvailability` and stored
    requests carry it, in English) in the current language; other text comes back as it is."""
    return gettext(text) if text else text


def translatable_texts() -> Iterator[tuple[str, str]]:
    """Every text of the data file shown to users, with where it is: ``(msgid, place)``. They
    are the msgids of the ``instruments`` catalogs (the string-extraction test reads them)."""
    for spec in instruments().values():
        yield spec.label, f"{DATA_FILE}: {spec.id}.label"
        for i, basis in enumerate(spec.exists):
            yield basis.channel, f"{DATA_FILE}: {spec.id}.exists[{i}].channel"
            yield basis.legal_basis, f"{DATA_FILE}: {spec.id}.exists[{i}].legal_basis"
