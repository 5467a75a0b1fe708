"""cases: a counter per reference prefix, so that concurrent openings get distinct references

Case references (``ITA-2026-0007``) were the highest existing number plus one, read before the
insert: two cases opened at the same moment drew the same number and one failed on the unique
constraint. The counter row is incremented by an upsert in the opening transaction instead.
The counters start from the references already given.

Revision ID: 0005_case_reference_counter
Revises: 0004_duplicate_resolution
Create Date: 2026-12-05 15:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_case_reference_counter"
down_revision: str | Sequence[str] | None = "0004_duplicate_resolution"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    counter = op.create_table(
        "case_reference_counter",
        sa.Column("prefix", sa.String(length=20), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("prefix", name=op.f("pk_case_reference_counter")),
    )
    last: dict[str, int] = {}
    for (reference,) in op.get_bind().execute(sa.text("SELECT reference FROM case_file")):
        prefix, _, number = str(reference).rpartition("-")
        if number.isdigit():
            key = prefix + "-"
            last[key] = max(last.get(key, 0), int(number))
    if last:
        op.bulk_insert(counter, [{"prefix": k, "last": v} for k, v in sorted(last.items())])


def downgrade() -> None:
    op.drop_table("case_reference_counter")
