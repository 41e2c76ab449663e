"""The registry (SPEC §11, §12): one database of every pack and sheet issued and of what
came back. SQLAlchemy Core tables in `schema`, Alembic migrations in `migrations/`
(run on open), the `Registry` API in `store`, exports in `export`.
"""
from __future__ import annotations

from .issue import case_keys, issue, login_name, pack_keys, record_case, record_packs
from .store import (ENV_VAR, AssignedIds, CountRecord, IssuedPack, IssuedSheet, OnlineRecord, PackRecord,
                    Registry, ReturnRecord, SheetIdClash, SheetKey, SheetRecord, StaffExists, UnknownSheet,
                    campaign_name, database_url)

__all__ = ["ENV_VAR", "AssignedIds", "CountRecord", "IssuedPack", "IssuedSheet", "OnlineRecord", "PackRecord",
           "Registry", "ReturnRecord", "SheetIdClash", "SheetKey", "SheetRecord", "StaffExists", "UnknownSheet",
           "campaign_name", "case_keys", "database_url", "issue", "login_name", "pack_keys", "record_case",
           "record_packs"]
