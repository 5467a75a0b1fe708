"""Cases aligned with IOM's HTCDS v2.0: persons, timeline, screenings, consent, support plans."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pharos.store.base import Base, UTCDateTime, utcnow


class CaseReferenceCounter(Base):
    """The last number given to a case reference of each prefix (``ITA-2026-``): references are
    allocated by incrementing this row inside the case's transaction (an upsert that takes the
    row's lock on PostgreSQL and the write lock on SQLite), so that concurrent openings never
    draw the same number."""

    __tablename__ = "case_reference_counter"

    prefix: Mapped[str] = mapped_column(String(20), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


#: the columns the case list's filters and its reader's scope read (``cases.count_matching``)
LIST_COLUMNS = (
    "id",
    "owner_user_id",
    "owner_agency_id",
    "state",
    "reference",
    "exploitation_types",
)


class Case(Base):
    """HTCDS ``cas_``: one case, owned by an agency and a caseworker (``cas_CaseOwner``)."""

    __tablename__ = "case_file"
    __table_args__ = (
        # the search by reference (``cases.matching_cases``) on PostgreSQL: a trigram index
        # (migration 0018), written as PostgreSQL prints it back so that comparisons agree
        Index(
            "ix_case_file_reference_trgm",
            text("lower((reference)::text) gin_trgm_ops"),
            postgresql_using="gin",
        ).ddl_if(dialect="postgresql"),
        # the case list's count (``cases.count_matching``, migration 0021): one index per part
        # of a reader's scope; on PostgreSQL it also holds every other column the list's
        # filters read (INCLUDE), so that each part is counted from its index alone (an
        # index-only scan), not from the cases' rows
        *(
            Index(
                f"ix_case_file_list_{column}",
                column,
                "status",
                "created_at",
                postgresql_include=[c for c in LIST_COLUMNS if c != column],
            )
            for column in ("owner_user_id", "owner_agency_id", "state")
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    state: Mapped[str] = mapped_column(String(3), index=True)
    owner_agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    owner_user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    #: HTCDS cas_Status: active, follow_up, closed, closed_referred
    status: Mapped[str] = mapped_column(String(20), default="active")
    closure_reason: Mapped[str] = mapped_column(Text, default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    exploitation_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    recruitment_methods: Mapped[list[str]] = mapped_column(JSON, default=list)
    methods_of_control: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: TRM stage 1..5 the case is in
    trm_stage: Mapped[int] = mapped_column(Integer, default=1)
    #: optimistic concurrency of the status form (status, stage, closure reason): raised by one
    #: at every change of them; a change sent with an older version is refused
    #: (``cases.set_status``). Not a version of the whole case, which many hands add to at once.
    status_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    persons: Mapped[list[Person]] = relationship(
        back_populates="case", order_by="Person.id", cascade="all, delete-orphan"
    )
    events: Mapped[list[TraffickingEvent]] = relationship(
        order_by="TraffickingEvent.date", cascade="all, delete-orphan"
    )


class Person(Base):
    """HTCDS ``prs_`` with the victim (``vic_``) or perpetrator (``per_``) context."""

    __tablename__ = "person"
    __table_args__ = (
        # the search by name (``cases.NAME``) on PostgreSQL: a trigram index (migration 0018)
        Index(
            "ix_person_name_trgm",
            text("lower((((first_name)::text || ' '::text) || (second_name)::text)) gin_trgm_ops"),
            postgresql_using="gin",
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    #: victim or perpetrator
    role: Mapped[str] = mapped_column(String(20))
    first_name: Mapped[str] = mapped_column(String(100), default="")
    second_name: Mapped[str] = mapped_column(String(100), default="")
    birthdate: Mapped[date | None] = mapped_column(Date, nullable=True)
    gender: Mapped[str] = mapped_column(String(30), default="unknown")
    citizenship: Mapped[str] = mapped_column(String(3), default="")
    primary_language: Mapped[str] = mapped_column(String(10), default="")
    identity_number: Mapped[str] = mapped_column(String(60), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    #: HTCDS vic_TraffickingStatus for victims
    trafficking_status: Mapped[str] = mapped_column(String(30), default="possible_victim")
    #: HTCDS per_RoleInProcess for perpetrators
    perpetrator_roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: normalised name + birthdate + citizenship, for duplicate detection across agencies
    match_key: Mapped[str] = mapped_column(String(64), default="", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    #: optimistic concurrency: raised by one at every edit; an edit sent with an older version
    #: (the form was loaded before someone else's change) is refused (``coordinate.editing``)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy reads it)

    case: Mapped[Case] = relationship(back_populates="persons")


class TraffickingEvent(Base):
    """HTCDS ``hte_``: recruitment, transit or exploitation, with place and date."""

    __tablename__ = "trafficking_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    type: Mapped[str] = mapped_column(String(20))
    place: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str] = mapped_column(String(3), default="")
    date: Mapped[date | None] = mapped_column(Date, nullable=True)
    description: Mapped[str] = mapped_column(Text, default="")
    #: when it was recorded (None: recorded before Pharos kept the time, migration 0009); a
    #: reader of a case that moved abroad sees the events recorded until it moved
    created_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime(), nullable=True, default=utcnow
    )

    #: optimistic concurrency: raised by one at every edit; an edit sent with an older version
    #: (the form was loaded before someone else's change) is refused (``coordinate.editing``)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy reads it)


class ScreeningRecord(Base):
    """A screening with the indicators observed, by whom and the domain's result."""

    __tablename__ = "screening_record"
    #: a screening sent again with the same key by the same user is the same screening
    __table_args__ = (
        UniqueConstraint("screened_by_id", "client_key", name="uq_screening_client_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("case_file.id", ondelete="CASCADE"), nullable=True, index=True
    )
    #: how the screened person is referred to before a case exists (no identity needed)
    person_label: Mapped[str] = mapped_column(String(200), default="")
    state: Mapped[str] = mapped_column(String(3))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    screened_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    screened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    observations: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    person_facts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(Text, default="")
    #: the idempotency key a device chose for a screening done offline (``Idempotency-Key``):
    #: a retried sync finds the screening already stored instead of storing it twice
    client_key: Mapped[str | None] = mapped_column(String(64), nullable=True, default=None)


class ConsentRecord(Base):
    """HTCDS ``con_Consent``, split as Primero splits it (services, other organisations) plus
    disclosure across borders. The newest record of a case is the one in force."""

    __tablename__ = "consent_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    informed: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_for_services: Mapped[bool] = mapped_column(Boolean, default=False)
    disclosure_other_orgs: Mapped[bool] = mapped_column(Boolean, default=False)
    disclosure_cross_border: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    #: why a consent wider than the one in force was recorded by someone other than the case's
    #: owner (an authorised override; empty when the owner recorded it)
    override_reason: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SupportPlan(Base):
    """HTCDS ``spl_``."""

    __tablename__ = "support_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    type: Mapped[str] = mapped_column(String(40))
    objectives: Mapped[str] = mapped_column(Text, default="")
    action_plan: Mapped[str] = mapped_column(Text, default="")
    planned_end: Mapped[date | None] = mapped_column(Date, nullable=True)
    actual_end: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    #: optimistic concurrency: raised by one at every edit; an edit sent with an older version
    #: (the form was loaded before someone else's change) is refused (``coordinate.editing``)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy reads it)


class CaseNote(Base):
    """HTCDS ``cco_CaseComment``: a formal caseworker update, also where replies land."""

    __tablename__ = "case_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    #: optimistic concurrency: raised by one at every edit; an edit sent with an older version
    #: (the form was loaded before someone else's change) is refused (``coordinate.editing``)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy reads it)


class CaseAssignment(Base):
    """A user working on a case besides its owner (e.g. the victim's lawyer)."""

    __tablename__ = "case_assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    role: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CaseAccess(Base):
    """A case shared with another agency through a referral or a cross-border request."""

    __tablename__ = "case_access"
    __table_args__ = (
        # the cases shared with an agency, read from the index alone (``cases.count_matching``;
        # it replaced the index of agency_id alone, migration 0021)
        Index("ix_case_access_agency_active_case", "agency_id", "active", "case_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    via: Mapped[str] = mapped_column(String(20))
    via_id: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ReflectionPeriod(Base):
    """A recovery and reflection period granted under the state's rules (CoE Convention Art. 13)."""

    __tablename__ = "reflection_period"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(3))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    days: Mapped[int] = mapped_column(Integer)
    #: where the length comes from, and whether it is Pharos's default
    basis: Mapped[str] = mapped_column(Text, default="")
    granted_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DuplicateFlag(Base):
    """Two agencies registered what looks like the same person."""

    __tablename__ = "duplicate_flag"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    other_person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    other_case_id: Mapped[int] = mapped_column(
        ForeignKey("case_file.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: None while open; "confirmed" (the same person) or "dismissed" (different people)
    resolution: Mapped[str | None] = mapped_column(String(16), nullable=True, default=None)
    resolved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True, default=None
    )
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, default=None)


class CaseTask(Base):
    """A task on a case for a colleague of the same agency (issue 18, item 5): what to do, by
    when, who does it, and when it was done and by whom. A task is its agency's: only that
    agency's staff see and change it (``pharos.coordinate.tasks``)."""

    __tablename__ = "case_task"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    #: the agency the task belongs to (its creator's and its assignee's)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    assignee_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    #: optimistic concurrency, as the case's other editable records
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy reads it)
