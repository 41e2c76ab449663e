"""Alembic environment of the registry: always run from `w4r_kit.registry.migrate` with an
open connection (no alembic.ini, no URL here)."""
from __future__ import annotations

from alembic import context

from w4r_kit.registry.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata,
                  render_as_batch=True,          # SQLite cannot ALTER most things: copy-and-move instead
                  compare_type=True, compare_server_default=True)
with context.begin_transaction():
    context.run_migrations()
