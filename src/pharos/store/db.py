"""Engines, sessions and migrations for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import threading
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from pharos.store import locks


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys, WAL and a busy timeout."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        db = parsed.database
        if db and db != ":memory:":
            Path(db).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            if db and db != ":memory:":
                cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    if parsed.get_backend_name() == "postgresql":
        # No just-in-time compilation of queries: PostgreSQL compiles any query its planner
        # costs above jit_above_cost (100,000), and Pharos's are short; EXPLAIN ANALYZE of the
        # case list's count at 100,000 cases (benchmarks/casework_scale.py) spent 324 ms
        # compiling a query that ran in 40 ms. PostgreSQL's manual ("Just-in-Time Compilation",
        # "When to JIT?"): JIT pays for long-running, CPU-bound queries, not short ones.
        args = dict(kwargs.get("connect_args", {}))
        args["options"] = f"{args.get('options', '')} -c jit=off".strip()
        kwargs["connect_args"] = args
    return create_engine(url, **kwargs)


def session_factory(engine: Engine, info: dict[str, Any] | None = None) -> sessionmaker[Session]:
    """Sessions on ``engine``; ``info`` is copied into every session's ``Session.info`` (the
    server puts its secret there for pseudonyms)."""
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True, info=info)


def alembic_config(engine: Engine | None = None) -> Config:
    """The Alembic configuration of the one migration chain (``pharos/store/migrations``)."""
    cfg = Config()
    location = resources.files("pharos.store").joinpath("migrations")
    cfg.set_main_option("script_location", str(location))
    cfg.set_main_option("path_separator", "os")
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


#: Alembic keeps the running migration in module globals (``alembic.context``): two threads of
#: one process migrating at once (the exercise's sandbox template, made on a worker thread, and
#: a server's database) ran each other's steps on the wrong database ("no such table")
_MIGRATING = threading.Lock()


def migrate(engine: Engine) -> bool:
    """Create or upgrade the database to the newest migrations; True when it was empty."""
    # two servers starting at once migrate one by one; two threads of one process too
    with _MIGRATING, locks.held(engine, "migrate"):
        was_empty = not inspect(engine).has_table("alembic_version")
        command.upgrade(alembic_config(engine), "heads")
    return was_empty
