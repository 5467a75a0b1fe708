"""exercises: archived by their control team (issue 17, item 3)

``exercise_run.archived_at``: when the exercise's control team archived it; an archived exercise
is kept, with its log, and listed apart. NULL: not archived.

Revision ID: 0019_exercise_archived
Revises: 0018_case_list_indexes
Create Date: 2026-12-06 00:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_exercise_archived"
down_revision: str | Sequence[str] | None = "0018_case_list_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("exercise_run") as batch:
        batch.add_column(sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("exercise_run") as batch:
        batch.drop_column("archived_at")
