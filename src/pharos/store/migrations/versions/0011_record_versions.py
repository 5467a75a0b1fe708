"""cases: a version on every editable record of a case (issue 18, item 3)

``person``, ``trafficking_event``, ``case_note`` and ``support_plan`` get ``version`` (1 for the
records already there): an edit carries the version its form was loaded with and is refused
if the record has changed since (optimistic concurrency, ``pharos.coordinate.editing``); the
values before and after each edit are kept in the audit trail.

Revision ID: 0011_record_versions
Revises: 0010_scenario_text
Create Date: 2026-12-05 20:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_record_versions"
down_revision: str | Sequence[str] | None = "0010_scenario_text"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("person", "trafficking_event", "case_note", "support_plan")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("version", sa.Integer(), nullable=False, server_default="1")
            )


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("version")
