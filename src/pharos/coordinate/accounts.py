"""Accounts: argon2 password hashes, login throttled on failures, sessions, API tokens."""

from __future__ import annotations

import hashlib
import math
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from pharos.coordinate import audit
from pharos.coordinate.permissions import Principal, account_kind
from pharos.coordinate.queries import USERNAME_MAX, normal_username
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
    """Login failed; ``reason`` is ``bad_credentials`` or ``throttled`` (then ``retry_after``
    says in how many seconds the next attempt is checked). Both answers are the same for an
    unknown username and for a known one."""

    def __init__(self, reason: str, retry_after: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


@dataclass(frozen=True)
class Throttle:
    """How sign-in failures slow further attempts down (successes never count).

    Failures are counted per username as typed (known or not, so that the answer never tells
    whether an account exists) since its last successful sign-in, and per client address,
    within ``window_seconds``. Beyond the free failures, each further attempt is checked only
    ``first_delay_seconds`` × 2^(failures beyond the free ones) after the last failure, at most
    ``max_delay_seconds``; attempts in between are refused without looking at the password."""

    account_free: int = 5
    address_free: int = 30
    window_seconds: float = 3600.0
    first_delay_seconds: float = 2.0
    max_delay_seconds: float = 900.0

    def wait(self, failures: int, last: datetime | None, free: int, now: datetime) -> float:
        """Seconds still to wait before an attempt is checked (0: check it now)."""
        if last is None or failures < free:
            return 0.0
        delay = min(self.max_delay_seconds, self.first_delay_seconds * 2.0 ** (failures - free))
        return max(0.0, (last + timedelta(seconds=delay) - now).total_seconds())


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
        kind=account_kind(user.kind, user.is_admin),
        is_admin=user.is_admin,
    )


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# A constant hash to verify against when the user does not exist, so that timing does not
# tell which usernames exist.
_DUMMY_HASH: str | None = None


def _failures(session: Session, where: Any, since: datetime) -> tuple[int, datetime | None]:
    """How many failed attempts match ``where`` since ``since``, and when the last was."""
    count, last = session.execute(
        select(func.count(), func.max(LoginAttempt.at)).where(
            where, LoginAttempt.success.is_(False), LoginAttempt.at >= since
        )
    ).one()
    return int(count), last


def authenticate(
    session: Session,
    username: str,
    password: str,
    client: str,
    throttle: Throttle = Throttle(),
    *,
    action: str = "login",
) -> User:
    """The user if ``password`` is right; raises :class:`LoginRefused` otherwise.

    Failures slow further attempts down per username and per client address (:class:`Throttle`).
    An unknown or deactivated username costs the same work (one password hash checked) and
    gets the same answers as a known one. Every checked attempt is recorded (failures of known
    accounts also in the audit trail) in the caller's transaction, which the caller commits
    even when the login is refused. ``action`` names a success in the audit trail (``login``,
    or ``confirm_password`` when a signed-in user confirms their password).
    """
    global _DUMMY_HASH
    now = utcnow()
    client = client[:64]
    # Old attempts and expired sessions are of no further use; keep the tables small.
    session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - timedelta(days=1)))
    session.execute(delete(UserSession).where(UserSession.expires_at < now))
    username = normal_username(username)[:USERNAME_MAX]
    window = now - timedelta(seconds=throttle.window_seconds)
    last_success = session.execute(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.username == username, LoginAttempt.success.is_(True)
        )
    ).scalar_one()
    since = max(window, last_success) if last_success is not None else window
    by_account = _failures(session, LoginAttempt.username == username, since)
    by_address = _failures(session, LoginAttempt.client == client, window)
    wait = max(
        throttle.wait(*by_account, throttle.account_free, now),
        throttle.wait(*by_address, throttle.address_free, now),
    )
    if wait > 0:
        raise LoginRefused("throttled", retry_after=math.ceil(wait))
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None or not user.active:
        if _DUMMY_HASH is None:
            _DUMMY_HASH = hash_password(secrets.token_hex(8))
        check_password(_DUMMY_HASH, password)
        session.add(LoginAttempt(username=username, client=client, at=now, success=False))
        raise LoginRefused("bad_credentials")
    if not check_password(user.password_hash, password):
        session.add(LoginAttempt(username=username, client=client, at=now, success=False))
        audit.record(
            session,
            principal(user),
            "failed_login",
            "account",
            user.id,
            detail={"failures": by_account[0] + 1},
        )
        raise LoginRefused("bad_credentials")
    user.last_login_at = now
    session.add(LoginAttempt(username=username, client=client, at=now, success=True))
    audit.record(session, principal(user), action, "account", user.id)
    return user


