"""A full disk or a read-only location: a clear message, nothing half-written, nothing lost.

A full disk is simulated two ways: with SQLite's ``max_page_count`` (the journal may not grow
past a few more pages), and with a file size limit in a child process (writes past it fail
as on a full disk). A read-only location is a journal its user may read but not write, or a
folder nobody may create the write-ahead log in; the superuser may write anywhere, so those
run as the user "nobody" in a child process.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import sqlite3
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from acujournal.services.sessions import get_session, record_session
from acujournal.storage.db import (
    DISK_ERROR,
    DISK_FULL,
    READ_ONLY,
    Database,
    DatabaseOpenError,
    DiskFullError,
    JournalWriteError,
    ReadOnlyJournalError,
    database_url,
    open_database,
)
from acujournal.storage.repository import NotFoundError
from tests.builders import Journal, make_journal, make_session
from tests.storage.test_backup import run_in_child, world_readable_folder

# A full disk and a read-only file are SQLite's, on this computer; a server reports its own.
pytestmark = pytest.mark.sqlite_only


def session_ids(path: Path) -> set[str]:
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return {str(row[0]) for row in connection.execute("SELECT id FROM sessions")}
    finally:
        connection.close()


def integrity(path: Path) -> list[str]:
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return [str(r[0]) for r in connection.execute("PRAGMA integrity_check")]
    finally:
        connection.close()


def limit_pages(db: Database, extra_pages: int) -> None:
    """From now on the journal may grow by ``extra_pages`` pages at most (a nearly full disk)."""
    with db.engine.connect() as connection:
        pages = int(connection.exec_driver_sql("PRAGMA page_count").scalar_one())

    def cap(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages + extra_pages}")

    db.engine.dispose()
    event.listen(db.engine, "connect", cap)


def big_session(journal: Journal, day: int) -> Any:
    session = make_session(journal, days_later=day)
    session.notes.subjective = f"day {day}: " + "x" * 20_000
    return session


def test_a_full_disk_refuses_the_save_with_a_clear_message_and_keeps_earlier_data(
    db: Database, db_path: Path
) -> None:
    journal = make_journal(db)
    saved = [record_session(db, big_session(journal, day)) for day in range(3)]
    limit_pages(db, extra_pages=8)

    day = 3
    failure: BaseException | None = None
    while failure is None and day < 50:  # each session needs pages; the limit comes quickly
        try:
            saved.append(record_session(db, big_session(journal, day)))
            day += 1
        except DiskFullError as error:
            failure = error
    assert failure is not None
    assert str(failure) == DISK_FULL
    assert isinstance(failure, JournalWriteError)

    # The session that did not fit is not there, not even in part; the others are whole.
    failed = big_session(journal, day)
    with pytest.raises(NotFoundError):
        get_session(db, failed.id)
    for session in saved:
        stored = get_session(db, session.id)
        assert stored.notes.subjective == session.notes.subjective
        assert len(stored.needles) == len(session.needles)
    db.dispose()
    assert integrity(db_path) == ["ok"]
    assert session_ids(db_path) == {s.id.hex for s in saved}

    # Once there is room again, the same session saves.
    roomy = open_database(database_url(db_path))
    try:
        record_session(roomy, failed)
        assert get_session(roomy, failed.id).notes.subjective == failed.notes.subjective
    finally:
        roomy.dispose()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs RLIMIT_FSIZE and fork")
def test_a_disk_that_fills_up_while_saving_rolls_the_session_back(
    db: Database, db_path: Path
) -> None:
    journal = make_journal(db)
    first = record_session(db, big_session(journal, 0))
    db.dispose()
    attempt = big_session(journal, 1)
    attempt.notes.subjective = "y" * 400_000

    def save_with_little_room() -> str:
        # Files may not grow past 40 kB beyond the journal's current size: the session's
        # pages do not fit into the write-ahead log.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        child = open_database(database_url(db_path))
        limit = db_path.stat().st_size + 40_000
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        record_session(child, attempt)
        return "saved"

    code, message = run_in_child(save_with_little_room)
    assert code == 3, message
    assert message in (f"DiskFullError: {DISK_FULL}", f"DiskError: {DISK_ERROR}"), message
    reopened = open_database(database_url(db_path))
    try:
        assert get_session(reopened, first.id).notes.subjective == first.notes.subjective
        with pytest.raises(NotFoundError):
            get_session(reopened, attempt.id)
    finally:
        reopened.dispose()
    assert integrity(db_path) == ["ok"]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_read_only_journal_refuses_saves_clearly_and_stays_intact(
    db: Database, db_path: Path
) -> None:
    journal = make_journal(db)
    kept = record_session(db, make_session(journal))
    db.dispose()
    with world_readable_folder() as shared:
        source = shared / "journal.sqlite3"
        shutil.copyfile(db_path, source)
        source.chmod(0o644)  # the superuser's file: others may read it, not write it
        before = source.read_bytes()
        attempt = make_session(journal, days_later=1)

        def save_as_someone_else() -> str:
            become_nobody()
            child = open_database(database_url(source))
            assert get_session(child, kept.id).id == kept.id  # reading works
            record_session(child, attempt)
            return "saved"

        code, message = run_in_child(save_as_someone_else)
        assert code == 3, message
        assert message == f"ReadOnlyJournalError: {READ_ONLY}"
        assert source.read_bytes() == before
        assert session_ids(source) == {kept.id.hex}


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_journal_in_a_read_only_folder_is_refused_with_the_reason(
    db: Database, db_path: Path
) -> None:
    make_journal(db)
    db.dispose()
    with world_readable_folder() as shared:
        folder = shared / "read-only"
        folder.mkdir()
        source = folder / "journal.sqlite3"
        shutil.copyfile(db_path, source)
        source.chmod(0o666)  # even a writable file needs its folder for the log
        folder.chmod(0o555)
        before = source.read_bytes()

        def open_as_someone_else() -> str:
            become_nobody()
            open_database(database_url(source))
            return "opened"

        code, message = run_in_child(open_as_someone_else)
        assert code == 3, message
        assert message == (
            f"DatabaseOpenError: Cannot open the journal at {source}: its folder is read-only, "
            "and SQLite needs to keep its write-ahead log beside the journal."
        )
        assert source.read_bytes() == before
        assert sorted(p.name for p in folder.iterdir()) == ["journal.sqlite3"]


def test_a_new_journal_in_a_read_only_place_is_refused_with_the_reason(tmp_path: Path) -> None:
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("")
    with pytest.raises(DatabaseOpenError, match=r"Cannot create the folder .*: not a directory"):
        open_database(database_url(blocked / "journal.sqlite3"))


def become_nobody() -> None:
    if os.geteuid() == 0:
        os.setgid(65534)
        os.setuid(65534)


def test_write_errors_are_not_mistaken_for_other_errors(db: Database) -> None:
    # A constraint failure is still the integrity error it was, not a "disk" problem.
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), db.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO needles (session_id, position, point, side, description, "
            "needle_brand, method, waveform, response_sought) VALUES (?, 0, 'BL40', 'left', "
            "'', '', 'manual', '', 'deqi')",
            (uuid.uuid4().hex,),
        )
    assert not issubclass(ReadOnlyJournalError, DiskFullError)
