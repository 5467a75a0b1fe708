"""cases: tasks for a colleague of the same agency, with a due date (issue 18, item 5)

Revision ID: 0015_case_tasks
Revises: 0014_attachments
Create Date: 2026-12-05 21:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_case_tasks"
down_revision: str | Sequence[str] | None = "0014_attachments"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("assignee_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case_file.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"]),
        sa.ForeignKeyConstraint(["assignee_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["done_by_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("case_task", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_task_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_task_agency_id"), ["agency_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_task_assignee_id"), ["assignee_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("case_task", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_task_assignee_id"))
        batch_op.drop_index(batch_op.f("ix_case_task_agency_id"))
        batch_op.drop_index(batch_op.f("ix_case_task_case_id"))
    op.drop_table("case_task")
