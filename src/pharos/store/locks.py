"""Locks between the server processes that share one database.

Several ``pharos serve`` workers (or machines) may serve one PostgreSQL database; they agree
through PostgreSQL's advisory locks, which need no table and vanish with the connection that
holds them (a killed worker cannot leave one behind). On SQLite one process serves a database
(``pharos serve`` refuses ``--workers`` above 1 there), so every lock here is granted at once.

- ``held(engine, name)``: wait for the lock ``name`` and hold it for a block (an exercise's
  next event is numbered, applied and committed by one process at a time).
- ``try_in_transaction(session, name)``: take ``name`` for the rest of the caller's transaction
  if nobody holds it, else False (a periodic job done by whichever worker gets there first).
- ``Leadership``: one process at a time holds ``name`` for as long as it lives (the exercise
  clock); another takes over within one check of the holder's death.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)


def shared(engine: Engine) -> bool:
    """Whether several processes may serve this database (PostgreSQL), so that they must lock."""
    return engine.dialect.name == "postgresql"


def direct_connection(engine: Engine) -> Any:
    """A psycopg connection of its own (autocommit, outside the engine's pool) to ``engine``'s
    PostgreSQL database: for a lock held for the life of a process, or for LISTEN."""
    import psycopg

    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    return psycopg.connect(url, autocommit=True)


def lock_key(name: str) -> int:
    """The advisory lock's 64-bit key for ``name`` (the first 8 bytes of its SHA-256, signed as
    PostgreSQL's ``bigint``)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@contextmanager
def held(engine: Engine, name: str) -> Iterator[None]:
    """Hold the lock ``name`` between processes for the block (waits for it); nothing on SQLite."""
    if not shared(engine):
        yield
        return
    with engine.connect() as conn:
        conn.execute(text("select pg_advisory_lock(:k)"), {"k": lock_key(name)})
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("select pg_advisory_unlock(:k)"), {"k": lock_key(name)})
            conn.commit()


def try_in_transaction(bind: Session, name: str) -> bool:
    """Take ``name`` until the end of the current transaction if it is free; False if another
    process holds it. Always True on SQLite."""
    if bind.get_bind().dialect.name != "postgresql":
        return True
    got = bind.execute(text("select pg_try_advisory_xact_lock(:k)"), {"k": lock_key(name)})
    return bool(got.scalar_one())


class Leadership:
    """The lock ``name`` held by one process for as long as it lives.

    ``check()`` says whether this process leads now: it takes the lock when free and notices a
    lost connection (then the lock is gone with it, and another process may have it). Always
    True on SQLite.
    """

    def __init__(self, engine: Engine, name: str) -> None:
        self.engine = engine
        self.key = lock_key(name)
        self._conn: Any = None  # a connection outside the pool, holding the lock
        self._leads = False

    def check(self) -> bool:
        if not shared(self.engine):
            return True
        try:
            if self._conn is None:
                self._conn = direct_connection(self.engine)
            cur = self._conn.cursor()
            try:
                if self._leads:
                    cur.execute("select 1")
                    return True
                cur.execute("select pg_try_advisory_lock(%s)", (self.key,))
                self._leads = bool(cur.fetchone()[0])
                return self._leads
            finally:
                cur.close()
        except Exception:  # connection lost: so is the lock; try afresh next time
            log.warning("lost the connection holding a leadership lock", exc_info=True)
            self.close()
            return False

    def close(self) -> None:
        self._leads = False
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:
                log.debug("closing a leadership connection failed", exc_info=True)
