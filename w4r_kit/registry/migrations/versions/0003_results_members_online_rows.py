"""Returns and results: a group's size with its hand counts (ranking per member), and a
fingerprint per imported online signature (an export imported twice counts once).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("counts") as batch:
        batch.add_column(sa.Column("members", sa.Integer(), nullable=True))
    with op.batch_alter_table("online") as batch:
        batch.add_column(sa.Column("row_key", sa.String(64), nullable=True))
        batch.create_unique_constraint("uq_online_row_key", ["row_key"])


def downgrade() -> None:
    with op.batch_alter_table("online") as batch:
        batch.drop_constraint("uq_online_row_key", type_="unique")
        batch.drop_column("row_key")
    with op.batch_alter_table("counts") as batch:
        batch.drop_column("members")
