"""One use case, one transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from acujournal.storage.db import WRITE_INTENT, Database
from acujournal.storage.repository import JournalRepository


@contextmanager
def unit_of_work(db: Database) -> Iterator[JournalRepository]:
    """Open a transaction and hand out a repository for it.

    The transaction commits when the block ends normally and rolls back on any exception, so a
    use case either happens completely or not at all.
    """
    with db.sessions.begin() as session:
        session.connection(execution_options={WRITE_INTENT: True})
        yield JournalRepository(session)


@contextmanager
def read_only(db: Database) -> Iterator[JournalRepository]:
    """A repository for queries; nothing is committed."""
    with db.sessions() as session:
        yield JournalRepository(session)


def utc_now() -> datetime:
    """The current instant, timezone-aware in UTC."""
    return datetime.now(UTC)
