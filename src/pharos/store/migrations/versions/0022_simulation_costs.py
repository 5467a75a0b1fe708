"""simulation runs: each intervention's cost (issue 15, item 7)

``simulation_run.costs`` (the YAML text ``pharos simulate --costs`` reads: intervention name to
its cost a year; empty for the runs already there) and ``simulation_run.currency`` (``EUR``):
the run's report then gives the cost per extra victim protected and per extra conviction.

Revision ID: 0022_simulation_costs
Revises: 0021_case_list_count
Create Date: 2026-12-06 03:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022_simulation_costs"
down_revision: str | Sequence[str] | None = "0021_case_list_count"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("simulation_run", schema=None) as batch_op:
        batch_op.add_column(sa.Column("costs", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("currency", sa.String(length=8), nullable=False, server_default="EUR")
        )


def downgrade() -> None:
    with op.batch_alter_table("simulation_run", schema=None) as batch_op:
        batch_op.drop_column("currency")
        batch_op.drop_column("costs")
