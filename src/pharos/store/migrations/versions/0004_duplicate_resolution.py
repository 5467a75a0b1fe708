"""cases: explicit resolution of duplicate flags (confirmed / dismissed, by whom, when)

Replaces the boolean ``duplicate_flag.resolved``, which did not say whether a flag was confirmed
(the same person) or dismissed (different people). No code ever set ``resolved``; a flag set
resolved by hand is left open (``resolution`` NULL), so that someone decides it explicitly.

Revision ID: 0004_duplicate_resolution
Revises: 0003_exercise
Create Date: 2026-11-29 00:23:50.492296
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_duplicate_resolution"
down_revision: str | Sequence[str] | None = "0003_exercise"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("duplicate_flag", schema=None) as batch_op:
        batch_op.add_column(sa.Column("resolution", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("resolved_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_duplicate_flag_resolved_by_id_user_account"),
            "user_account",
            ["resolved_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.drop_column("resolved")


def downgrade() -> None:
    with op.batch_alter_table("duplicate_flag", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("resolved", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.execute("UPDATE duplicate_flag SET resolved = (resolution IS NOT NULL)")
    with op.batch_alter_table("duplicate_flag", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_duplicate_flag_resolved_by_id_user_account"), type_="foreignkey"
        )
        batch_op.drop_column("resolved_at")
        batch_op.drop_column("resolved_by_id")
        batch_op.drop_column("resolution")
