"""Hand counts and online signatures know their campaign: a group id used again next year
(the same school, the same local group) no longer brings last year's letters into this
year's results. Rows recorded before stay without one (NULL) and count, as before, for
whichever campaign issued sheets to their group.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("counts", "online"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("campaign", sa.String(64), nullable=True))
            batch.create_index(f"ix_{table}_campaign", ["campaign"])


def downgrade() -> None:
    for table in ("online", "counts"):
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_campaign")
            batch.drop_column("campaign")
