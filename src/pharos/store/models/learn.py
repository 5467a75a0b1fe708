"""The lessons and practices library and the improvement plan (learn area)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pharos.store.base import Base, UTCDateTime, utcnow


class Lesson(Base):
    """A lesson or practice: from an after-action report, a national practice or a manual entry.

    Full-text search: an FTS5 table ``lesson_fts`` on SQLite, a GIN index over
    ``to_tsvector('simple', title || ' ' || text)`` on PostgreSQL (migration 0002_learn).
    """

    __tablename__ = "lesson"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    #: ISO3 of the state the lesson comes from; empty for a regional lesson
    state: Mapped[str] = mapped_column(String(3), default="", index=True)
    #: comma-separated PractitionerKind values
    practitioner_kinds: Mapped[str] = mapped_column(String(400), default="")
    #: prevention, protection, prosecution or partnership
    pillar: Mapped[str] = mapped_column(String(20), index=True)
    #: comma-separated ExploitationType values
    exploitation_types: Mapped[str] = mapped_column(String(400), default="")
    #: after_action_report, national_practice or manual
    source_kind: Mapped[str] = mapped_column(String(30))
    source_ref: Mapped[str] = mapped_column(String(300), default="")
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ImprovementItem(Base):
    """An action from an after-action report, tracked to completion: owner, due date, status."""

    __tablename__ = "improvement_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int | None] = mapped_column(
        ForeignKey("lesson.id", ondelete="SET NULL"), nullable=True, index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    owner: Mapped[str] = mapped_column(String(120))
    state: Mapped[str] = mapped_column(String(3), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    due_date: Mapped[date] = mapped_column(Date)
    #: open, in_progress or done
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
