"""exercise: the scenario studio's versions (issue 17, item 1)

``scenario_version``: each saved version of a scenario written in the studio, numbered per
scenario (``scenario_key``), pointing at its text in ``scenario_text`` (one home for scenario
texts: an exercise started from a version runs on the same row).

Revision ID: 0013_scenario_version
Revises: 0012_notifications
Create Date: 2026-12-05 21:15:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_scenario_version"
down_revision: str | Sequence[str] | None = "0012_notifications"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "scenario_version",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("scenario_key", sa.String(length=32), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("author", sa.String(length=128), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["sha256"],
            ["scenario_text.sha256"],
            name=op.f("fk_scenario_version_sha256_scenario_text"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scenario_version")),
        sa.UniqueConstraint("scenario_key", "number", name="uq_scenario_version"),
    )
    with op.batch_alter_table("scenario_version", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_scenario_version_scenario_key"), ["scenario_key"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("scenario_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scenario_version_scenario_key"))
    op.drop_table("scenario_version")
