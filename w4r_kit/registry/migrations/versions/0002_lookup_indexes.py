"""Indexes for the look-ups of the staff pages and results: by group, by pack, by sheet.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""
from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

INDEXES = (("packs", "group_id"), ("sheets", "pack_id"), ("scans", "sheet_id"), ("counts", "group_id"),
           ("online", "group_id"))


def upgrade() -> None:
    for table, column in INDEXES:
        op.create_index(f"ix_{table}_{column}", table, [column])


def downgrade() -> None:
    for table, column in INDEXES:
        op.drop_index(f"ix_{table}_{column}", table_name=table)
