"""One use case, one transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from acujournal.storage import audit
from acujournal.storage.audit import Actor
from acujournal.storage.db import WRITE_INTENT, Database
from acujournal.storage.repository import JournalRepository


@contextmanager
def unit_of_work(db: Database, actor: Actor | None = None) -> Iterator[JournalRepository]:
    """Open a transaction and hand out a repository for it.

    The transaction commits when the block ends normally and rolls back on any exception, so a
    use case either happens completely or not at all. Every change of clinical data it makes
    is written to the audit trail in the same transaction, as done by ``actor`` (by default
    the journal's current actor, see ``services.audit.set_actor``).
    """
    audit.install(db.sessions)
    with db.sessions.begin() as session:
        session.connection(execution_options={WRITE_INTENT: True})
        audit.track(session, actor or audit.default_actor(db.engine))
        yield JournalRepository(session)


@contextmanager
def read_only(db: Database) -> Iterator[JournalRepository]:
    """A repository for queries; nothing is committed."""
    with db.sessions() as session:
        yield JournalRepository(session)


def utc_now() -> datetime:
    """The current instant, timezone-aware in UTC."""
    return datetime.now(UTC)
