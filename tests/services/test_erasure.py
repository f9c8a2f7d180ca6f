"""Erasing a patient: guarded, complete, recorded without content, and gone from new backups."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select, text

from acujournal.domain.intake import ReviewDecision
from acujournal.domain.model import AdverseEvent, AdverseEventCategory, OutcomeMeasurement
from acujournal.services.audit import AuditState, verify_audit_chain
from acujournal.services.drafts import draft_payload, save_editor_draft
from acujournal.services.erasure import (
    ErasureRefusedError,
    erase_patient,
    erasure_preview,
)
from acujournal.services.intake import save_intake
from acujournal.services.interchange import write_export
from acujournal.services.patients import patient_overview
from acujournal.services.sessions import amend_session, get_session, record_session, sign_session
from acujournal.services.unit_of_work import unit_of_work
from acujournal.storage.audit_chain import read_entries
from acujournal.storage.backup import create_backup
from acujournal.storage.db import Database
from acujournal.storage.models import Base
from acujournal.storage.repository import NotFoundError
from tests.builders import Journal, make_journal, make_session
from tests.services.test_intake import prepared, review

NAME = "Åse Bjørnstad"
SECRET_NOTE = "Confided: worried about her brother's drinking"


@pytest.fixture
def journal(db: Database, tmp_path: Path) -> Journal:
    """Åse with everything a patient can have; Kari, another patient, with a signed session."""
    journal = make_journal(db, patient_name=NAME)
    signed = make_session(journal)
    signed.notes.subjective = SECRET_NOTE
    signed.adverse_events.append(AdverseEvent(category=AdverseEventCategory.BLEEDING_BRUISING))
    sign_session(db, signed, journal.practitioner.id)
    amend_session(db, signed.id, journal.practitioner.id, "Bruise gone next day.")
    draft = record_session(db, make_session(journal, days_later=7))
    with unit_of_work(db) as repo:
        repo.add_measurement(
            OutcomeMeasurement(
                case_id=journal.case.id,
                instrument="nrs_leg",
                taken_at=datetime(2026, 1, 5, 9, tzinfo=UTC),
                value=6,
            )
        )
    save_editor_draft(db, draft.id, journal.patient.id, draft_payload(draft))
    save_intake(db, prepared(journal), review(journal, ReviewDecision.ACCEPT))
    # A PostgreSQL journal has no folder: the export goes with the test's other files.
    write_export(db, tmp_path / "ase.json", journal.patient.id)
    return journal


@pytest.fixture
def other(db: Database, journal: Journal) -> Journal:
    kari = make_journal(db, patient_name="Kari Nordmann")
    sign_session(db, make_session(kari), kari.practitioner.id)
    return kari


def db_file(db: Database) -> Path:
    return Path(str(db.engine.url.database))


def counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as connection:
        return {
            table.name: int(connection.execute(select(func.count()).select_from(table)).scalar())
            for table in Base.metadata.sorted_tables
        }


def erase(db: Database, journal: Journal, confirmation: str = NAME) -> object:
    return erase_patient(
        db, journal.patient.id, journal.practitioner, confirmation, override_retention=True
    )


def test_a_wrong_name_erases_nothing(db: Database, journal: Journal) -> None:
    before = counts(db)
    with pytest.raises(ErasureRefusedError, match="does not match the patient's name"):
        erase(db, journal, "Ase Bjornstad")
    assert counts(db) == before


def test_records_within_their_retention_period_are_archived_not_erased(
    db: Database, journal: Journal
) -> None:
    preview = erasure_preview(db, journal.patient.id)
    # Ten years after the last record: the baseline measurement of the intake.
    assert preview.retention_until == date(2036, 3, 2)
    assert (preview.cases, preview.sessions, preview.signed_sessions) == (1, 2, 1)
    before = counts(db)
    with pytest.raises(ErasureRefusedError, match="must be kept until 2036-03-02"):
        erase_patient(db, journal.patient.id, journal.practitioner, NAME)
    assert counts(db) == before
    # Once the period is over, no override is needed.
    erase_patient(db, journal.patient.id, journal.practitioner, NAME, today=date(2036, 3, 2))
    assert counts(db)["patients"] == 0


def test_an_unknown_patient_is_reported(db: Database, journal: Journal, other: Journal) -> None:
    with pytest.raises(NotFoundError):
        erase_patient(db, other.case.id, None, "Kari Nordmann", override_retention=True)


def test_erasure_removes_every_row_of_the_patient_and_nothing_else(
    db: Database, journal: Journal, other: Journal
) -> None:
    kari_sessions = [s.id for s in patient_overview(db, other.patient.id).history]
    kari_before = [get_session(db, i) for i in kari_sessions]
    result = erase(db, journal)

    left = counts(db)
    for table in ("needles", "adverse_events", "amendments", "measurements", "editor_drafts"):
        assert left[table] == (8 if table == "needles" else 0), table
    assert (left["patients"], left["cases"], left["sessions"]) == (1, 1, 1)
    assert (left["intakes"], left["intake_reviews"]) == (0, 0)
    assert [get_session(db, i) for i in kari_sessions] == kari_before
    assert result.deleted["sessions"] == 2
    assert result.signed_sessions == 1
    assert "Backups made before now still hold the patient" in result.summary()


def test_the_erasure_is_recorded_with_ids_and_counts_and_nothing_clinical(
    db: Database, journal: Journal, other: Journal
) -> None:
    erase(db, journal)
    with db.engine.connect() as connection:
        trail = read_entries(connection)
        stored = connection.execute(
            text("SELECT coalesce(before_json, '') || coalesce(after_json, '') FROM audit_events")
        ).scalars()
        text_of_trail = "".join(stored)
    erased = trail[0]
    assert (erased.action, erased.entity, erased.patient_id) == (
        "erase",
        "patient",
        journal.patient.id,
    )
    assert erased.actor_id == journal.practitioner.id
    assert erased.after["deleted"]["sessions"] == 2
    assert erased.after["signed_sessions"] == 1
    assert erased.after["case_ids"] == [str(journal.case.id)]
    assert erased.after["retention_overridden"] is True
    about_her = [e for e in trail[1:] if e.patient_id == journal.patient.id]
    kinds = {"patient", "case", "session", "measurement", "intake", "intake_review"}
    assert kinds <= {e.entity for e in about_her}
    assert all(e.redacted and e.before is None and e.after is None for e in about_her)
    for secret in (NAME, SECRET_NOTE, "Bruise gone", "ase.json"):
        assert secret not in text_of_trail
    assert "Kari Nordmann" in text_of_trail  # others keep their history
    assert verify_audit_chain(db).state is AuditState.INTACT


@pytest.mark.sqlite_only  # about the bytes of a backup file
def test_a_backup_made_after_the_erasure_holds_nothing_of_the_patient(
    db: Database, journal: Journal, other: Journal, tmp_path: Path
) -> None:
    # Most SQLite builds leave deleted rows in the file's free space (Debian's overwrites
    # them by default): make sure the erasure does not rely on the build.
    event.listen(db.engine, "connect", _leave_deleted_content)
    db.engine.dispose()
    erase(db, journal)
    backup = create_backup(db_file(db), tmp_path / "backups", datetime.now(UTC))
    assert backup.verified
    connection = sqlite3.connect(backup.path)
    try:
        names = [row[0] for row in connection.execute("SELECT name FROM patients")]
    finally:
        connection.close()
    assert names == ["Kari Nordmann"]
    raw = backup.path.read_bytes()
    for secret in (NAME, SECRET_NOTE, "Bruise gone next day"):
        assert secret.encode() not in raw  # not even in the file's free space


def _leave_deleted_content(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA secure_delete = OFF")
