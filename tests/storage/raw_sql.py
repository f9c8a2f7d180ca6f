"""Raw SQL against a journal, past the services, as a database browser would write it."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import TextClause, Uuid, bindparam, text

from acujournal.storage.db import Database


def statement(sql: str, params: dict[str, Any]) -> TextClause:
    """``sql`` with those of ``params`` it names bound; ids are bound as the schema stores
    them (hex text on SQLite, uuid on PostgreSQL)."""
    return text(sql).bindparams(
        *(
            bindparam(name, value, type_=Uuid())
            if isinstance(value, uuid.UUID)
            else bindparam(name, value)
            for name, value in params.items()
            if f":{name}" in sql
        )
    )


def execute(db: Database, *statements: str, **params: Any) -> int:
    """Run raw statements in one transaction; the number of rows the last one touched."""
    touched = 0
    with db.engine.begin() as connection:
        for sql in statements:
            touched = connection.execute(statement(sql, params)).rowcount
    return touched
