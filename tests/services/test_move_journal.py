"""Moving a journal between engines: SQLite onto PostgreSQL and PostgreSQL back into a file.

Each test runs both ways: the ``db`` journal is the source, on SQLite or on PostgreSQL, and
the target is an empty database of the other engine. They need a PostgreSQL server (see
``tests/conftest.py``) and are skipped without one.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Uuid, bindparam, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DatabaseError

from acujournal.domain.intake import ReviewDecision
from acujournal.domain.model import OutcomeMeasurement
from acujournal.services.audit import AuditState, verify_audit_chain
from acujournal.services.demo import generate_clinic
from acujournal.services.drafts import draft_payload, save_editor_draft
from acujournal.services.erasure import erase_patient
from acujournal.services.intake import save_intake
from acujournal.services.move_journal import MoveError, move_journal
from acujournal.services.patients import list_patients, patient_overview
from acujournal.services.questionnaires import add_questionnaire_file, questionnaire_version
from acujournal.services.sessions import amend_session, get_session, sign_session
from acujournal.services.settings import set_setting
from acujournal.services.unit_of_work import unit_of_work
from acujournal.storage import journal_copy
from acujournal.storage.db import Database, database_url, open_database
from acujournal.storage.journal_copy import journal_tables
from tests.backends import PostgresJournals, dropped_at_exit
from tests.builders import Journal, make_journal, make_session
from tests.services.intake_answers import NECK_PAIN_FILE
from tests.services.test_intake import prepared, review

SIGNED = "signed and cannot be changed"


@pytest.fixture
def target_url(db: Database, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[URL]:
    """An empty database of the other engine: a new file for a server journal, and an empty
    server database (no schema at all) for a SQLite one."""
    if not db.is_sqlite:
        yield database_url(tmp_path / "moved" / "journal.sqlite3")
        return
    journals: PostgresJournals = request.getfixturevalue("postgres_journals")
    with dropped_at_exit(journals, journals.new_empty()) as url:
        yield url


@pytest.fixture
def clinic(db: Database) -> Journal:
    """A demo clinic plus one of everything: intake, draft, settings, a questionnaire of the
    clinic's own, an erased patient."""
    generate_clinic(db, patients=4, years=1, seed=3)
    journal = make_journal(db)
    session = make_session(journal)
    sign_session(db, session, journal.practitioner.id)
    amend_session(db, session.id, journal.practitioner.id, "Bruise gone next day.")
    save_intake(db, prepared(journal), review(journal, ReviewDecision.ACCEPT))
    with unit_of_work(db) as repo:
        # SQL NULL answers (a plain value) beside JSON answers.
        repo.add_measurement(
            OutcomeMeasurement(
                case_id=journal.case.id,
                instrument="nrs_back",
                taken_at=datetime(2026, 1, 6, 9, 0, tzinfo=UTC),
                value=4,
            )
        )
    draft = make_session(journal, days_later=7)
    save_editor_draft(db, draft.id, journal.patient.id, draft_payload(draft))
    set_setting(db, "clinic.name", "Klinikk Åse & Co")
    add_questionnaire_file(db, NECK_PAIN_FILE)
    leaving = make_journal(db, "Ola Nordmann")
    sign_session(db, make_session(leaving), leaving.practitioner.id)
    erase_patient(db, leaving.patient.id, None, "Ola Nordmann", override_retention=True)
    return journal


