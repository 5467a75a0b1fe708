"""Referrals and transfers (NRM and TRM) and cross-border requests with their replies."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pharos.store.base import Base, UTCDateTime, utcnow


class Referral(Base):
    """A referral (shares the case) or a transfer (moves ownership), Primero's transition model:
    in_progress -> accepted | rejected | done | revoked."""

    __tablename__ = "referral"
    __table_args__ = (
        # the transfers a reader's agency or state made (``cases.visible_cases``, Scope.HELD)
        Index("ix_referral_kind_status_from", "kind", "status", "from_agency_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    #: referral or transfer
    kind: Mapped[str] = mapped_column(String(10))
    #: nrm (national) or trm (transnational)
    mechanism: Mapped[str] = mapped_column(String(5))
    #: TRM stage 1..5 (for nrm: the NRM pillar 1..4)
    stage: Mapped[int] = mapped_column(Integer)
    from_agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    from_user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    to_agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    #: HTCDS cas_ReasonForOutgoingReferral
    reason: Mapped[str] = mapped_column(String(40))
    details: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="in_progress", index=True)
    rejection_reason: Mapped[str] = mapped_column(Text, default="")
    consent_override: Mapped[bool] = mapped_column(Boolean, default=False)
    override_reason: Mapped[str] = mapped_column(Text, default="")
    #: the consents the override stood in for (``disclosure_cross_border`` among them: the
    #: receiving agency abroad sees the victim's identity while its access lasts)
    overridden_consents: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    responded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id"), nullable=True
    )
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class CrossBorderRequest(Base):
    """A typed request from one state to another's contact point, with a clock."""

    __tablename__ = "cross_border_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    type: Mapped[str] = mapped_column(String(40))
    sender_state: Mapped[str] = mapped_column(String(3))
    sender_agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    sender_user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    receiver_state: Mapped[str] = mapped_column(String(3))
    receiver_agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    channel: Mapped[str] = mapped_column(String(100), default="")
    legal_basis: Mapped[str] = mapped_column(String(200), default="")
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    #: sent, answered, withdrawn
    status: Mapped[str] = mapped_column(String(20), default="sent", index=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0)
    last_reminder_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    escalated_to_agency_id: Mapped[int | None] = mapped_column(
        ForeignKey("agency.id"), nullable=True
    )
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class RequestReply(Base):
    __tablename__ = "request_reply"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("cross_border_request.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
