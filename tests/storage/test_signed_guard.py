"""Signed means signed in the database too: raw SQL cannot rewrite a signed session.

The services refuse to change a signed session; migration 0002 makes the database refuse as
well, so a database browser or a buggy later version cannot either. Drafts stay editable, and
addenda are appended (never changed or removed).

The tests run on SQLite, and on PostgreSQL too when the suite has a server (see
``tests/conftest.py``).
"""

from __future__ import annotations

import uuid

import pytest
from alembic import command
from sqlalchemy.exc import DatabaseError

from acujournal.domain.model import TreatmentSession
from acujournal.services.sessions import (
    amend_session,
    delete_draft,
    get_session,
    record_session,
    sign_session,
)
from acujournal.storage.db import Database
from acujournal.storage.migrate import alembic_config, current_revision
from tests.builders import Journal, make_session
from tests.storage.raw_sql import execute

SIGNED = "signed and cannot be changed"
CHILD = "belongs to a signed session"
APPEND_ONLY = "Addenda are never changed or removed"


@pytest.fixture
def guarded(db: Database) -> Database:
    """A migrated journal, on SQLite or on PostgreSQL."""
    return db


@pytest.fixture
def draft(guarded: Database, journal: Journal) -> TreatmentSession:
    return record_session(guarded, make_session(journal, days_later=7))


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE sessions SET assessment = 'rewritten' WHERE id = :id",
        "UPDATE sessions SET status = 'draft' WHERE id = :id",
        "UPDATE sessions SET pain_after_back = 0, version = version + 1 WHERE id = :id",
        "DELETE FROM sessions WHERE id = :id",
    ],
)
def test_a_signed_session_row_cannot_be_changed_or_deleted(
    guarded: Database, signed: TreatmentSession, sql: str
) -> None:
    with pytest.raises(DatabaseError, match=SIGNED):
        execute(guarded, sql, id=signed.id)
    assert get_session(guarded, signed.id) == signed


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE needles SET depth_mm = 60 WHERE session_id = :id AND position = 0",
        "UPDATE needles SET point = 'GB31' WHERE session_id = :id",
        "DELETE FROM needles WHERE session_id = :id AND position = 7",
        "INSERT INTO needles (session_id, position, point, side, description, needle_brand, "
        "method, waveform, response_sought) "
        "VALUES (:id, 8, 'BL54', 'left', '', '', 'manual', '', 'deqi')",
        "UPDATE adverse_events SET severity = 'severe' WHERE session_id = :id",
        "DELETE FROM adverse_events WHERE session_id = :id",
        "INSERT INTO adverse_events (id, session_id, category, severity, action, description) "
        "VALUES (:new, :id, 'fainting', 'mild', '', '')",
    ],
)
def test_needles_and_adverse_events_of_a_signed_session_are_frozen(
    guarded: Database, signed: TreatmentSession, sql: str
) -> None:
    with pytest.raises(DatabaseError, match=CHILD):
        execute(guarded, sql, id=signed.id, new=uuid.uuid4())
    assert get_session(guarded, signed.id) == signed


def test_a_needle_cannot_be_moved_into_or_out_of_a_signed_session(
    guarded: Database, signed: TreatmentSession, draft: TreatmentSession
) -> None:
    with pytest.raises(DatabaseError, match=CHILD):
        execute(
            guarded,
            "UPDATE needles SET session_id = :signed, position = 20 WHERE session_id = :draft "
            "AND position = 0",
            signed=signed.id,
            draft=draft.id,
        )
    with pytest.raises(DatabaseError, match=CHILD):
        execute(
            guarded,
            "UPDATE needles SET session_id = :draft, position = 20 WHERE session_id = :signed "
            "AND position = 0",
            signed=signed.id,
            draft=draft.id,
        )
    assert get_session(guarded, signed.id) == signed
    assert get_session(guarded, draft.id) == draft


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE amendments SET text = 'Bruise never happened.' WHERE session_id = :id",
        "DELETE FROM amendments WHERE session_id = :id",
    ],
)
def test_addenda_are_append_only(guarded: Database, signed: TreatmentSession, sql: str) -> None:
    with pytest.raises(DatabaseError, match=APPEND_ONLY):
        execute(guarded, sql, id=signed.id)
    assert get_session(guarded, signed.id).amendments == signed.amendments


