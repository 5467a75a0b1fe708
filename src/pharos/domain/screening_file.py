"""The screening file: what a practitioner observed about one person, in YAML or JSON.

Parsing is pure (text in, domain objects out) so the CLI and the web platform read the same
format. A bad file raises :class:`ScreeningFileError` naming the field path, what was expected
and, for YAML and JSON, the line.

Example::

    person: {age: 27, sex: male, nationality: EGY}
    exploitation: forced_labour
    industry: agriculture_forestry_fishing
    recruitment: [online_advertisement]
    platforms: [facebook]
    acts: [recruitment, transport, harbouring]
    indicators:
      - dr_nature_of_job
      - {id: cd_confiscation_documents, note: "passport kept by the farm owner"}
    ruled_out: [cd_violence_on_victims]             # asked about, absent
    assessed: [coercive_recruitment]                # explored completely, with or without findings
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pharos.domain import userfile
from pharos.domain.datafiles import field_path, line_of
from pharos.domain.geography import UnknownCountryError, country
from pharos.domain.indicators import Dimension, UnknownIndicatorError, lookup
from pharos.domain.screening import Act, Observation, Observations, Person
from pharos.domain.vocabulary import (
    ExploitationType,
    ForcedLabourIndustry,
    Gender,
    MigrantType,
    Platform,
    ProtectionStatus,
    RecruitmentMethod,
    SexualExploitationType,
)
from pharos.i18n import gettext as _

#: Everyday words accepted for the HTCDS genders.
SEX_SYNONYMS: dict[str, Gender] = {
    "female": Gender.FEMININE,
    "f": Gender.FEMININE,
    "woman": Gender.FEMININE,
    "girl": Gender.FEMININE,
    "male": Gender.MASCULINE,
    "m": Gender.MASCULINE,
    "man": Gender.MASCULINE,
    "boy": Gender.MASCULINE,
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class PersonFacts(_Model):
    age: Annotated[int, Field(ge=0, le=120)] | None = None
    child: bool | None = None
    sex: Gender = Gender.UNKNOWN
    nationality: str | None = None
    unaccompanied: bool = False
    migrant_type: MigrantType | None = None
    protection_status: ProtectionStatus | None = None

    @field_validator("sex", mode="before")
    @classmethod
    def _sex(cls, value: Any) -> Any:
        if isinstance(value, str):
            return SEX_SYNONYMS.get(value.strip().lower(), value.strip().lower())
        return value

    @field_validator("nationality")
    @classmethod
    def _nationality(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return country(value).iso3
        except UnknownCountryError:
            if len(value) == 3 and value.isalpha():
                return value.upper()
            raise ValueError(_("an ISO 3166 country code such as EGY or IT")) from None


class IndicatorEntry(_Model):
    id: str
    note: str | None = None


class ScreeningDocument(_Model):
    """The file's schema (field names are the file format; keep them stable)."""

    title: str | None = None
    summary: str | None = None
    person: PersonFacts = PersonFacts()
    exploitation: ExploitationType | None = None
    industry: ForcedLabourIndustry | None = None
    sexual_exploitation: list[SexualExploitationType] = []
    recruitment: list[RecruitmentMethod] = []
    platforms: list[Platform] = []
    acts: list[Act] = []
    indicators: list[IndicatorEntry | str] = []
    ruled_out: list[str] = []
    assessed: list[Dimension] = []
    source: str | None = None


@dataclass(frozen=True)
class ScreeningInput:
    """A parsed screening file: the domain objects ``screen`` takes, and the context."""

    document: ScreeningDocument
    observations: Observations
    person: Person


