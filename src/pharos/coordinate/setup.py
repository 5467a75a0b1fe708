"""Preparing a database: migrate it, and load the Mediterranean demo into an empty one."""

from __future__ import annotations

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from pharos.coordinate import audit
from pharos.coordinate.accounts import check_password
from pharos.coordinate.demo import DEMO_PASSWORD, DemoLogin, is_loaded, load_demo
from pharos.store.db import migrate, session_factory
from pharos.store.models import Agency, User
from pharos.store.uow import UnitOfWork

#: the demo's agencies all have e-mail addresses under this reserved domain (RFC 2606)
DEMO_EMAIL_DOMAIN = "demo.invalid"


def should_load_demo(dialect: str, asked: bool | None, setting: bool) -> bool:
    """Whether ``pharos serve`` loads the demo (into an empty database): ``--demo`` or
    ``--no-demo`` (``asked``) decide; otherwise SQLite follows ``PHAROS_LOAD_DEMO``
    (``setting``) and PostgreSQL never gets it, because its accounts share a published
    password and PostgreSQL is what real deployments use."""
    if asked is not None:
        return asked
    return setting and dialect == "sqlite"


def demo_accounts_with_published_password(session: Session) -> list[str]:
    """Usernames of the demo's accounts that still have the published demo password."""
    rows = session.execute(
        select(User.username, User.password_hash)
        .join(Agency, User.agency_id == Agency.id)
        .where(Agency.email.like("%" + DEMO_EMAIL_DOMAIN))
        .order_by(User.username)
    ).all()
    # the demo hashes its password once for all accounts: check each distinct hash once
    published = {h: check_password(h, DEMO_PASSWORD) for h in {row[1] for row in rows}}
    return [username for username, password_hash in rows if published[password_hash]]


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
