"""Text a server refuses is refused in words, not with a driver error; SQLite keeps it.

PostgreSQL refuses text longer than its column and any NUL character with a raw driver error
in the middle of a use case. On a server journal the use case ends with a ValidationError
naming the field, and nothing of it is stored. A SQLite journal keeps such text as before.
"""

from __future__ import annotations

import uuid
from dataclasses import replace

import pytest
from sqlalchemy import text

from acujournal.domain.model import Patient
from acujournal.domain.validation import ValidationError
from acujournal.services.patients import create_patient, list_patients, update_patient
from acujournal.services.sessions import get_session, record_session
from acujournal.services.unit_of_work import read_only
from acujournal.storage.db import Database
from tests.builders import Journal, make_session


def get_patient(db: Database, patient_id: uuid.UUID) -> Patient:
    with read_only(db) as repo:
        return repo.get_patient(patient_id)


def test_text_longer_than_its_column_is_refused_by_name_on_a_server(
    db: Database, journal: Journal
) -> None:
    long_phone = Patient(name="Kari Nordmann", phone="12345678 " * 8)
    if db.is_sqlite:
        create_patient(db, long_phone)
        assert get_patient(db, long_phone.id).phone == long_phone.phone
        return
    with pytest.raises(ValidationError) as refused:
        create_patient(db, long_phone)
    assert str(refused.value) == "patient.phone: is 72 characters long; at most 64 are allowed"
    assert [p.name for p in list_patients(db)] == [journal.patient.name]


def test_a_nul_character_is_refused_in_text_and_in_json_values_on_a_server(
    db: Database, journal: Journal
) -> None:
    session = make_session(journal)
    session.notes.plan = "Twice a week\x00"
    session.co_interventions = ["cupping\x00"]
    if db.is_sqlite:
        assert get_session(db, record_session(db, session).id).notes.plan == session.notes.plan
        return
    with pytest.raises(ValidationError) as refused:
        record_session(db, session)
    assert [p.field for p in refused.value.problems] == ["session.plan", "session.co_interventions"]
    assert "contains a NUL character" in str(refused.value)
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM sessions")).scalar() == 0


def test_text_that_fits_is_kept_as_it_was_typed(db: Database, journal: Journal) -> None:
    session = make_session(journal)
    session.notes.plan = "Åse: 2×/week — \u202eRTL\u202c, emoji 🌿, tab\tand\r\nnewlines " * 50
    session.time_zone = "America/Argentina/ComodRivadavia"
    record_session(db, session)
    assert get_session(db, session.id).notes.plan == session.notes.plan
    phone = "+47 " + "9" * 60
    update_patient(db, replace(journal.patient, phone=phone))
    assert get_patient(db, journal.patient.id).phone == phone
