"""The declarative base every Pharos table hangs from (one metadata for one migration chain)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from sqlalchemy import DateTime, MetaData
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

# Stable constraint names so that SQLite batch migrations and PostgreSQL agree.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


#: The largest id a row can have: every id column is an ``Integer`` (PostgreSQL ``integer``,
#: four bytes, https://www.postgresql.org/docs/current/datatype-numeric.html). Ids that come from
#: outside (paths, forms, JSON) are checked against it before they reach the database; SQLite
#: refused larger ones with an OverflowError.
ID_MAX = 2**31 - 1


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


#: A fixed "now" for the current context (see :func:`clock_at`); None: the wall clock.
_fixed_now: ContextVar[datetime | None] = ContextVar("pharos_fixed_now", default=None)


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (the time set by :func:`clock_at`, if any)."""
    fixed = _fixed_now.get()
    return fixed if fixed is not None else datetime.now(UTC)


@contextmanager
def clock_at(when: datetime) -> Iterator[None]:
    """Within the block (in this thread or task only), ``utcnow()`` is ``when``.

    The exercise sandbox runs the server's case services on the exercise clock with it, so
    that timestamps, request due dates and audit entries are exercise time, not wall time.
    """
    if when.tzinfo is None:
        raise ValueError("clock_at needs a timezone-aware datetime")
    token = _fixed_now.set(when.astimezone(UTC))
    try:
        yield
    finally:
        _fixed_now.reset(token)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always returned timezone-aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Alembic filter: leave out tables the database makes for itself.

    SQLite's FTS5 creates shadow tables (``lesson_fts_data`` and the like) that no model describes;
    areas list such names in ``Base.metadata.info["unmanaged_tables"]``.
    """
    unmanaged = Base.metadata.info.get("unmanaged_tables", ())
    return not (type_ == "table" and name in unmanaged)
