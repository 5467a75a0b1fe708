"""In-app notifications (issue 18, item 6): one row per recipient, rendered at display time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from pharos.store.base import Base, UTCDateTime, utcnow


class Notification(Base):
    """Something a user is told: a message key and its parameters (never its text: the text is
    rendered in the reader's language when shown), the record it is about, when it was read,
    and whether an e-mail about it is owed (``email_status``: None, ``pending``, ``sent``,
    ``failed``)."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    #: the message key (``pharos.coordinate.notifications.MESSAGES``)
    key: Mapped[str] = mapped_column(String(40))
    #: ids the message names (an agency, a user): resolved to names when shown
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("case_file.id", ondelete="CASCADE"), nullable=True, index=True
    )
    #: what the notification is about: referral, request, case or task, and its id
    subject: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    email_status: Mapped[str | None] = mapped_column(String(10), nullable=True, index=True)
    email_attempts: Mapped[int] = mapped_column(Integer, default=0)
