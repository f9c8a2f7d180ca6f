"""Fixtures shared by the command-line tests."""

from __future__ import annotations

import pytest

from acujournal.services.sessions import sign_session
from acujournal.storage.db import Database
from tests.builders import Journal, make_journal, make_session


@pytest.fixture
def journal(db: Database) -> Journal:
    """One patient with two signed sessions, a week apart."""
    journal = make_journal(db)
    for days in (0, 7):
        sign_session(db, make_session(journal, days_later=days), journal.practitioner.id)
    return journal


@pytest.fixture
def journal_options(db: Database, journal_args: list[str], journal: Journal) -> list[str]:
    """``--db FILE`` or ``--database-url URL`` of ``journal``, closed so the command opens it."""
    db.dispose()
    return journal_args
