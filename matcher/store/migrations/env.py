"""Alembic environment: runs on the connection ``matcher.store.migrate`` hands over.

Never run from an ``alembic.ini``: the package applies its own migrations when a store is
opened, inside a transaction that already holds the write lock.
"""

from __future__ import annotations

from alembic import context

from matcher.store.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
