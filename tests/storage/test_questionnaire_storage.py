"""A clinic's questionnaires in the journal: kept as added, and the migration that brings them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy.exc import DatabaseError

from acujournal.domain.intake import IntakeSource
from acujournal.domain.questionnaire_file import shipped_questionnaire
from acujournal.services.intake import intakes_of_patient, prepare_intake, save_intake
from acujournal.services.patients import list_patients
from acujournal.services.questionnaires import (
    add_questionnaire_file,
    available_questionnaires,
    questionnaire_version,
)
from acujournal.storage.db import Database
from acujournal.storage.migrate import HEAD_REVISION, alembic_config, current_revision
from tests.builders import Journal
from tests.services.intake_answers import NECK_PAIN_FILE, clean_answers
from tests.storage.raw_sql import execute
from tests.storage.test_intake_guard import schema_names

KEPT = "kept as it was added"


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE questionnaires SET definition = '{}' WHERE key = 'neck_pain'",
        "UPDATE questionnaires SET version = 7 WHERE key = 'neck_pain'",
        "DELETE FROM questionnaires WHERE key = 'neck_pain'",
    ],
)
def test_a_stored_questionnaire_version_cannot_be_changed_or_removed(
    db: Database, sql: str
) -> None:
    add_questionnaire_file(db, NECK_PAIN_FILE)
    with pytest.raises(DatabaseError, match=KEPT):
        execute(db, sql)
    found = questionnaire_version(db, "neck_pain", 1)
    assert found is not None
    assert found.title == "Before your first visit: neck and shoulder pain"


def test_a_journal_at_0005_with_data_gains_the_questionnaires_table(
    db: Database, journal: Journal
) -> None:
    prepared = prepare_intake(
        shipped_questionnaire(),
        clean_answers(fever=True),
        patient_id=journal.patient.id,
        source=IntakeSource.PDF,
        submitted_at=datetime(2026, 3, 2, 8, 0, tzinfo=UTC),
    )
    save_intake(db, prepared)
    with db.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0005")
    assert current_revision(db.engine) == "0005"
    assert not {"questionnaires", "questionnaire_guard", "questionnaire_update"} & schema_names(db)

    with db.engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
    assert current_revision(db.engine) == HEAD_REVISION
    assert "questionnaires" in schema_names(db)
    # What the journal held is all there, and the new table works, guards and all.
    assert [p.name for p in list_patients(db)] == [journal.patient.name]
    [stored] = intakes_of_patient(db, journal.patient.id)
    assert stored.answers == clean_answers(fever=True)
    assert [q.key for q in available_questionnaires(db)] == ["sciatica"]
    add_questionnaire_file(db, NECK_PAIN_FILE)
    assert [q.key for q in available_questionnaires(db)] == ["sciatica", "neck_pain"]
    with pytest.raises(DatabaseError, match=KEPT):
        execute(db, "DELETE FROM questionnaires")
