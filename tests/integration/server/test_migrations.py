"""The one migration chain builds exactly the tables the models describe, on SQLite and
PostgreSQL, and upgrading twice changes nothing."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

import pharos.store.models  # noqa: F401
from pharos.store.base import Base, include_object
from pharos.store.db import alembic_config, migrate


def test_models_and_migrations_agree(engine: Engine) -> None:
    assert migrate(engine) is False  # already migrated: nothing to do
    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": include_object}
        )
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == [], f"models differ from the migrations: {diff}"


def test_one_chain() -> None:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert len(heads) == 1, f"several migration heads, merge them: {heads}"


def test_the_reference_counter_starts_after_the_references_already_given(engine: Engine) -> None:
    """Migration 0005 seeds each prefix's counter from the existing references, so the first
    case opened after the upgrade does not draw a number already taken."""
    from alembic import command
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from pharos.coordinate.accounts import principal
    from pharos.coordinate.cases import open_case
    from pharos.store.models import User

    def opened() -> str:
        with Session(engine) as s:
            user = s.execute(select(User).where(User.username == "mt.police")).scalar_one()
            ref = open_case(s, principal(user), {"title": "Before and after"}).reference
            s.commit()
            return ref

    before = [opened(), opened()]
    cfg = alembic_config(engine)
    command.downgrade(cfg, "0004_duplicate_resolution")
    command.upgrade(cfg, "heads")
    after = opened()
    number = [int(r.rsplit("-", 1)[1]) for r in [*before, after]]
    assert number[2] == number[1] + 1, [*before, after]
