"""notifications: what each user is told, and where to e-mail them (issue 18, item 6)

``notification``: one row per recipient with a message key and its parameters (the text is
rendered in the reader's language when shown), the record it is about, when it was read and
whether an e-mail about it is owed. ``user_account.email``: the address notifications are
e-mailed to (empty for every existing account: nothing is e-mailed until a user gives one).

Revision ID: 0012_notifications
Revises: 0011_record_versions
Create Date: 2026-12-05 20:30:02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_notifications"
down_revision: str | Sequence[str] | None = "0011_record_versions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=20), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("email_status", sa.String(length=10), nullable=True),
        sa.Column("email_attempts", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_file.id"],
            name=op.f("fk_notification_case_id_case_file"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_notification_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
    )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notification_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_notification_email_status"), ["email_status"], unique=False
        )
        batch_op.create_index("ix_notification_user_unread", ["user_id", "read_at"], unique=False)

    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("email", sa.String(length=200), server_default="", nullable=False)
        )


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35+): recreating user_account, which many tables
    # reference, is refused while foreign keys are enforced
    with op.batch_alter_table("user_account", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("email")

    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index("ix_notification_user_unread")
        batch_op.drop_index(batch_op.f("ix_notification_email_status"))
        batch_op.drop_index(batch_op.f("ix_notification_case_id"))

    op.drop_table("notification")
