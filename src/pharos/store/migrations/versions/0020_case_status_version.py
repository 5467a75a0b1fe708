"""cases: a version of the status form (issue 18, item 3)

``case_file.status_version`` (1 for the cases already there): a change of the status, stage or
closure reason carries the version its form was loaded with and is refused if they changed
since (``pharos.coordinate.cases.set_status``), as the edits of a case's records are.

Revision ID: 0020_case_status_version
Revises: 0019_exercise_archived
Create Date: 2026-12-06 00:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_case_status_version"
down_revision: str | Sequence[str] | None = "0019_exercise_archived"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status_version", sa.Integer(), nullable=False, server_default="1")
        )


def downgrade() -> None:
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.drop_column("status_version")
