"""Files attached to case work (issue 18, item 4): the metadata; the bytes are kept outside the
database, under their SHA-256, by ``pharos.coordinate.attachments``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from pharos.store.base import Base, UTCDateTime, utcnow


class Attachment(Base):
    """A file on a case, on one of its referrals or on a reply to one of its requests (at most
    one of ``referral_id`` and ``reply_id``; neither: on the case itself)."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    referral_id: Mapped[int | None] = mapped_column(
        ForeignKey("referral.id", ondelete="CASCADE"), nullable=True, index=True
    )
    reply_id: Mapped[int | None] = mapped_column(
        ForeignKey("request_reply.id", ondelete="CASCADE"), nullable=True, index=True
    )
    #: the content's SHA-256 (hex): its name in the attachment store
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    #: the type read from the content (never the client's word): application/pdf, image/jpeg,
    #: image/png or text/plain
    media_type: Mapped[str] = mapped_column(String(40))
    #: the name it is downloaded under, made safe (no folders, no control characters)
    filename: Mapped[str] = mapped_column(String(120))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    #: the uploader's agency (it may always open what it uploaded)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