def test_statements_that_change_nothing_are_let_through(
    guarded: Database, signed: TreatmentSession
) -> None:
    # SQLAlchemy's version counter, and its rewrite of an unchanged collection, come out
    # as such statements; they alter nothing that was signed.
    assert execute(
        guarded, "UPDATE sessions SET version = version + 1 WHERE id = :id", id=signed.id
    )
    assert execute(
        guarded, "UPDATE needles SET depth_mm = depth_mm WHERE session_id = :id", id=signed.id
    )
    assert execute(
        guarded, "UPDATE amendments SET text = text WHERE session_id = :id", id=signed.id
    )
    assert get_session(guarded, signed.id) == signed


def test_drafts_stay_editable_with_raw_sql_and_through_the_services(
    guarded: Database, draft: TreatmentSession
) -> None:
    execute(guarded, "UPDATE sessions SET plan = 'Twice a week' WHERE id = :id", id=draft.id)
    execute(guarded, "UPDATE needles SET depth_mm = 30 WHERE session_id = :id", id=draft.id)
    execute(guarded, "DELETE FROM needles WHERE session_id = :id AND position = 7", id=draft.id)
    stored = get_session(guarded, draft.id)
    assert stored.notes.plan == "Twice a week"
    assert [n.depth_mm for n in stored.needles] == [30] * 7

    stored.needles.pop()
    stored.notes.assessment = "Improving"
    stored.needles_in = stored.needles_out = stored.insertion_count
    record_session(guarded, stored)
    assert len(get_session(guarded, draft.id).needles) == 6
    delete_draft(guarded, draft.id)


def test_signing_is_the_last_change_a_session_takes(
    guarded: Database, journal: Journal, draft: TreatmentSession
) -> None:
    # Signing a stored draft whose needles changed since it was saved: the needles are
    # written while it is still a draft, then it is signed, in one transaction.
    draft.needles.pop()
    draft.needles_in = draft.needles_out = draft.insertion_count
    sign_session(guarded, draft, journal.practitioner.id)
    assert len(get_session(guarded, draft.id).needles) == 7

    # A raw UPDATE of a draft to signed is allowed, and locks it.
    other = record_session(guarded, make_session(journal, days_later=14))
    execute(guarded, "UPDATE sessions SET status = 'signed' WHERE id = :id", id=other.id)
    with pytest.raises(DatabaseError, match=CHILD):
        execute(guarded, "DELETE FROM needles WHERE session_id = :id", id=other.id)


def test_addenda_are_added_through_the_services(
    guarded: Database, journal: Journal, signed: TreatmentSession
) -> None:
    amend_session(guarded, signed.id, journal.practitioner.id, "Second addendum.")
    amend_session(guarded, signed.id, journal.practitioner.id, "Third addendum.")
    stored = get_session(guarded, signed.id)
    assert [a.text for a in stored.amendments] == [
        "Bruise gone next day.",
        "Second addendum.",
        "Third addendum.",
    ]
    assert stored.needles == signed.needles
    assert stored.notes == signed.notes


def test_downgrading_removes_the_guard_and_upgrading_restores_it(
    guarded: Database, signed: TreatmentSession
) -> None:
    with guarded.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0001")
    assert current_revision(guarded.engine) == "0001"
    execute(guarded, "UPDATE sessions SET plan = 'changed' WHERE id = :id", id=signed.id)
    with guarded.engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
    with pytest.raises(DatabaseError, match=SIGNED):
        execute(guarded, "UPDATE sessions SET plan = 'again' WHERE id = :id", id=signed.id)
