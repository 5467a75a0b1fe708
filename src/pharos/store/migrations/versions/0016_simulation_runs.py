"""analysis: simulation runs started from /analysis (issue 15, item 7)

``simulation_run``: the bundled scenario, the interventions, runs, seed, the report's language,
the status with the progress, who started it and when, and when the process that holds it last
said it was alive (a run whose process died is marked interrupted). The outputs are files in
``<data dir>/simulations/<id>/``.

Revision ID: 0016_simulation_runs
Revises: 0015_case_tasks
Create Date: 2026-12-05 21:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_simulation_runs"
down_revision: str | Sequence[str] | None = "0015_case_tasks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "simulation_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scenario", sa.String(length=100), nullable=False),
        sa.Column("interventions", sa.Text(), nullable=False),
        sa.Column("runs", sa.Integer(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["user_account.id"],
            name=op.f("fk_simulation_run_created_by_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_simulation_run")),
    )
    with op.batch_alter_table("simulation_run", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_simulation_run_created_by"), ["created_by"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_simulation_run_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("simulation_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_simulation_run_status"))
        batch_op.drop_index(batch_op.f("ix_simulation_run_created_by"))
    op.drop_table("simulation_run")
