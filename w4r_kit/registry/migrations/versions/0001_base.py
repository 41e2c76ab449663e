"""The first registry: packs, sheets, scans, hand counts, online signatures, staff.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "packs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("route", sa.String(20), nullable=False),
        sa.Column("campaign", sa.String(64), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.String(200), nullable=True),
        sa.Column("group_id", sa.String(200), nullable=False),
        sa.Column("group_name", sa.String(500), nullable=False),
        sa.Column("contact", sa.String(500), server_default="", nullable=False),
        sa.Column("lang", sa.String(16), nullable=False),
        sa.Column("audience", sa.String(16), nullable=False),
        sa.Column("cases", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_packs"),
    )
    op.create_table(
        "sheets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sheet_id", sa.String(32), nullable=False),
        sa.Column("pack_id", sa.Integer(), nullable=False),
        sa.Column("campaign", sa.String(64), nullable=False),
        sa.Column("group_id", sa.String(200), nullable=False),
        sa.Column("case_id", sa.String(200), nullable=False),
        sa.Column("lang", sa.String(16), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("of", sa.Integer(), nullable=False),
        sa.Column("audience", sa.String(16), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("file", sa.String(500), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["pack_id"], ["packs.id"], name="fk_sheets_pack_id_packs"),
        sa.PrimaryKeyConstraint("id", name="pk_sheets"),
        sa.UniqueConstraint("sheet_id", name="uq_sheets_sheet_id"),
        sa.UniqueConstraint("campaign", "group_id", "case_id", "lang", "number", "audience",
                            name="uq_sheets_campaign_group_id_case_id_lang_number_audience"),
    )
    op.create_table(
        "scans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sheet_id", sa.String(32), nullable=False),
        sa.Column("scan_file", sa.Text(), nullable=True),
        sa.Column("page", sa.Integer(), nullable=True),
        sa.Column("signatures", sa.Integer(), nullable=True),
        sa.Column("consent_yes", sa.Integer(), nullable=True),
        sa.Column("consent_no", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("detail", sa.Text(), server_default="", nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('read', 'review', 'set')", name="ck_scans_status"),
        sa.ForeignKeyConstraint(["sheet_id"], ["sheets.sheet_id"], name="fk_scans_sheet_id_sheets"),
        sa.PrimaryKeyConstraint("id", name="pk_scans"),
    )
    op.create_table(
        "counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.String(200), nullable=False),
        sa.Column("case_id", sa.String(200), nullable=True),
        sa.Column("letters", sa.Integer(), server_default="0", nullable=False),
        sa.Column("signatures", sa.Integer(), server_default="0", nullable=False),
        sa.Column("source", sa.String(500), server_default="hand", nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_counts"),
    )
    op.create_table(
        "online",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.String(200), nullable=True),
        sa.Column("sheet_id", sa.String(32), nullable=True),
        sa.Column("case_id", sa.String(200), nullable=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["sheet_id"], ["sheets.sheet_id"], name="fk_online_sheet_id_sheets"),
        sa.PrimaryKeyConstraint("id", name="pk_online"),
    )
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_staff"),
        sa.UniqueConstraint("name", name="uq_staff_name"),
    )


def downgrade() -> None:
    for table in ("staff", "online", "counts", "scans", "sheets", "packs"):
        op.drop_table(table)
