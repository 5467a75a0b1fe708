"""screenings: the idempotency key of a screening done offline (issue 20, item 6)

``screening_record.client_key``: the key the device chose for a screening kept on it while
offline; unique per user, so that a sync retried after a lost answer finds the stored screening
instead of storing a second one.

Revision ID: 0017_screening_client_key
Revises: 0016_simulation_runs
Create Date: 2026-12-06 00:15:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_screening_client_key"
down_revision: str | Sequence[str] | None = "0016_simulation_runs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("screening_record") as batch:
        batch.add_column(sa.Column("client_key", sa.String(length=64), nullable=True))
        batch.create_unique_constraint("uq_screening_client_key", ["screened_by_id", "client_key"])


def downgrade() -> None:
    with op.batch_alter_table("screening_record") as batch:
        batch.drop_constraint("uq_screening_client_key", type_="unique")
        batch.drop_column("client_key")
