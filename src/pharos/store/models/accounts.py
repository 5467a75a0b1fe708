"""Agencies, users, login sessions, API tokens and login attempts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pharos.store.base import Base, UTCDateTime, utcnow


class Agency(Base):
    """An organisation in a state (HTCDS ``org_``), or an international organisation's office."""

    __tablename__ = "agency"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    #: ISO3 code of the state; for an international organisation, the state of the office
    state: Mapped[str] = mapped_column(String(3), index=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    #: HTCDS org_Type
    org_type: Mapped[str] = mapped_column(String(40), default="")
    #: IOM, UNODC or ICMPD for an international organisation's office
    organisation: Mapped[str | None] = mapped_column(String(10), nullable=True)
    city: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    #: ISO 639-1 codes, comma separated
    languages: Mapped[str] = mapped_column(String(100), default="")
    is_contact_point: Mapped[bool] = mapped_column(Boolean, default=False)
    #: request types this contact point receives (instrument codes, comma separated)
    receives: Mapped[str] = mapped_column(Text, default="")

    def language_list(self) -> list[str]:
        return [x for x in self.languages.split(",") if x]

    def receives_list(self) -> list[str]:
        return [x for x in self.receives.split(",") if x]


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(3))
    locale: Mapped[str | None] = mapped_column(String(5), nullable=True)
    #: where notifications are e-mailed, if the user gave an address and the server has an SMTP
    #: server configured (empty: none)
    email: Mapped[str] = mapped_column(String(200), default="", server_default="")
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    agency: Mapped[Agency] = relationship(lazy="joined")


class UserSession(Base):
    """A browser login. The cookie holds a random token; only its SHA-256 is stored."""

    __tablename__ = "user_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ApiToken(Base):
    """A token for scripts (``Authorization: Bearer``); only its SHA-256 is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    #: after this, the token no longer answers (every token carries an expiry)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LoginAttempt(Base):
    __tablename__ = "login_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), index=True)
    client: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    success: Mapped[bool] = mapped_column(Boolean)
