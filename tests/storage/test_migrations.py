"""Journals made by every released schema migrate to the newest one with every row intact.

Each ``fixtures/schema-<revision>.sqlite3`` stands for a journal a clinic made with that
release (see ``fixtures/make_fixtures.py``). Opening one upgrades it to ``head``, whatever the
newest revision is by now; a checked backup of the journal as it was is made first, and a
migration that fails leaves the journal exactly as it was.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.runtime.migration import RevisionStep
from sqlalchemy import text

from acujournal.domain.intake import ReviewDecision
from acujournal.domain.model import AdverseEventCategory, SessionStatus, Side
from acujournal.domain.screening import Caution
from acujournal.services.intake import intakes_of_patient
from acujournal.services.patients import list_patients, patient_overview
from acujournal.services.sessions import get_session
from acujournal.storage.backup import MANIFEST_NAME, verify_backup
from acujournal.storage.cipher import encryption_available
from acujournal.storage.db import DatabaseOpenError, database_url, open_database
from acujournal.storage.encryption import encrypt_journal
from acujournal.storage.migrate import (
    HEAD_REVISION,
    current_revision,
    head_revision,
    known_revision,
    schema_is_current,
)
from tests.storage.fixtures import make_fixtures
from tests.storage.fixtures.make_fixtures import (
    DST_SESSION,
    EMPTY_ON_PURPOSE,
    INTAKE,
    PATIENT,
    RELEASED,
    SIGNED,
    SIGNED_SESSION,
    rows_at,
)

FIXTURES = Path(make_fixtures.__file__).parent
# The journals that opening upgrades: every released schema before the newest.
OLDER = tuple(revision for revision in RELEASED if revision != HEAD_REVISION)


def fixture_copy(revision: str, folder: Path) -> Path:
    """A fresh copy of the fixture journal of ``revision`` in ``folder``."""
    target = folder / "journal.sqlite3"
    shutil.copyfile(FIXTURES / f"schema-{revision}.sqlite3", target)
    return target


def rows_of(path: Path, table: str, columns: list[str]) -> list[tuple[Any, ...]]:
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        listed = ", ".join(columns)
        return sorted(connection.execute(f"SELECT {listed} FROM {table}").fetchall(), key=repr)
    finally:
        connection.close()


def revision_of(path: Path) -> str:
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        return str(connection.execute("SELECT version_num FROM alembic_version").fetchone()[0])
    finally:
        connection.close()


def expected_rows(table: str, revision: str) -> list[tuple[Any, ...]]:
    """The rows of ``table`` in the fixture of ``revision`` as stored (signed sessions signed)."""
    rows = []
    for row in rows_at(revision)[table]:
        stored = dict(row)
        if table == "sessions" and row["id"] in SIGNED:
            stored.update(
                status="signed",
                signed_by=make_fixtures.PRACTITIONER,
                signed_at=SIGNED[row["id"]],
            )
        rows.append(tuple(stored.values()))
    return sorted(rows, key=repr)


def assert_rows_intact(journal: Path, revision: str) -> None:
    """Every row the fixture of ``revision`` was written with, in every column it had."""
    for table, rows in rows_at(revision).items():
        assert rows_of(journal, table, list(rows[0])) == expected_rows(table, revision), table


def test_there_is_a_fixture_for_every_released_schema_and_each_is_at_its_revision() -> None:
    # A new migration needs a fixture of its own before it ships.
    assert RELEASED[-1] == HEAD_REVISION
    for revision in RELEASED:
        assert known_revision(revision)
        path = FIXTURES / f"schema-{revision}.sqlite3"
        assert revision_of(path) == revision
        # Every table of that schema holds rows, so every table's migration is exercised.
        connection = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
        try:
            tables = [
                str(row[0])
                for row in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%'"
                )
            ]
            for table in tables:
                count = connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                assert (count == 0) == (table in EMPTY_ON_PURPOSE), f"{path.name}: {table}"
        finally:
            connection.close()
        filled = [table for table in tables if table not in EMPTY_ON_PURPOSE]
        assert sorted([*rows_at(revision), "alembic_version"]) == sorted(filled)


@pytest.mark.parametrize("revision", OLDER)
def test_a_released_journal_migrates_to_the_newest_schema_with_every_row_intact(
    revision: str, tmp_path: Path
) -> None:
    journal = fixture_copy(revision, tmp_path)
    backups = tmp_path / "backups"

    db = open_database(database_url(journal), create=False, backup_folder=backups)
    try:
        assert current_revision(db.engine) == head_revision()
        # Every row of every table, every column the old schema had, unchanged.
        assert_rows_intact(journal, revision)

        # And the app reads them: patients, their history in order, a whole signed session.
        patients = {p.id: p for p in list_patients(db, include_archived=True)}
        assert len(patients) == 2
        overview = patient_overview(db, uuid.UUID(PATIENT))
        assert overview.patient.name == "Åse Bjørnstad"
        assert overview.patient.address == "Storgata 1\n0155 Oslo"
        assert [s.id for s in overview.history] == [
            uuid.UUID(DST_SESSION),
            uuid.UUID(SIGNED_SESSION),
        ]
        session = get_session(db, uuid.UUID(SIGNED_SESSION))
        assert session.status is SessionStatus.SIGNED
        assert session.started_at == datetime(2025, 1, 6, 8, 30, tzinfo=UTC)
        assert session.time_zone == "Europe/Oslo"
        assert [n.point for n in session.needles] == ["GB30", "GB34", "EX-B2"]
        assert session.needles[2].side is Side.BILATERAL
        assert session.needles[2].spinal_level == "L5"
        assert session.needles[1].stimulation.frequency_high_hz == 100.0
        assert [e.category for e in session.adverse_events] == [
            AdverseEventCategory.BLEEDING_BRUISING
        ]
        assert [a.text for a in session.amendments] == ["Patient called: no soreness the next day."]
        if revision >= "0003":
            [intake] = intakes_of_patient(db, uuid.UUID(PATIENT))
            assert intake.id == uuid.UUID(INTAKE)
            assert intake.screening.cautions == (Caution.ANTICOAGULANTS,)
            assert intake.unreadable == {"onset_date": "tidlig i desember"}
            assert [r.decision for r in intake.reviews] == [ReviewDecision.ACCEPT_WITH_CAUTION]
    finally:
        db.dispose()

    # The journal as it was is kept as a checked backup named with its old revision.
    [backup] = sorted(backups.glob(f"journal-schema-{revision}-*.sqlite3"))
    assert db.pre_migration_backup == backup
    assert revision_of(backup) == revision
    assert verify_backup(backup).ok
    assert_rows_intact(backup, revision)
    manifest = json.loads((backups / MANIFEST_NAME).read_text(encoding="utf-8"))
    [entry] = manifest["backups"]
    assert entry["file"] == backup.name
    assert entry["verified"] is True


def test_opening_a_journal_at_the_newest_schema_makes_no_migration_backup(
    tmp_path: Path,
) -> None:
    journal = fixture_copy(OLDER[-1], tmp_path)
    backups = tmp_path / "backups"
    open_database(database_url(journal), backup_folder=backups).dispose()
    reopened = open_database(database_url(journal), backup_folder=backups)
    reopened.dispose()
    assert reopened.pre_migration_backup is None
    assert len(list(backups.glob("journal-schema-*.sqlite3"))) == 1


def fail_at_head(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the last migration step (the one reaching head) raise after doing its work."""
    original_init = RevisionStep.__init__
    head = head_revision()

    def init(step: RevisionStep, *args: Any, **kwargs: Any) -> None:
        original_init(step, *args, **kwargs)
        if not (step.is_upgrade and step.revision.revision == head):
            return
        work = step.migration_fn

        def fail(**options: Any) -> None:
            work(**options)
            raise RuntimeError("simulated failure in the newest migration")

        step.migration_fn = fail

    monkeypatch.setattr(RevisionStep, "__init__", init)


