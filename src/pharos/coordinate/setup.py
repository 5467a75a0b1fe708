"""Preparing a database: migrate it, and load the Mediterranean demo into an empty one."""

from __future__ import annotations

from sqlalchemy import Engine

from pharos.coordinate import audit
from pharos.coordinate.demo import DemoLogin, is_loaded, load_demo
from pharos.store.db import migrate, session_factory
from pharos.store.uow import UnitOfWork


def prepare_database(engine: Engine, *, demo: bool = True) -> list[DemoLogin] | None:
    """Create or upgrade the schema; on a database without agencies and with ``demo``, load the
    demo and return its logins (None when nothing was loaded)."""
    migrate(engine)
    if not demo:
        return None
    with UnitOfWork(session_factory(engine)) as work:
        if is_loaded(work.session):
            return None
        logins = load_demo(work.session)
        audit.record(work.session, None, "load_demo", "directory", detail={"accounts": len(logins)})
        work.commit()
        return logins
