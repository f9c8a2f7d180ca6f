"""Alembic environment: runs against the connection AcuJournal hands over."""

from __future__ import annotations

from alembic import context

from acujournal.storage.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reached by a bare `alembic` invocation
    raise RuntimeError("AcuJournal migrations run through acujournal.storage.migrate only")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things; batch mode rebuilds tables (with foreign keys switched
    # off by the migration itself where a rebuild could fire cascades).
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
