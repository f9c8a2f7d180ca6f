"""Two rooms on one journal: the second of two conflicting saves is told what changed."""

from __future__ import annotations

import pytest

from acujournal.domain.model import SessionStatus
from acujournal.services.audit import set_actor
from acujournal.services.conflicts import ConflictError
from acujournal.services.patients import patient_overview, update_case, update_patient
from acujournal.services.sessions import get_session, record_session, sign_session
from acujournal.storage.audit import Actor
from acujournal.storage.db import Database
from tests.builders import make_journal, make_session


def test_the_second_of_two_conflicting_draft_saves_is_told_what_changed(
    db: Database, other_room: Database
) -> None:
    journal = make_journal(db)
    draft = record_session(db, make_session(journal))
    mine = get_session(db, draft.id)
    theirs = get_session(other_room, draft.id)

    set_actor(other_room, Actor("Room 2"))
    theirs.notes.subjective = "Sharp pain since Tuesday"
    theirs.pain_before.back = 8
    record_session(other_room, theirs)

    mine.notes.plan = "Review in one week"
    with pytest.raises(ConflictError) as raised:
        record_session(db, mine)
    conflict = raised.value
    assert conflict.fields == ["pain_before_back", "subjective"]
    assert conflict.changed_by == "Room 2"
    assert conflict.changed_at is not None
    message = str(conflict)
    assert "another room by Room 2" in message
    assert "back pain before, subjective notes" in message
    # Nothing was written, and this room keeps its own text.
    stored = get_session(db, draft.id)
    assert stored.notes.subjective == "Sharp pain since Tuesday"
    assert stored.notes.plan == ""
    assert mine.notes.plan == "Review in one week"
    assert conflict.stored.notes.subjective == "Sharp pain since Tuesday"

    # Having read the newer version, this room can save.
    again = get_session(db, draft.id)
    again.notes.plan = mine.notes.plan
    record_session(db, again)
    stored = get_session(other_room, draft.id)
    assert (stored.notes.subjective, stored.notes.plan) == (
        "Sharp pain since Tuesday",
        "Review in one week",
    )


def test_a_room_saves_its_own_draft_again_and_again(db: Database, other_room: Database) -> None:
    journal = make_journal(db)
    draft = record_session(db, make_session(journal))
    for text in ("first", "second", "third"):
        draft.notes.subjective = text
        record_session(db, draft)
    assert get_session(other_room, draft.id).notes.subjective == "third"


def test_signing_over_a_change_from_another_room_is_refused_and_stays_a_draft(
    db: Database, other_room: Database
) -> None:
    journal = make_journal(db)
    draft = record_session(db, make_session(journal))
    mine = get_session(db, draft.id)
    theirs = get_session(other_room, draft.id)
    theirs.needles_in = theirs.needles_out = 9
    record_session(other_room, theirs)

    with pytest.raises(ConflictError, match="needles in, needles out"):
        sign_session(db, mine, journal.practitioner.id)
    assert mine.status is SessionStatus.DRAFT
    assert mine.signed_at is None
    assert get_session(db, draft.id).status is SessionStatus.DRAFT


def test_a_change_of_other_fields_elsewhere_is_no_conflict_for_a_later_session_save(
    db: Database, other_room: Database
) -> None:
    # Saving a session moves the patient's latest visit, not what the patient page shows.
    journal = make_journal(db)
    patient = patient_overview(db, journal.patient.id).patient
    record_session(other_room, make_session(journal))
    patient.phone = "+47 22 33 44 55"
    update_patient(db, patient)
    assert patient_overview(other_room, journal.patient.id).patient.phone == "+47 22 33 44 55"


def test_patient_and_case_updates_from_two_rooms_conflict(
    db: Database, other_room: Database
) -> None:
    journal = make_journal(db)
    mine = patient_overview(db, journal.patient.id)
    theirs = patient_overview(other_room, journal.patient.id)

    theirs.patient.email = "ase@example.org"
    update_patient(other_room, theirs.patient)
    mine.patient.phone = "+47 99 88 77 66"
    with pytest.raises(ConflictError, match="differs in: email") as raised:
        update_patient(db, mine.patient)
    assert raised.value.fields == ["email"]
    assert patient_overview(db, journal.patient.id).patient.phone != "+47 99 88 77 66"

    theirs.cases[0].rationale = "Segmental points for L5"
    update_case(other_room, theirs.cases[0])
    mine.cases[0].title = "Sciatica, worse on the right"
    with pytest.raises(ConflictError, match="differs in: rationale"):
        update_case(db, mine.cases[0])
    reread = patient_overview(db, journal.patient.id).cases[0]
    assert reread.title != "Sciatica, worse on the right"
    reread.title = "Sciatica, worse on the right"
    update_case(db, reread)
    assert patient_overview(other_room, journal.patient.id).cases[0].title == reread.title
