"""cases: consent follows the data (issue 14, finding 1)

``consent_record.override_reason``: a consent wider than the one in force recorded by someone
other than the case's owner carries the reason of an authorised override (the owner is told).
``referral.overridden_consents``: the consents a referral's or transfer's override stood in for;
an override of the consent to disclosure across borders opens the victim's identity to the
receiving agency abroad while its access lasts.

Revision ID: 0008_consent_overrides
Revises: 0007_token_expiry
Create Date: 2026-12-05 18:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_consent_overrides"
down_revision: str | Sequence[str] | None = "0007_token_expiry"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("consent_record", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("override_reason", sa.Text(), nullable=False, server_default="")
        )
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("overridden_consents", sa.JSON(), nullable=False, server_default="[]")
        )


def downgrade() -> None:
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_column("overridden_consents")
    with op.batch_alter_table("consent_record", schema=None) as batch_op:
        batch_op.drop_column("override_reason")
