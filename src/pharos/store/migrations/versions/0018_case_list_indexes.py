"""coordinate: indexes for the case list, the dashboard and the search (issue 18, performance)

Measured with ``benchmarks/casework_scale.py`` (100,000 cases, 1,000,000 events, PostgreSQL),
``EXPLAIN ANALYZE`` of the slow queries:

- ``referral (kind, status, from_agency_id)``: the reader's scope asks for the cases that
  the reader's agency (or state) transferred away (``Scope.HELD``/``HELD_STATE``); without it
  PostgreSQL read all 50,000 referrals once per list or dashboard query (37 ms each);
- ``case_file (updated_at)`` and ``case_file (created_at)``: the list sorted by last update
  and the "opened from/until" filters;
- PostgreSQL only, trigram indexes (the ``pg_trgm`` extension shipped with PostgreSQL,
  trusted since PostgreSQL 13, so the database owner may create it): the search by reference
  (``lower(reference) LIKE '%...%'``) and by a person's name
  (``lower(first_name || ' ' || second_name) LIKE '%...%'``, the expression
  ``cases.matching_cases`` searches) use them instead of reading every row. SQLite has no
  such index; its searches read the rows, as before.

Revision ID: 0018_case_list_indexes
Revises: 0017_screening_client_key
Create Date: 2026-12-06 00:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0018_case_list_indexes"
down_revision: str | Sequence[str] | None = "0017_screening_client_key"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

POSTGRES_SEARCH = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_case_file_reference_trgm ON case_file USING gin "
    "(lower(reference) gin_trgm_ops)",
    "CREATE INDEX ix_person_name_trgm ON person USING gin "
    "(lower(first_name || ' ' || second_name) gin_trgm_ops)",
]


def upgrade() -> None:
    op.create_index(
        "ix_referral_kind_status_from", "referral", ["kind", "status", "from_agency_id"]
    )
    op.create_index("ix_case_file_updated_at", "case_file", ["updated_at"])
    op.create_index("ix_case_file_created_at", "case_file", ["created_at"])
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRES_SEARCH:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_person_name_trgm")
        op.execute("DROP INDEX IF EXISTS ix_case_file_reference_trgm")
    op.drop_index("ix_case_file_created_at", table_name="case_file")
    op.drop_index("ix_case_file_updated_at", table_name="case_file")
    op.drop_index("ix_referral_kind_status_from", table_name="referral")