def clear_failures(session: Session, username: str) -> int:
    """Forget an account's failed sign-ins (its throttling ends); returns how many."""
    result = session.execute(
        delete(LoginAttempt).where(
            LoginAttempt.username == normal_username(username), LoginAttempt.success.is_(False)
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


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


def active_user_exists(session: Session, username: object) -> bool:
    """Whether an active account has this username."""
    if not isinstance(username, str) or not username:
        return False
    found = session.execute(
        select(User.id).where(User.username == normal_username(username), User.active.is_(True))
    ).first()
    return found is not None


def active_people(session: Session) -> list[dict[str, Any]]:
    """Every active account as an exercise's roster reads it: username, display name, state,
    agency kind, whether an administrator, and the agency's name."""
    users = session.execute(
        select(User).where(User.active.is_(True)).order_by(User.state, User.username)
    ).scalars()
    return [
        {
            "username": u.username,
            "name": u.display_name,
            "state": u.state,
            "kind": u.kind,
            "admin": u.is_admin,
            "agency": u.agency.name,
        }
        for u in users
    ]


def all_users(session: Session) -> list[User]:
    """Every account, by state and username (the administrators' accounts page)."""
    return list(session.execute(select(User).order_by(User.state, User.username)).scalars())


def tokens_of(session: Session, user_id: int) -> list[ApiToken]:
    """A user's API tokens, oldest first (their hashes; the tokens themselves are not kept)."""
    return list(
        session.execute(
            select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)
        ).scalars()
    )


#: how long an API token lives unless said otherwise, and at most (days)
TOKEN_DAYS = 90
TOKEN_MAX_DAYS = 365


def create_token(session: Session, user: User, name: str, days: int = TOKEN_DAYS) -> str:
    """A new API token for ``user``, valid for ``days`` days (1 to ``TOKEN_MAX_DAYS``; shown
    once; only its hash is stored)."""
    if not 1 <= days <= TOKEN_MAX_DAYS:
        raise ValueError(f"days: from 1 to {TOKEN_MAX_DAYS}, not {days}")
    token = "ph_" + secrets.token_urlsafe(32)
    expires = utcnow() + timedelta(days=days)
    session.add(
        ApiToken(
            user_id=user.id,
            name=name[:100],
            token_hash=_digest(token),
            prefix=token[:10],
            expires_at=expires,
        )
    )
    audit.record(
        session,
        principal(user),
        "create_token",
        "account",
        user.id,
        detail={"name": name, "expires_at": expires.isoformat(timespec="seconds")},
    )
    return token


def token_user(session: Session, token: str) -> User | None:
    """The user of a valid (unrevoked, unexpired) API token of an active account, or None."""
    row = session.execute(
        select(ApiToken).where(ApiToken.token_hash == _digest(token))
    ).scalar_one_or_none()
    now = utcnow()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    row.last_used_at = now
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


def end_sessions(session: Session, user: User, keep: str | None = None) -> int:
    """End every browser session of ``user`` except the one of the token ``keep``; how many."""
    q = delete(UserSession).where(UserSession.user_id == user.id)
    if keep:
        q = q.where(UserSession.id != _digest(keep))
    return int(getattr(session.execute(q), "rowcount", 0) or 0)


@dataclass(frozen=True)
class ShutOut:
    """What a password change or a deactivation ended."""

    sessions: int
    tokens: int


def set_password(
    session: Session,
    user: User,
    password: str,
    actor: Principal | None,
    keep_session: str | None = None,
) -> ShutOut:
    """Give ``user`` a new password: their other sessions end (all of them unless
    ``keep_session``, the session making the change), their API tokens are revoked and their
    failed sign-ins forgotten. Whoever had the old password is out."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"password: at least {MIN_PASSWORD_LENGTH} characters")
    user.password_hash = hash_password(password)
    clear_failures(session, user.username)
    out = ShutOut(end_sessions(session, user, keep_session), revoke_tokens(session, user))
    audit.record(
        session,
        actor,
        "set_password",
        "account",
        user.id,
        detail={"sessions_ended": out.sessions, "tokens_revoked": out.tokens},
    )
    return out


def deactivate(session: Session, user: User, actor: Principal | None) -> ShutOut:
    """Shut ``user`` out: no sign-in (answered as for an unknown name), every session ended,
    every API token revoked. Their records stay, with their name on what they did."""
    user.active = False
    out = ShutOut(end_sessions(session, user), revoke_tokens(session, user))
    audit.record(
        session,
        actor,
        "deactivate",
        "account",
        user.id,
        detail={"sessions_ended": out.sessions, "tokens_revoked": out.tokens},
    )
    return out


def reactivate(session: Session, user: User, actor: Principal | None) -> None:
    """Let ``user`` sign in again (with their password; revoked tokens stay revoked)."""
    user.active = True
    clear_failures(session, user.username)
    audit.record(session, actor, "reactivate", "account", user.id)
