"""accounts: every API token carries an expiry

Tokens lived until revoked. Each now has ``expires_at``; tokens made before this migration
expire 90 days after they were made (``pharos.coordinate.accounts.TOKEN_DAYS``), so that old,
forgotten tokens stop answering.

Revision ID: 0007_token_expiry
Revises: 0006_login_throttle
Create Date: 2026-12-05 18:30:00
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import sqlalchemy as sa
from alembic import op

revision: str = "0007_token_expiry"
down_revision: str | Sequence[str] | None = "0006_login_throttle"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
    conn = op.get_bind()
    token = sa.table(
        "api_token",
        sa.column("id", sa.Integer()),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("expires_at", sa.DateTime(timezone=True)),
    )
    for row in conn.execute(sa.select(token.c.id, token.c.created_at)).all():
        conn.execute(
            token.update()
            .where(token.c.id == row.id)
            .values(expires_at=row.created_at + timedelta(days=90))
        )
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.alter_column(
            "expires_at", existing_type=sa.DateTime(timezone=True), nullable=False
        )


def downgrade() -> None:
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_column("expires_at")
