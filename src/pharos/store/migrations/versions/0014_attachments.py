"""cases: files attached to a case, a referral or a reply to a request (issue 18, item 4)

``attachment``: the metadata of a file (its SHA-256, size, the type read from its content, the
safe name it is downloaded under, who uploaded it and when); the bytes are kept outside the
database in the attachment store, under their SHA-256 (``pharos.coordinate.attachments``).

Revision ID: 0014_attachments
Revises: 0013_scenario_version
Create Date: 2026-12-05 21:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_attachments"
down_revision: str | Sequence[str] | None = "0013_scenario_version"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=True),
        sa.Column("reply_id", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(length=40), nullable=False),
        sa.Column("filename", sa.String(length=120), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_file.id"],
            name=op.f("fk_attachment_case_id_case_file"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referral.id"],
            name=op.f("fk_attachment_referral_id_referral"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reply_id"],
            ["request_reply.id"],
            name=op.f("fk_attachment_reply_id_request_reply"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["user_account.id"],
            name=op.f("fk_attachment_uploaded_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_attachment_agency_id_agency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment")),
    )
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attachment_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_attachment_referral_id"), ["referral_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_attachment_reply_id"), ["reply_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_attachment_sha256"), ["sha256"], unique=False)


def downgrade() -> None:
    op.drop_table("attachment")
