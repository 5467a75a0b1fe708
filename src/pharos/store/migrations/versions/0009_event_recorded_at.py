"""cases: when each trafficking event was recorded (issue 14, finding 1)

``trafficking_event.created_at``: a reader in a state a case was transferred away from sees what
was recorded until it moved; events recorded after the move are no longer shown to it. Events
recorded before this revision keep no time (NULL) and stay visible, as before.

Revision ID: 0009_event_recorded_at
Revises: 0008_consent_overrides
Create Date: 2026-12-05 19:35:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_event_recorded_at"
down_revision: str | Sequence[str] | None = "0008_consent_overrides"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("trafficking_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("created_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("trafficking_event", schema=None) as batch_op:
        batch_op.drop_column("created_at")
