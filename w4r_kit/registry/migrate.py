"""Schema versions of the registry: Alembic, run from code on open (no alembic.ini).

A registry without tables gets the whole schema; an older one is upgraded in one
transaction; one written by a newer w4r-kit (a revision this code does not know) is
refused rather than guessed at.
"""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, inspect, text

MIGRATIONS = Path(__file__).resolve().with_name("migrations")
# Every revision in migrations/versions, oldest first (a test checks the two agree), so that
# opening an up-to-date registry needs one SELECT and no Alembic import.
REVISIONS = ("0001", "0002", "0003", "0004", "0005")   # 0003: counts.members, online.row_key; 0004: their
                                                      # campaign; 0005: staff sessions
_PG_LOCK = 0x77347221         # advisory lock: two instances starting at once migrate one after the other


class SchemaError(Exception):
    """The database is not a registry this code can use (message says why and what to do)."""


def config(connection: Connection | None = None):
    from alembic.config import Config
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    """The newest schema revision this code knows."""
    return REVISIONS[-1]


def revisions() -> list[str]:
    """Every revision, oldest first."""
    return list(REVISIONS)


def current(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(connection: Connection, target: str = "head") -> tuple[str | None, str]:
    """Bring the schema to `target` inside the connection's transaction; returns (before, after)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
    before = current(connection)
    if before is not None and before not in revisions():
        raise SchemaError(f"was written by a newer w4r-kit (schema revision {before}; this version knows up to "
                          f"{head()}); upgrade w4r-kit (pip install -U w4r-kit) before using it")
    if before is None:
        tables = set(inspect(connection).get_table_names())
        if tables:
            raise SchemaError(f"already holds tables that are not a w4r-kit registry ({', '.join(sorted(tables)[:5])}"
                              f"{', …' if len(tables) > 5 else ''}); point the registry at an empty database")
    wanted = head() if target == "head" else target
    if before != wanted:
        from alembic import command
        command.upgrade(config(connection), wanted)
    return before, wanted
