"""Accounts: argon2 password hashes, login with rate limiting and lockout, sessions, API tokens."""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from pharos.coordinate import audit
from pharos.coordinate.permissions import Principal
from pharos.store.base import utcnow
from pharos.store.models import ApiToken, LoginAttempt, User, UserSession


def _hasher() -> PasswordHasher:
    # PHAROS_FAST_HASHING=1 (tests only) makes hashing cheap; the default is argon2id's RFC 9106
    # low-memory profile as chosen by argon2-cffi.
    if os.environ.get("PHAROS_FAST_HASHING") == "1":
        return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    return PasswordHasher()


MIN_PASSWORD_LENGTH = 10


class LoginRefused(Exception):
    """Login failed; ``reason`` is one of bad_credentials, locked, rate_limited."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return _hasher().hash(password)


def check_password(stored: str, password: str) -> bool:
    try:
        return _hasher().verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def principal(user: User) -> Principal:
    return Principal(
        user_id=user.id,
        username=user.username,
        agency_id=user.agency_id,
        state=user.state,
        kind=user.kind,
        is_admin=user.is_admin,
    )


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# A constant hash to verify against when the user does not exist, so that timing does not
# tell which usernames exist.
_DUMMY_HASH: str | None = None


def authenticate(
    session: Session,
    username: str,
    password: str,
    client: str,
    *,
    max_failures: int = 5,
    lockout_minutes: float = 15.0,
    rate_limit: int = 20,
    rate_window_seconds: float = 300.0,
) -> User:
    """The user if ``password`` is right; raises :class:`LoginRefused` otherwise.

    At most ``rate_limit`` attempts per client address per window; after ``max_failures``
    wrong passwords in a row the account is locked for ``lockout_minutes``. Every attempt is
    recorded (and written to the audit trail) in the caller's transaction, which the caller
    commits even when the login is refused.
    """
    global _DUMMY_HASH
    now = utcnow()
    # Old attempts and expired sessions are of no further use; keep the tables small.
    session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - timedelta(days=1)))
    session.execute(delete(UserSession).where(UserSession.expires_at < now))
    since = now - timedelta(seconds=rate_window_seconds)
    recent = session.execute(
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.client == client, LoginAttempt.at >= since)
    ).scalar_one()
    username = username.strip().lower()[:80]
    if recent >= rate_limit:
        session.add(LoginAttempt(username=username, client=client[:64], success=False))
        raise LoginRefused("rate_limited")
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None or not user.active:
        if _DUMMY_HASH is None:
            _DUMMY_HASH = hash_password(secrets.token_hex(8))
        check_password(_DUMMY_HASH, password)
        session.add(LoginAttempt(username=username, client=client[:64], success=False))
        raise LoginRefused("bad_credentials")
    if user.locked_until is not None and user.locked_until > now:
        session.add(LoginAttempt(username=username, client=client[:64], success=False))
        raise LoginRefused("locked")
    if not check_password(user.password_hash, password):
        user.failed_logins += 1
        session.add(LoginAttempt(username=username, client=client[:64], success=False))
        if user.failed_logins >= max_failures:
            user.locked_until = now + timedelta(minutes=lockout_minutes)
            user.failed_logins = 0
            audit.record(session, principal(user), "locked", "account", user.id)
        else:
            audit.record(session, principal(user), "failed_login", "account", user.id)
        raise LoginRefused("bad_credentials")
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    session.add(LoginAttempt(username=username, client=client[:64], success=True))
    audit.record(session, principal(user), "login", "account", user.id)
    return user


@dataclass(frozen=True)
class NewSession:
    token: str
    csrf_token: str


def open_session(session: Session, user: User, hours: float) -> NewSession:
    """A new browser session; the caller sets ``token`` as an HttpOnly cookie."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    session.add(
        UserSession(
            id=_digest(token),
            user_id=user.id,
            csrf_token=csrf,
            expires_at=utcnow() + timedelta(hours=hours),
        )
    )
    return NewSession(token, csrf)


def session_user(session: Session, token: str) -> tuple[User, UserSession] | None:
    """The user of a live session token, or None."""
    row = session.get(UserSession, _digest(token))
    if row is None or row.expires_at <= utcnow():
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    return user, row


def close_session(session: Session, token: str) -> None:
    session.execute(delete(UserSession).where(UserSession.id == _digest(token)))


def tokens_of(session: Session, user_id: int) -> list[ApiToken]:
    """A user's API tokens, oldest first (their hashes; the tokens themselves are not kept)."""
    return list(
        session.execute(
            select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)
        ).scalars()
    )


def create_token(session: Session, user: User, name: str) -> str:
    """A new API token for ``user`` (shown once; only its hash is stored)."""
    token = "ph_" + secrets.token_urlsafe(32)
    session.add(
        ApiToken(user_id=user.id, name=name[:100], token_hash=_digest(token), prefix=token[:10])
    )
    audit.record(
        session, principal(user), "create_token", "account", user.id, detail={"name": name}
    )
    return token


def token_user(session: Session, token: str) -> User | None:
    """The user of a valid, unrevoked API token, or None."""
    row = session.execute(
        select(ApiToken).where(ApiToken.token_hash == _digest(token))
    ).scalar_one_or_none()
    if row is None or row.revoked_at is not None:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    row.last_used_at = utcnow()
    return user


def revoke_tokens(session: Session, user: User) -> int:
    """Revoke every token of ``user``; returns how many."""
    n = 0
    for row in session.execute(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ).scalars():
        row.revoked_at = utcnow()
        n += 1
    return n