def dump(url: URL) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every journal table, as sorted tuples of Python values."""
    database = open_database(url, create=False, migrate=False)
    try:
        with database.engine.connect() as connection:
            return {
                table.name: sorted(
                    (tuple(map(repr, row)) for row in connection.execute(table.select())),
                )
                for table in journal_tables()
            }
    finally:
        database.dispose()


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_journal_moves_whole_and_checks_out_the_same(
    db: Database, clinic: Journal, target_url: URL
) -> None:
    before = dump(db.engine.url)
    source_file = None if not db.is_sqlite else Path(str(db.engine.url.database))
    source_digest = None if source_file is None else file_digest(source_file)
    source_audit = verify_audit_chain(db)
    assert source_audit.state is AuditState.INTACT
    db.dispose()

    report = move_journal(db.engine.url, target_url)

    counts = {table.table: table.rows for table in report.tables}
    assert counts == {name: len(rows) for name, rows in before.items()}
    assert counts["audit_events"] == source_audit.entries > 0
    copied = ("needles", "amendments", "intakes", "intake_reviews", "editor_drafts")
    for table in (*copied, "questionnaires"):
        assert counts[table] > 0, table
    assert report.rows == sum(counts.values())
    assert report.audit is not None
    assert report.audit.state is AuditState.INTACT
    assert report.audit.entries == source_audit.entries
    assert dump(target_url) == before
    assert dump(db.engine.url) == before  # the source is as it was
    if source_file is not None:
        assert file_digest(source_file) == source_digest

    moved = open_database(target_url, create=False)
    try:
        assert verify_audit_chain(moved) == source_audit
        names = [p.name for p in list_patients(moved, include_archived=True)]
        assert "Ola Nordmann" not in names
        assert clinic.patient.name in names
        history = patient_overview(moved, clinic.patient.id).history
        signed = get_session(moved, history[-1].id)
        assert signed.is_signed
        assert [a.text for a in signed.amendments] == ["Bruise gone next day."]
        assert signed.started_at.tzinfo is UTC
        assert questionnaire_version(moved, "neck_pain", 1) is not None
        # Signed still means signed on the new database, and saving still works there.
        with pytest.raises(DatabaseError, match=SIGNED), moved.engine.begin() as connection:
            connection.execute(
                text("UPDATE sessions SET plan = 'rewritten' WHERE id = :id").bindparams(
                    bindparam("id", signed.id, type_=Uuid())
                )
            )
        amend_session(moved, signed.id, clinic.practitioner.id, "Seen again after the move.")
        assert verify_audit_chain(moved).state is AuditState.INTACT
    finally:
        moved.dispose()


def test_a_target_that_holds_a_journal_is_refused_and_left_alone(
    db: Database, clinic: Journal, target_url: URL
) -> None:
    other = open_database(target_url)
    make_journal(other, "Kari Nordmann")
    other.dispose()
    before = dump(target_url)
    with pytest.raises(
        MoveError, match=r"already holds a journal \(3 audit_events, 1 cases, 1 patients"
    ):
        move_journal(db.engine.url, target_url)
    assert dump(target_url) == before


def test_a_target_with_other_tables_is_refused(
    db: Database, clinic: Journal, target_url: URL
) -> None:
    other = open_database(target_url, migrate=False)
    with other.engine.begin() as connection:
        connection.execute(text("CREATE TABLE invoices (id INTEGER PRIMARY KEY)"))
    other.dispose()
    with pytest.raises(MoveError, match=r"tables AcuJournal does not know \(invoices\)"):
        move_journal(db.engine.url, target_url)


def test_a_copy_that_does_not_come_out_equal_leaves_the_target_empty(
    db: Database, clinic: Journal, target_url: URL, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = journal_copy.table_checksums

    def one_row_short(connection: Any) -> list[journal_copy.TableCopy]:
        sums = real(connection)
        return [
            journal_copy.TableCopy(s.table, s.rows - 1, s.checksum) if s.table == "needles" else s
            for s in sums
        ]

    monkeypatch.setattr("acujournal.services.move_journal.table_checksums", one_row_short)
    with pytest.raises(MoveError, match=r"did not come out equal \(needles: \d+ rows instead"):
        move_journal(db.engine.url, target_url)
    if target_url.get_backend_name() == "sqlite":
        assert not Path(str(target_url.database)).exists()  # the new file is removed again
    else:
        assert not any(dump(target_url).values())


def test_the_same_database_cannot_be_both_ends(db: Database) -> None:
    with pytest.raises(MoveError, match="cannot be moved onto itself"):
        move_journal(db.engine.url, db.engine.url)


@pytest.mark.sqlite_only  # only a SQLite journal can hold what a server refuses
def test_values_a_server_would_refuse_are_named_and_nothing_is_copied(
    db: Database, request: pytest.FixtureRequest
) -> None:
    journal = make_journal(db)
    with db.engine.begin() as connection:
        connection.execute(
            text("UPDATE patients SET phone = :phone, address = :address").bindparams(
                phone="4" * 70, address="Storgata 1\x00"
            )
        )
    journals: PostgresJournals = request.getfixturevalue("postgres_journals")
    with dropped_at_exit(journals, journals.new_empty()) as server:
        with pytest.raises(MoveError) as refused:
            move_journal(db.engine.url, server)
        message = str(refused.value)
        assert message.startswith(f"The journal cannot be moved to {server.render_as_string()}")
        assert f"patients {journal.patient.id}, phone: is 70 characters long; at most 64" in (
            message
        )
        assert f"patients {journal.patient.id}, address: contains a NUL character" in message
        assert "nothing was copied" in message
        assert not any(dump(server).values())


@pytest.mark.sqlite_only  # an old schema is made here from a SQLite file
def test_a_journal_at_an_older_schema_is_sent_to_be_opened_first(
    db: Database, request: pytest.FixtureRequest
) -> None:
    from alembic import command

    from acujournal.storage.migrate import alembic_config

    with db.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0003")
    db.dispose()
    journals: PostgresJournals = request.getfixturevalue("postgres_journals")
    with (
        dropped_at_exit(journals, journals.new_empty()) as server,
        pytest.raises(MoveError, match=r"is at schema 0003.*open it once with this version"),
    ):
        move_journal(db.engine.url, server)


def test_ids_survive_the_move_as_ids(db: Database, clinic: Journal, target_url: URL) -> None:
    db.dispose()
    move_journal(db.engine.url, target_url)
    moved = open_database(target_url, create=False)
    try:
        with moved.engine.connect() as connection:
            stored = connection.execute(
                text("SELECT id FROM patients WHERE id = :id").bindparams(
                    bindparam("id", clinic.patient.id, type_=Uuid())
                )
            ).scalar_one()
        assert uuid.UUID(str(stored)) == clinic.patient.id
    finally:
        moved.dispose()
