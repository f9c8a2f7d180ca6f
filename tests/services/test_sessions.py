"""Recording, repeating, signing and amending sessions through the services."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.orm.exc import StaleDataError

from acujournal.domain.model import Side
from acujournal.domain.validation import ValidationError
from acujournal.services.audit import verify_audit_chain
from acujournal.services.patients import list_patients, patient_overview
from acujournal.services.sessions import (
    SignedSessionError,
    amend_session,
    delete_draft,
    get_session,
    record_session,
    repeat_last_session,
    sign_session,
)
from acujournal.services.unit_of_work import unit_of_work
from acujournal.storage.audit_chain import read_entries
from acujournal.storage.db import Database
from acujournal.storage.models import SessionRow
from tests.builders import make_journal, make_session


def test_a_recorded_draft_comes_back_with_all_its_needles(db: Database) -> None:
    journal = make_journal(db)
    session = make_session(journal)
    session.needles[0].spinal_level = None
    record_session(db, session)

    stored = get_session(db, session.id)
    assert [n.point for n in stored.needles] == [n.point for n in session.needles]
    assert stored.pain_before.back == 6
    assert stored.entered_at is not None
    assert stored.started_at == session.started_at
    assert stored.status.value == "draft"


def test_entry_time_is_kept_when_a_draft_is_saved_again(db: Database) -> None:
    journal = make_journal(db)
    session = record_session(db, make_session(journal))
    first_entry = session.entered_at
    session.notes.subjective = "Better after the weekend"
    record_session(db, session)
    assert get_session(db, session.id).entered_at == first_entry


def test_invalid_session_is_refused_and_nothing_is_written(db: Database) -> None:
    journal = make_journal(db)
    session = make_session(journal)
    session.pain_before.back = 11
    with pytest.raises(ValidationError, match=r"pain_before\.back: 11 is outside .* 0-10"):
        record_session(db, session)
    assert patient_overview(db, journal.patient.id).history == []


def test_signing_is_refused_while_needle_counts_differ(db: Database) -> None:
    journal = make_journal(db)
    session = make_session(journal)
    session.needles_out = session.insertion_count - 1
    with pytest.raises(ValidationError, match=r"1 needle.* not yet counted out"):
        sign_session(db, session, journal.practitioner.id)
    assert patient_overview(db, journal.patient.id).history == []


def test_a_signed_session_cannot_be_changed_only_amended(db: Database) -> None:
    journal = make_journal(db)
    session = sign_session(db, make_session(journal), journal.practitioner.id)
    assert session.signed_at is not None

    session.notes.assessment = "rewritten later"
    with pytest.raises(SignedSessionError):
        record_session(db, session)
    with pytest.raises(SignedSessionError):
        delete_draft(db, session.id)

    amend_session(db, session.id, journal.practitioner.id, "Patient called: leg pain eased.")
    stored = get_session(db, session.id)
    assert stored.notes.assessment == ""
    assert [a.text for a in stored.amendments] == ["Patient called: leg pain eased."]


def test_repeat_last_session_copies_points_but_not_todays_scores(db: Database) -> None:
    journal = make_journal(db)
    first = make_session(journal)
    first.needles[0].side = Side.LEFT
    sign_session(db, first, journal.practitioner.id)

    today = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
    repeat = repeat_last_session(db, journal.case.id, journal.practitioner.id, today, "Europe/Oslo")
    assert [(n.point, n.side) for n in repeat.needles] == [(n.point, n.side) for n in first.needles]
    assert repeat.id != first.id
    assert repeat.pain_before.back is None
    assert repeat.needles_in is None
    assert all(n.deqi is None for n in repeat.needles)


def test_patient_list_puts_the_most_recently_seen_first(db: Database) -> None:
    early = make_journal(db, "Early Bird")
    late = make_journal(db, "Late Comer")
    make_journal(db, "Never Seen")
    record_session(db, make_session(early))
    record_session(db, make_session(late, days_later=3))
    names = [p.name for p in list_patients(db)]
    assert names == ["Late Comer", "Early Bird", "Never Seen"]


def test_history_is_newest_first_with_points(db: Database) -> None:
    journal = make_journal(db)
    for week in range(3):
        record_session(db, make_session(journal, days_later=7 * week, pain_before=6 - week))
    history = patient_overview(db, journal.patient.id).history
    assert [h.pain_before_back for h in history] == [4, 5, 6]
    assert history[0].points[:2] == ("BL23", "BL25")


def test_concurrent_edits_are_detected_by_the_version_column(db: Database) -> None:
    journal = make_journal(db)
    session = record_session(db, make_session(journal))
    # Room 1 loads the session and keeps it open while the practitioner types.
    with db.sessions() as room_1:
        row = room_1.get(SessionRow, session.id)
        assert row is not None
        room_1.commit()
        # Room 2 saves a change meanwhile.
        with unit_of_work(db) as repo:
            other = repo.get_session(session.id)
            other.notes.subjective = "room 2"
            repo.save_session(other)
        # Room 1's save is based on the old version and must not overwrite room 2's text.
        row.subjective = "room 1"
        with pytest.raises(StaleDataError):
            room_1.commit()
    with unit_of_work(db) as repo:
        assert repo.get_session(session.id).notes.subjective == "room 2"


def _needle_rows(db: Database, session_id: object) -> list[tuple[object, ...]]:
    with db.engine.connect() as connection:
        return [
            tuple(row)
            for row in connection.execute(
                text("SELECT * FROM needles WHERE session_id = :id ORDER BY position"),
                {"id": session_id.hex},  # type: ignore[attr-defined]
            )
        ]


def test_a_new_drafts_needles_are_stored_as_a_saved_again_draft_stores_them(
    db: Database,
) -> None:
    journal = make_journal(db)
    session = make_session(journal)
    session.needles[0].spinal_level = None
    session.needles[1].description = "toward the spine"
    record_session(db, session)  # a new draft: its needles go in with one statement
    first = _needle_rows(db, session.id)
    record_session(db, session)  # saved again: the stored needles are replaced one by one
    assert _needle_rows(db, session.id) == first
    assert len(first) == len(session.needles)


def test_a_new_drafts_needles_are_in_its_audit_entry(db: Database) -> None:
    journal = make_journal(db)
    session = record_session(db, make_session(journal))
    with db.engine.connect() as connection:
        entries = [e for e in read_entries(connection) if e.entity_id == str(session.id)]
    assert [e.action for e in entries] == ["create"]
    assert [n["point"] for n in entries[0].after["needles"]] == [n.point for n in session.needles]
    assert verify_audit_chain(db).ok
