"""coordinate: indexes for the case list's exact count (issue 18, item 7 and performance)

The case list shows how many cases match, exactly (``cases.count_matching``). The count is the
union of the cases that match in each part of the reader's scope (owned, assigned, the
agency's, the state's, shared, held before a transfer). ``EXPLAIN ANALYZE`` on
``benchmarks/casework_scale.py``'s data (100,000 cases, PostgreSQL 15) showed each part read
through a bitmap of its index and then the cases' rows: every one of the table's 5,884 pages
for an agency's 12,500 cases spread over all of them (20-50 ms a part). With these indexes
each part is read from its index alone (an index-only scan: 1,296 pages for all 100,000 cases,
about 170 pages for an agency's):

- ``case_file (owner_user_id | owner_agency_id | state, status, created_at)``, on PostgreSQL
  each including the other columns the filters and the scope read (id, the owners, state,
  reference, exploitation_types: ``models.cases.LIST_COLUMNS``). ``INCLUDE`` is PostgreSQL's
  (11+); on SQLite the indexes have their key columns only;
- ``case_access (agency_id, active, case_id)``: the cases shared with an agency (an NGO's
  25,000 in the benchmark) from the index alone; it replaces the index of ``agency_id``
  alone (which PostgreSQL kept choosing, then reading the table's rows for ``active``).

Revision ID: 0021_case_list_count
Revises: 0020_case_status_version
Create Date: 2026-12-06 03:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0021_case_list_count"
down_revision: str | Sequence[str] | None = "0020_case_status_version"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: as models.cases.LIST_COLUMNS (a migration keeps its own copy: it must not change later)
LIST_COLUMNS = (
    "id",
    "owner_user_id",
    "owner_agency_id",
    "state",
    "reference",
    "exploitation_types",
)
PARTS = ("owner_user_id", "owner_agency_id", "state")


def upgrade() -> None:
    op.create_index(
        "ix_case_access_agency_active_case", "case_access", ["agency_id", "active", "case_id"]
    )
    op.drop_index("ix_case_access_agency_id", table_name="case_access")
    for column in PARTS:
        op.create_index(
            f"ix_case_file_list_{column}",
            "case_file",
            [column, "status", "created_at"],
            postgresql_include=[c for c in LIST_COLUMNS if c != column],
        )


def downgrade() -> None:
    for column in PARTS:
        op.drop_index(f"ix_case_file_list_{column}", table_name="case_file")
    op.create_index("ix_case_access_agency_id", "case_access", ["agency_id"])
    op.drop_index("ix_case_access_agency_active_case", table_name="case_access")
