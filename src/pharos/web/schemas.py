"""Request bodies of the JSON API (documented in the OpenAPI description). The services check
every value again and say which field is wrong and why."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    Strict,
    StrictBool,
    StrictInt,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from pharos.coordinate.vocabulary import (
    CaseStatus,
    EventType,
    PersonRole,
    ReferralReason,
    SupportPlanType,
)
from pharos.domain.cooperation import instrument_codes
from pharos.domain.disclosure import DEFAULT_K
from pharos.domain.geography import countries, region_state_codes
from pharos.domain.indicators import Dimension, delphi_indicators
from pharos.domain.screening_types import Act
from pharos.domain.vocabulary import (
    ExploitationType,
    Gender,
    MethodOfControl,
    PerpetratorRole,
    RecruitmentMethod,
    TraffickingStatus,
)
from pharos.estimate.examples import EXAMPLES
from pharos.store.base import ID_MAX

#: A stored record's id (within the database's range). Whole numbers only, as the description
#: says: no "5" nor 5.0 (Pydantic's lax mode would take both).
RecordId = Annotated[int, Strict(), Field(ge=1, le=ID_MAX)]
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _date_text(value: Any) -> Any:
    # a date as the description states it (YYYY-MM-DD): Pydantic's lax mode also reads numbers
    # as Unix times (0 was 1970-01-01)
    if isinstance(value, dt.date) or (isinstance(value, str) and _DATE.match(value)):
        return value
    raise ValueError("expected a date as YYYY-MM-DD")


#: A calendar date written YYYY-MM-DD.
Date = Annotated[dt.date, BeforeValidator(_date_text)]


@dataclass(frozen=True)
class OneOf:
    """A text that must be one of a vocabulary read from data (``values`` is called at each
    check and when the description is generated, so a deployment's own data counts):
    checked, and stated as the schema's ``enum``."""

    values: Callable[[], Iterable[str]]
    what: str

    def _check(self, value: str) -> str:
        if value not in set(self.values()):
            raise ValueError(f"not one of the {self.what}")
        return value

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self._check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        out = handler(schema)
        out["enum"] = list(self.values())
        out["description"] = self.what
        return out


#: One of the states of the region (ISO3; the bundled ones and any a deployment adds as data).
StateCode = Annotated[str, OneOf(region_state_codes, "ISO3 codes of the region's states")]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _text(max_length: int) -> Any:
    return Field(max_length=max_length)


def _required(max_length: int) -> Any:
    # at least one character that is not a space: the services strip texts
    return Field(min_length=1, max_length=max_length, pattern=r"\S")


#: Texts of at most so many characters, as the services check them.
Text10 = Annotated[str, _text(10)]
Text50 = Annotated[str, _text(50)]
Text60 = Annotated[str, _text(60)]
Text100 = Annotated[str, _text(100)]
Text200 = Annotated[str, _text(200)]
Text2000 = Annotated[str, _text(2000)]
Text5000 = Annotated[str, _text(5000)]
#: Required texts: not empty nor only spaces, and at most so many characters.
Required200 = Annotated[str, _required(200)]
Required5000 = Annotated[str, _required(5000)]
Required10000 = Annotated[str, _required(10000)]


#: A country (ISO 3166 alpha-3, as Pharos' country data knows them), or empty: not known.
CountryCode = Annotated[
    str, OneOf(lambda: ["", *countries()], "ISO 3166 alpha-3 codes Pharos knows, or empty")
]
#: A published overlap table bundled with Pharos (pharos.estimate.examples).
OneOfExample = Annotated[str, OneOf(lambda: list(EXAMPLES), "published overlap tables")]
#: An indicator of the ILO/EC (Delphi) lists.
IndicatorId = Annotated[str, OneOf(lambda: list(delphi_indicators()), "ILO/EC indicator ids")]
#: A cross-border instrument's code (data/instruments.yaml).
InstrumentCode = Annotated[str, OneOf(instrument_codes, "instrument codes")]


class PersonIn(Body):
    role: PersonRole = PersonRole.VICTIM
    first_name: Text100 = ""
    second_name: Text100 = ""
    birthdate: Date | None = Field(None, description="not in the future")
    gender: Gender = Gender.UNKNOWN
    citizenship: CountryCode = ""
    primary_language: Text10 = ""
    identity_number: Text60 = ""
    phone: Text50 = ""
    trafficking_status: TraffickingStatus = TraffickingStatus.POSSIBLE_VICTIM
    perpetrator_roles: list[PerpetratorRole] = []


class CaseIn(Body):
    title: Required200
    summary: Text5000 = ""
    exploitation_types: list[ExploitationType] = []
    recruitment_methods: list[RecruitmentMethod] = []
    methods_of_control: list[MethodOfControl] = []
    screening_id: RecordId | None = Field(
        None, description="an open screening of your agency, to attach to the case"
    )
    first_name: Text100 = ""
    second_name: Text100 = ""
    birthdate: Date | None = Field(None, description="not in the future")
    gender: Gender = Gender.UNKNOWN
    citizenship: CountryCode = ""
    primary_language: Text10 = ""
    identity_number: Text60 = ""
    phone: Text50 = ""


class EventIn(Body):
    type: EventType
    place: Text200 = Field("", description="a place or a country is needed")
    country: CountryCode = ""
    date: Date | None = Field(None, description="not in the future")
    description: Text5000 = ""


class ConsentIn(Body):
    informed: StrictBool = Field(
        description="consent counts only once the person has been informed"
    )
    consent_for_services: StrictBool = False
    disclosure_other_orgs: StrictBool = False
    disclosure_cross_border: StrictBool = False
    note: Text2000 = ""
    override_reason: Text2000 = Field(
        "", description="needed to record a wider consent on a case one does not own"
    )


class SupportPlanIn(Body):
    type: SupportPlanType
    objectives: Required5000
    action_plan: Text5000 = ""
    planned_end: Date | None = None


class NoteIn(Body):
    text: Required10000


#: The version of the record the edit was made on (as read with the case): an edit of a record
#: changed since is refused with 409.
Version = Annotated[
    int,
    Strict(),
    Field(ge=1, le=ID_MAX, description="the record's version as read; 409 if it changed since"),
]


class PersonEdit(Body):
    """An edit of a person: only the fields sent change (not the role, nor the trafficking
    status: formal identification records it)."""

    version: Version
    first_name: Text100 | None = None
    second_name: Text100 | None = None
    birthdate: Date | None = Field(None, description="not in the future")
    gender: Gender | None = None
    citizenship: CountryCode | None = None
    primary_language: Text10 | None = None
    identity_number: Text60 | None = None
    phone: Text50 | None = None
    perpetrator_roles: list[PerpetratorRole] | None = None


class EventEdit(Body):
    """An edit of an event: only the fields sent change."""

    version: Version
    type: EventType | None = None
    place: Text200 | None = Field(None, description="a place or a country is needed")
    country: CountryCode | None = None
    date: Date | None = Field(None, description="not in the future")
    description: Text5000 | None = None


class NoteEdit(Body):
    """An edit of a note (its author only)."""

    version: Version
    text: Required10000


class SupportPlanEdit(Body):
    """An edit of a support plan (its author's agency): only the fields sent change."""

    version: Version
    type: SupportPlanType | None = None
    objectives: Required5000 | None = None
    action_plan: Text5000 | None = None
    planned_end: Date | None = None
    actual_end: Date | None = Field(None, description="when the service ended; not in the future")


class AssignIn(Body):
    assignee_id: RecordId = Field(description="an active account of the case's agency")
    from_user_id: RecordId | None = Field(
        None, description="the caseworker you saw responsible: 409 if someone assigned it since"
    )


class TaskIn(Body):
    title: Required200
    assignee_id: RecordId = Field(description="an active account of your agency")
    due_on: Date | None = None


class TaskEdit(Body):
    """A change of a task: only the fields sent change."""

    version: Version
    title: Required200 | None = None
    assignee_id: RecordId | None = Field(None, description="an active account of its agency")
    due_on: Date | None = None


class TaskDoneIn(Body):
    version: Version


class DuplicateResolutionIn(Body):
    flag: RecordId = Field(description="id of the duplicate flag on this case")
    resolution: Literal["confirmed", "dismissed"] = Field(
        description="confirmed: the same person; dismissed: different people"
    )


class StatusIn(Body):
    """A change of the case's status, stage or closure reason, with ``version``: the case's
    ``status_version`` as read (409 if the status changed since)."""

    version: Version
    status: CaseStatus
    closure_reason: Text2000 = Field("", description="needed to close the case")
    trm_stage: StrictInt | None = Field(None, ge=1, le=5)


class ReflectionIn(Body):
    starts_on: Date | None = None


class ReferralIn(Body):
    to_agency_id: RecordId
    kind: Literal["referral", "transfer"] = "referral"
    stage: StrictInt = Field(..., ge=1, le=5, description="NRM pillar 1-4 or TRM stage 1-5")
    reason: ReferralReason = ReferralReason.ADDITIONAL_SERVICES_REQUIRED
    details: Text5000 = ""
    override_reason: Text2000 = Field("", description="needed when consent is missing")


class RespondIn(Body):
    action: Literal["accept", "reject", "revoke", "done"]
    reason: Text2000 = Field("", description="needed to reject")


class WithdrawIn(Body):
    reason: Text2000 = ""


class RequestIn(Body):
    type: InstrumentCode = Field(
        ..., description="an instrument (its code) existing between the two states"
    )
    receiver_state: StateCode
    subject: Required200
    body: Required10000


class ReplyIn(Body):
    text: Required10000


class ScreeningIn(Body):
    person_label: Required200
    present: list[IndicatorId] = Field([], description="ILO/EC indicator ids observed")
    ruled_out: list[IndicatorId] = Field(
        [], description="ILO/EC indicator ids asked about and absent"
    )
    notes: dict[str, Text5000] = Field({}, description="a note for an observed indicator")
    age: StrictInt | None = Field(None, ge=0, le=120)
    gender: Gender = Gender.UNKNOWN
    nationality: CountryCode = ""
    unaccompanied: StrictBool = False
    exploitation: ExploitationType | None = None
    acts: list[Act] = []
    explored: list[Dimension] = Field(
        [],
        description="dimensions explored completely (with or without findings): what is not "
        "observed in them is absent",
    )
    note: Text5000 = ""

    def as_form(self) -> dict[str, object]:
        """The same fields as the screening form."""
        out: dict[str, object] = {
            "person_label": self.person_label,
            "age": "" if self.age is None else self.age,
            "gender": self.gender,
            "nationality": self.nationality,
            "unaccompanied": self.unaccompanied,
            "exploitation": self.exploitation or "",
            "acts": self.acts,
            "note": self.note,
        }
        for i in self.present:
            out[f"ind_{i}"] = "present"
            if i in self.notes:
                out[f"note_{i}"] = self.notes[i]
        for i in self.ruled_out:
            out[f"ind_{i}"] = "ruled_out" if f"ind_{i}" not in out else "conflict"
        for d in self.explored:
            out[f"explored_{d.value}"] = True
        return out


# -- Answers that are errors ------------------------------------------------------------------
class ErrorItem(BaseModel):
    """One field that is not valid: where (``["body", "title"]``), what, and the kind."""

    loc: list[str | int]
    msg: str
    type: str


class ErrorOut(BaseModel):
    """Every error answer of the API: a sentence, or one item per field that is not valid."""

    detail: str | list[ErrorItem]


_ERRORS: dict[int, str] = {
    400: "The body is not JSON, or not a JSON object.",
    401: "Not signed in: no API token or session, or a token that is not valid.",
    403: "Signed in, but not allowed to do this (or, with a session cookie, no CSRF token).",
    404: "There is nothing with this number, or you may not see it.",
    409: "The record changed since the version sent (someone else edited it): nothing was "
    "written; read it again and make the change on its current version.",
    422: "A field is missing or not valid; each is named with the reason.",
    500: "A stored file is missing or was changed outside Pharos (restore it from a backup).",
    503: "The exercise's log could not be written; nothing was stored. Try again.",
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The error answers ``codes`` for a route's ``responses`` (OpenAPI description)."""
    return {c: {"model": ErrorOut, "description": _ERRORS[c]} for c in codes}


class EstimateIn(Body):
    """What to estimate from: a published example, an overlap table (CSV) or Pharos' cases."""

    source: Literal["example", "upload", "cases"] | None = Field(
        None, description="default: upload when csv is given, else example"
    )
    csv: str | None = Field(
        None, max_length=1_000_000, description="an overlap table: one column per list, count"
    )
    example: OneOfExample | None = None
    criterion: Literal["threshold", "aic", "bic"] = "threshold"
    k: StrictInt = Field(DEFAULT_K, ge=2, le=1000, description="small-cell threshold")
    state: StateCode | None = Field(None, description="source cases: the state")
    year: StrictInt | None = Field(None, ge=1900, le=2100, description="source cases: the year")
    exploitation: ExploitationType | None = None
    sex: Gender | None = None
    age_band: Literal["child", "adult", "unknown"] | None = None
    list_by: Literal["agency", "kind"] = "agency"
