"""Fixtures shared by the storage tests."""

from __future__ import annotations

import pytest

from acujournal.domain.model import AdverseEvent, AdverseEventCategory, TreatmentSession
from acujournal.services.sessions import amend_session, get_session, sign_session
from acujournal.storage.db import Database
from tests.builders import Journal, make_journal, make_session


@pytest.fixture
def journal(db: Database) -> Journal:
    return make_journal(db)


@pytest.fixture
def signed(db: Database, journal: Journal) -> TreatmentSession:
    """A signed session with eight needles, an adverse event and an addendum."""
    session = make_session(journal)
    session.adverse_events.append(AdverseEvent(category=AdverseEventCategory.BLEEDING_BRUISING))
    sign_session(db, session, journal.practitioner.id)
    amend_session(db, session.id, journal.practitioner.id, "Bruise gone next day.")
    return get_session(db, session.id)
