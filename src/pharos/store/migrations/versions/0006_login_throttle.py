"""accounts: sign-in failures are counted from login_attempt only

The per-account counter and lock (``user_account.failed_logins``, ``locked_until``) said "locked"
for a real account and not for an unknown one, so accounts could be enumerated; failures are now
counted per username as typed and per client address from ``login_attempt`` (one home for the
fact), the same for known and unknown names.

Revision ID: 0006_login_throttle
Revises: 0005_case_reference_counter
Create Date: 2026-12-05 18:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_login_throttle"
down_revision: str | Sequence[str] | None = "0005_case_reference_counter"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # a plain ALTER TABLE on both backends (SQLite >= 3.35): batch mode would copy and drop
    # user_account, which the foreign keys of every other table point at
    op.execute("ALTER TABLE user_account DROP COLUMN failed_logins")
    op.execute("ALTER TABLE user_account DROP COLUMN locked_until")


def downgrade() -> None:
    op.execute(
        sa.text("ALTER TABLE user_account ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0")
    )
    op.add_column(
        "user_account", sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True)
    )
