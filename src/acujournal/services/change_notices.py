"""Hearing about changes other rooms commit to a shared PostgreSQL journal.

Migration 0005 makes the server send ``NOTIFY acujournal_changes, '<patient id>'`` whenever a
patient, case, session or outcome measurement changes, once per patient and transaction, on
commit. :class:`ChangeNotices` listens on a connection of its own and hands out the ids of the
patients changed since it was last asked, without ever blocking. On SQLite (one writer per
file, in practice one room) there is nothing to hear and it always answers with nothing.
"""

from __future__ import annotations

import contextlib
import uuid
from typing import Any

from acujournal.storage.db import Database

CHANNEL = "acujournal_changes"


class ChangeNotices:
    """The patients other connections changed; :meth:`poll` asks, :meth:`close` stops."""

    def __init__(self, db: Database) -> None:
        self._connection: Any = None
        if db.is_sqlite:
            return
        # Imported here: a SQLite journal's start-up does without the PostgreSQL driver.
        import psycopg

        self._errors: type[Exception] = psycopg.Error
        pooled = db.engine.raw_connection()
        connection = pooled.driver_connection
        assert connection is not None
        # A connection of its own, kept out of the pool: it stays in LISTEN for good.
        pooled.detach()
        connection.rollback()
        connection.autocommit = True
        connection.execute(f"LISTEN {CHANNEL}")
        self._connection = connection

    @property
    def listening(self) -> bool:
        return self._connection is not None

    def poll(self, timeout: float = 0) -> set[uuid.UUID]:
        """The ids of the patients changed since the last poll; when there are none, waits up
        to ``timeout`` seconds for the first (by default not at all)."""
        if self._connection is None:
            return set()
        changed: set[uuid.UUID] = set()
        try:
            notices = list(self._connection.notifies(timeout=timeout))
        except self._errors:
            # The server or the connection went away: stop listening rather than fail.
            self.close()
            return changed
        for notice in notices:
            try:
                changed.add(uuid.UUID(notice.payload))
            except ValueError:
                continue
        return changed

    def close(self) -> None:
        if self._connection is not None:
            connection, self._connection = self._connection, None
            with contextlib.suppress(self._errors):
                connection.close()
