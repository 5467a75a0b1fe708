"""Request bodies of the JSON API (documented in the OpenAPI description). The services check
every value again and say which field is wrong and why."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


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
    screening_id: int | None = None
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


class SupportPlanIn(Body):
    type: str
    objectives: str
    action_plan: str = ""
    planned_end: dt.date | None = None


class NoteIn(Body):
    text: str


class DuplicateResolutionIn(Body):
    flag: int = Field(ge=1, description="id of the duplicate flag on this case")
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
    to_agency_id: int
    kind: Literal["referral", "transfer"] = "referral"
    stage: int = Field(..., ge=1, le=5, description="NRM pillar 1-4 or TRM stage 1-5")
    reason: str = "additional_services_required"
    details: str = ""
    override_reason: str = Field("", description="needed when consent is missing")


class RespondIn(Body):
    action: Literal["accept", "reject", "revoke", "done"]
    reason: str = ""


class RequestIn(Body):
    type: str = Field(..., description="an Instrument existing between the two states")
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
