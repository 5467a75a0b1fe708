"""Request bodies of the JSON API (documented in the OpenAPI description). The services check
every value again and say which field is wrong and why."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from pharos.domain.geography import region_state_codes
from pharos.store.base import ID_MAX

#: A stored record's id (within the database's range).
RecordId = Annotated[int, Field(ge=1, le=ID_MAX)]


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


class PersonIn(Body):
    role: Literal["victim", "perpetrator"] = "victim"
    first_name: str = ""
    second_name: str = ""
    birthdate: dt.date | None = None
    gender: str = "unknown"
    citizenship: str = Field("", description="ISO 3166 alpha-3")
    primary_language: str = ""
    identity_number: str = ""
    phone: str = ""
    trafficking_status: str = "possible_victim"
    perpetrator_roles: list[str] = []


class CaseIn(Body):
    title: str
    summary: str = ""
    exploitation_types: list[str] = []
    recruitment_methods: list[str] = []
    methods_of_control: list[str] = []
    screening_id: RecordId | None = None
    first_name: str = ""
    second_name: str = ""
    birthdate: dt.date | None = None
    gender: str = "unknown"
    citizenship: str = ""
    primary_language: str = ""
    identity_number: str = ""
    phone: str = ""


class EventIn(Body):
    type: Literal["recruitment", "transit", "exploitation"]
    place: str = ""
    country: str = ""
    date: dt.date | None = None
    description: str = ""


class ConsentIn(Body):
    informed: bool
    consent_for_services: bool = False
    disclosure_other_orgs: bool = False
    disclosure_cross_border: bool = False
    note: str = ""
    override_reason: str = Field(
        "", description="needed to record a wider consent on a case one does not own"
    )


class SupportPlanIn(Body):
    type: str
    objectives: str
    action_plan: str = ""
    planned_end: dt.date | None = None


class NoteIn(Body):
    text: str


class DuplicateResolutionIn(Body):
    flag: RecordId = Field(description="id of the duplicate flag on this case")
    resolution: Literal["confirmed", "dismissed"] = Field(
        description="confirmed: the same person; dismissed: different people"
    )


class StatusIn(Body):
    status: str
    closure_reason: str = ""
    trm_stage: int | None = Field(None, ge=1, le=5)


class ReflectionIn(Body):
    starts_on: dt.date | None = None


class ReferralIn(Body):
    to_agency_id: RecordId
    kind: Literal["referral", "transfer"] = "referral"
    stage: int = Field(..., ge=1, le=5, description="NRM pillar 1-4 or TRM stage 1-5")
    reason: str = "additional_services_required"
    details: str = ""
    override_reason: str = Field("", description="needed when consent is missing")


class RespondIn(Body):
    action: Literal["accept", "reject", "revoke", "done"]
    reason: str = ""


class RequestIn(Body):
    type: str = Field(..., description="an instrument (its code) existing between the two states")
    receiver_state: str
    subject: str
    body: str


class ReplyIn(Body):
    text: str


class ScreeningIn(Body):
    person_label: str
    present: list[str] = Field([], description="ILO/EC indicator ids observed")
    ruled_out: list[str] = Field([], description="ILO/EC indicator ids asked about and absent")
    notes: dict[str, str] = {}
    age: int | None = Field(None, ge=0, le=120)
    gender: str = "unknown"
    nationality: str = ""
    unaccompanied: bool = False
    exploitation: str | None = None
    acts: list[str] = []
    note: str = ""

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
        return out
