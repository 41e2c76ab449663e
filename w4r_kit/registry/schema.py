"""The registry's tables (SPEC §11, §12), declared once with SQLAlchemy Core.

This module describes the newest schema; `migrations/versions/` holds the steps that
bring an older registry to it. A change here needs a migration beside it (the tests
compare the two and fail on any drift).
"""
from __future__ import annotations

from sqlalchemy import (CheckConstraint, Column, DateTime, ForeignKey, Index, Integer, MetaData, String,
                        Table, Text, UniqueConstraint)

# Named constraints, so that migrations (and SQLite's batch mode) can find them again.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)

ROUTES = ("cli-case", "cli-signatures", "web")
SCAN_STATUSES = ("read", "review", "set")

# One row per pack handed out: one group's sheets, by one route, at one time.
packs = Table(
    "packs", metadata,
    Column("id", Integer, primary_key=True),
    Column("route", String(20), nullable=False),             # cli-case | cli-signatures | web
    Column("campaign", String(64), nullable=False),          # "<section short>-<year>"
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("issued_by", String(200)),                        # staff account or login name; None: the public
    Column("group_id", String(200), nullable=False),
    Column("group_name", String(500), nullable=False),
    Column("contact", String(500), nullable=False, server_default=""),
    Column("lang", String(16), nullable=False),
    Column("audience", String(16), nullable=False),
    Column("cases", Text, nullable=False),                   # case ids asked for, space-separated
    Index(None, "group_id"),
)

# One row per printed signature sheet. A sheet is identified by what its id is hashed
# from (campaign, group, case, language, number) and the form it carries (audience).
sheets = Table(
    "sheets", metadata,
    Column("id", Integer, primary_key=True),
    Column("sheet_id", String(32), nullable=False),
    Column("pack_id", Integer, ForeignKey("packs.id"), nullable=False),
    Column("campaign", String(64), nullable=False),
    Column("group_id", String(200), nullable=False),
    Column("case_id", String(200), nullable=False),
    Column("lang", String(16), nullable=False),
    Column("number", Integer, nullable=False),               # k of "sheet k / n"
    Column("of", Integer, nullable=False),                   # n
    Column("audience", String(16), nullable=False),
    Column("url", Text, nullable=False),                     # the tracked URL in its QR code
    Column("file", String(500), nullable=False),             # the PDF it was written to
    Column("page", Integer, nullable=False),                 # 1-based, in that file
    UniqueConstraint("sheet_id"),
    UniqueConstraint("campaign", "group_id", "case_id", "lang", "number", "audience"),
    Index(None, "pack_id"),
)

# What was read from returned sheets (SPEC §12): one row per reading, never overwritten.
# The value of a sheet is its latest "set" (staff), else its first "read"; "review" waits.
scans = Table(
    "scans", metadata,
    Column("id", Integer, primary_key=True),
    Column("sheet_id", String(32), ForeignKey("sheets.sheet_id"), nullable=False),
    Column("scan_file", Text),                               # None for a value set by staff
    Column("page", Integer),
    Column("signatures", Integer),
    Column("consent_yes", Integer),
    Column("consent_no", Integer),
    Column("status", String(8), nullable=False),
    Column("detail", Text, nullable=False, server_default=""),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("status IN ('read', 'review', 'set')", name="status"),
    Index(None, "sheet_id"),
)

# Figures counted by hand (letters, a return form's totals), per group and maybe per case.
counts = Table(
    "counts", metadata,
    Column("id", Integer, primary_key=True),
    Column("group_id", String(200), nullable=False),
    Column("case_id", String(200)),
    Column("letters", Integer, nullable=False, server_default="0"),
    Column("signatures", Integer, nullable=False, server_default="0"),
    Column("members", Integer),                              # the group's size, if given (migration 0003)
    Column("source", String(500), nullable=False, server_default="hand"),
    Column("note", Text, nullable=False, server_default=""),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    # "<section short>-<year>"; NULL: recorded before migration 0004, counted for whichever
    # campaign issued sheets to the group.
    Column("campaign", String(64)),
    Index(None, "group_id"),
    Index("ix_counts_campaign", "campaign"),
)

# Online signatures from the petition's export; group and sheet None = unattributed.
online = Table(
    "online", metadata,
    Column("id", Integer, primary_key=True),
    Column("group_id", String(200)),
    Column("sheet_id", String(32), ForeignKey("sheets.sheet_id")),
    Column("case_id", String(200)),
    Column("count", Integer, nullable=False),
    Column("source_file", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    # One row per signature imported by `returns online`: its fingerprint, so an export
    # imported again counts nothing twice (migration 0003).
    Column("row_key", String(64)),
    Column("campaign", String(64)),                          # as counts.campaign (migration 0004)
    UniqueConstraint("row_key"),
    Index(None, "group_id"),
    Index("ix_online_campaign", "campaign"),
)

# Staff accounts of the web pages; only a strong hash of the password is kept.
staff = Table(
    "staff", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("name"),
)

# Signed-in staff sessions (migration 0005): the cookie holds a random token, the registry
# only its hash. Signing out deletes the row, so a copied cookie opens nothing afterwards,
# on every server that shares the registry.
staff_sessions = Table(
    "staff_sessions", metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False),
    Column("staff_name", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("token_hash"),
    Index(None, "staff_name"),
)