@pytest.mark.parametrize("revision", OLDER)
def test_a_failed_migration_leaves_the_journal_untouched(
    revision: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal = fixture_copy(revision, tmp_path)
    before = journal.read_bytes()
    fail_at_head(monkeypatch)

    with pytest.raises(DatabaseOpenError) as raised:
        open_database(database_url(journal), create=False, backup_folder=tmp_path / "backups")

    message = str(raised.value)
    assert message.startswith(f"Cannot bring the journal at {journal} up to date (schema ")
    assert f"schema {revision} to {head_revision()}" in message
    assert "simulated failure in the newest migration" in message
    assert "The journal was left as it was; a copy made before the attempt is " in message
    assert journal.read_bytes() == before
    assert not Path(f"{journal}-wal").exists()
    assert revision_of(journal) == revision
    assert_rows_intact(journal, revision)

    # Without the failure, the same journal upgrades normally afterwards.
    monkeypatch.undo()
    db = open_database(database_url(journal), backup_folder=tmp_path / "backups")
    db.dispose()
    assert revision_of(journal) == head_revision()


def test_a_journal_is_not_upgraded_when_its_backup_cannot_be_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal = fixture_copy(RELEASED[0], tmp_path)
    before = journal.read_bytes()
    blocked = tmp_path / "not a folder"
    blocked.write_text("a file where the backup folder should be")

    with pytest.raises(DatabaseOpenError, match="the backup made before upgrading failed"):
        open_database(database_url(journal), backup_folder=blocked)
    assert journal.read_bytes() == before
    assert revision_of(journal) == RELEASED[0]


def test_a_journal_from_a_newer_version_is_refused_and_left_alone(tmp_path: Path) -> None:
    journal = fixture_copy(RELEASED[-1], tmp_path)
    raw = sqlite3.connect(journal)
    raw.execute("UPDATE alembic_version SET version_num = '9999'")
    raw.commit()
    raw.close()
    before = journal.read_bytes()

    with pytest.raises(DatabaseOpenError, match=r"written by a newer AcuJournal \(schema 9999\)"):
        open_database(database_url(journal), backup_folder=tmp_path / "backups")
    assert journal.read_bytes() == before
    assert not (tmp_path / "backups").exists()


@pytest.mark.skipif(not encryption_available(), reason="SQLCipher is not installed")
def test_an_encrypted_journal_is_backed_up_encrypted_before_its_upgrade(tmp_path: Path) -> None:
    journal = fixture_copy(RELEASED[0], tmp_path)
    encrypt_journal(journal, "a good passphrase")
    backups = tmp_path / "backups"
    db = open_database(database_url(journal), passphrase="a good passphrase", backup_folder=backups)
    db.dispose()
    backup = db.pre_migration_backup
    assert backup is not None
    assert backup.name.startswith(f"journal-schema-{RELEASED[0]}-")
    assert backup.read_bytes()[:16] != b"SQLite format 3\x00"
    check = verify_backup(backup, passphrase="a good passphrase")
    assert check.ok
    assert check.revision == RELEASED[0]


def test_the_known_head_is_alembics_head() -> None:
    # Opening a journal compares its revision with HEAD_REVISION without loading Alembic; a
    # new migration must move HEAD_REVISION along, or journals would not be upgraded.
    assert head_revision() == HEAD_REVISION


def test_a_journal_at_head_is_recognised_without_alembic(tmp_path: Path) -> None:
    db = open_database(database_url(tmp_path / "j.sqlite3"))
    try:
        assert schema_is_current(db.engine)
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '0003'"))
        assert not schema_is_current(db.engine)
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE alembic_version"))
        assert not schema_is_current(db.engine)
    finally:
        db.dispose()
