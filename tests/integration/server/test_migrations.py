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