class ScreeningFileError(ValueError):
    """A screening file that cannot be used: where (file, line, field) and what was expected."""

    def __init__(
        self, message: str, path: str = "", line: int | None = None, filename: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.filename = filename

    def __str__(self) -> str:
        where = self.filename or ""
        if self.line is not None:
            where = f"{where}:{self.line}" if where else _("line %(n)s") % {"n": self.line}
        field = self.path or _("(top level)")
        return f"{where}: {field}: {self.message}" if where else f"{field}: {self.message}"


def _expected(err: Any) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return _("this field is required")
    if kind == "extra_forbidden":
        return _("unknown field")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("expected a whole number")
    if kind in ("bool_parsing", "bool_type"):
        return _("expected true or false")
    if kind in ("string_type",):
        return _("expected text")
    if kind in ("list_type",):
        return _("expected a list")
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return _("expected a mapping of fields")
    if kind == "enum":
        return _("expected one of: %(values)s") % {"values": ctx.get("expected", "")}
    if kind == "greater_than_equal":
        return _("expected a number of at least %(n)s") % {"n": ctx.get("ge")}
    if kind == "less_than_equal":
        return _("expected a number of at most %(n)s") % {"n": ctx.get("le")}
    if kind == "value_error":
        return _("expected %(what)s") % {"what": str(ctx.get("error", err["msg"]))}
    return str(err["msg"])


_ALLOWED_FIELDS = {
    "": sorted(ScreeningDocument.model_fields),
    "person": sorted(PersonFacts.model_fields),
}


def _pick_error(errors: list[Any]) -> Any:
    """The most useful of pydantic's errors (a union reports one per member)."""
    for err in errors:
        loc = err["loc"]
        # "indicators[2]" as a mapping: pydantic reports both union branches; keep the mapping one
        if loc and loc[-1] == "str" and len(errors) > 1:
            continue
        return err
    return errors[0]


def _clean_loc(loc: tuple[int | str, ...]) -> tuple[int | str, ...]:
    return tuple(p for p in loc if p not in ("IndicatorEntry", "str"))


def _load(text: str, filename: str | None) -> tuple[Any, yaml.Node | None]:
    """The file's data and node tree, read strictly (:mod:`pharos.domain.userfile`: YAML 1.2,
    no key twice, bounded size and depth)."""
    is_json = bool(filename and filename.lower().endswith(".json"))
    try:
        if not is_json:
            return userfile.load(text, userfile.MAX_SCREENING_BYTES)
        userfile.check_size(len(text.encode("utf-8")), userfile.MAX_SCREENING_BYTES)
    except userfile.UserFileError as exc:
        raise ScreeningFileError(exc.message, "", exc.line, filename) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScreeningFileError(
            _("not valid JSON: %(problem)s") % {"problem": exc.msg}, "", exc.lineno, filename
        ) from None
    except RecursionError:
        raise ScreeningFileError(userfile.nesting_message(), "", None, filename) from None
    # JSON is YAML: its node tree gives the lines, the nesting and keys given twice
    try:
        root = userfile.compose(text, userfile.MAX_SCREENING_BYTES)
        userfile.construct(root)
    except userfile.UserFileError as exc:
        if not exc.syntax:
            raise ScreeningFileError(exc.message, "", exc.line, filename) from None
        root = None
    return data, root


def parse_screening(text: str, filename: str | None = None) -> ScreeningInput:
    """Parse and check a screening file (YAML, or JSON when ``filename`` ends in .json)."""
    data, root = _load(text, filename)
    if data is None:
        raise ScreeningFileError(_("the file is empty"), "", 1, filename)
    if not isinstance(data, dict):
        raise ScreeningFileError(_("expected a mapping of fields"), "", 1, filename)
    try:
        doc = ScreeningDocument.model_validate(data)
    except ValidationError as exc:
        err = _pick_error(exc.errors())
        loc = _clean_loc(tuple(err["loc"]))
        message = _expected(err)
        if err["type"] == "extra_forbidden":
            parent = field_path(loc[:-1])
            allowed = _ALLOWED_FIELDS.get(parent)
            if allowed:
                message += "; " + _("expected one of: %(values)s") % {"values": ", ".join(allowed)}
        raise ScreeningFileError(message, field_path(loc), line_of(root, loc), filename) from None

    present: list[Observation] = []
    for i, entry in enumerate(doc.indicators):
        item = IndicatorEntry(id=entry) if isinstance(entry, str) else entry
        loc = ("indicators", i) if isinstance(entry, str) else ("indicators", i, "id")
        _check_indicator(item.id, loc, root, filename)
        present.append(Observation(item.id, item.note))
    seen: dict[str, int] = {}
    for i, o in enumerate(present):
        if o.indicator in seen:
            raise ScreeningFileError(
                _("indicator %(id)s is listed twice") % {"id": o.indicator},
                field_path(("indicators", i)),
                line_of(root, ("indicators", i)),
                filename,
            )
        seen[o.indicator] = i
    for i, rid in enumerate(doc.ruled_out):
        _check_indicator(rid, ("ruled_out", i), root, filename)
        if rid in seen:
            raise ScreeningFileError(
                _("indicator %(id)s is both observed and ruled out") % {"id": rid},
                field_path(("ruled_out", i)),
                line_of(root, ("ruled_out", i)),
                filename,
            )
    age, child = doc.person.age, doc.person.child
    if age is not None and child is not None and child != (age < 18):
        raise ScreeningFileError(
            _("expected child to agree with age (under 18 is a child)"),
            "person.child",
            line_of(root, ("person", "child")),
            filename,
        )
    person = Person(
        age=doc.person.age,
        child=doc.person.child,
        gender=doc.person.sex,
        nationality=doc.person.nationality,
        unaccompanied=doc.person.unaccompanied,
        exploitation=doc.exploitation,
    )
    observations = Observations(
        present=tuple(present),
        ruled_out=frozenset(doc.ruled_out),
        assessed=frozenset(doc.assessed),
        acts=frozenset(doc.acts),
    )
    return ScreeningInput(document=doc, observations=observations, person=person)


def _check_indicator(
    indicator_id: str, loc: tuple[int | str, ...], root: yaml.Node | None, filename: str | None
) -> None:
    try:
        lookup(indicator_id)
    except UnknownIndicatorError as exc:
        message = _("unknown indicator %(id)s") % {"id": repr(indicator_id)}
        if exc.suggestions:
            message += "; " + _("did you mean %(names)s?") % {"names": ", ".join(exc.suggestions)}
        else:
            message += "; " + _("see: pharos reference indicators")
        raise ScreeningFileError(message, field_path(loc), line_of(root, loc), filename) from None
