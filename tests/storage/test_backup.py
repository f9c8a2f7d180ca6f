"""Backups: made online, checked, recorded, rotated, restored; failures leave nothing behind."""

from __future__ import annotations

import contextlib
import json
import os
import resource
import shutil
import signal
import sqlite3
import sys
import tempfile
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_mock_engine
from sqlalchemy.orm import sessionmaker

from acujournal.domain.model import TreatmentSession
from acujournal.services.backups import (
    SERVER_BACKUP_REFUSAL,
    back_up_if_due,
    back_up_journal,
    back_up_journal_file,
    journal_backups,
    newest_good_backup,
    restore_journal,
)
from acujournal.services.questionnaires import add_questionnaire_file
from acujournal.services.sessions import get_session, record_session, sign_session
from acujournal.storage.backup import (
    MANIFEST_NAME,
    BackupError,
    backup_due,
    backups_to_keep,
    create_backup,
    file_sha256,
    list_backups,
    read_manifest,
    record_backup,
    rotate_backups,
)
from acujournal.storage.db import Database, database_url, open_database
from tests.builders import Journal, make_journal, make_session
from tests.services.intake_answers import NECK_PAIN_FILE

# Backups copy the SQLite file; a journal on PostgreSQL is backed up with the server's tools.
pytestmark = pytest.mark.sqlite_only

NOW = datetime(2026, 3, 9, 17, 45, 12, tzinfo=UTC)


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, sorted, for comparing two journals."""
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        names = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            name: sorted(connection.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)
            for name in names
        }
    finally:
        connection.close()


def session_count(path: Path) -> int:
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return int(connection.execute("SELECT count(*) FROM sessions").fetchone()[0])
    finally:
        connection.close()


@dataclass
class FilledJournal(Journal):
    sessions: list[TreatmentSession]


@pytest.fixture
def journal(db: Database) -> FilledJournal:
    """A journal with three signed sessions of eight points each."""
    base = make_journal(db)
    journal = FilledJournal(base.db, base.practitioner, base.patient, base.case, [])
    for day in range(3):
        session = make_session(journal, days_later=day)
        journal.sessions.append(sign_session(db, session, journal.practitioner.id))
    return journal


@pytest.fixture
def backups(tmp_path: Path) -> Path:
    return tmp_path / "backups"


def test_a_backup_is_a_checked_self_contained_copy_recorded_in_the_manifest(
    db: Database, db_path: Path, journal: FilledJournal, backups: Path
) -> None:
    add_questionnaire_file(db, NECK_PAIN_FILE)
    record = back_up_journal(db, backups, now=NOW)

    assert record.path == backups / "journal-20260309T174512Z.sqlite3"
    assert record.verified
    assert record.problem is None
    assert record.counts["sessions"] == 3
    assert record.counts["needles"] == 3 * 8
    assert record.counts["questionnaires"] == 1
    assert record.sha256 == file_sha256(record.path)
    assert record.size == record.path.stat().st_size
    # One file: the copy left WAL mode, so no -wal is needed to read it.
    assert sorted(p.name for p in backups.iterdir()) == sorted([MANIFEST_NAME, record.file])
    assert record.path.read_bytes()[18:20] == b"\x01\x01"
    db.dispose()
    assert dump(record.path) == dump(db_path)

    manifest = json.loads((backups / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["format"] == "acujournal-backups/1"
    [entry] = manifest["backups"]
    assert entry["file"] == record.file
    assert entry["created_at"] == "2026-03-09T17:45:12Z"
    assert entry["verified"] is True
    assert entry["sha256"] == record.sha256
    assert entry["counts"]["sessions"] == 3


def test_an_online_backup_while_sessions_are_written_restores_the_snapshot_it_took(
    db: Database, db_path: Path, journal: FilledJournal, backups: Path, tmp_path: Path
) -> None:
    committed: list[uuid.UUID] = []
    progress = threading.Condition()
    stop = threading.Event()
    failures: list[BaseException] = []

    def writer() -> None:
        try:
            day = 10
            while not stop.is_set():
                session = make_session(journal, days_later=day)
                session.notes.subjective = "x" * 2000
                record_session(db, session)
                with progress:
                    committed.append(session.id)
                    progress.notify_all()
                day += 1
        except BaseException as error:  # reported by the test thread
            failures.append(error)
            with progress:
                progress.notify_all()

    def wait_for(count: int) -> None:
        with progress:
            assert progress.wait_for(lambda: len(committed) >= count or failures, timeout=60)
        assert not failures

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        wait_for(5)
        record = back_up_journal(db, backups, now=NOW)
        at_backup = len(committed)
        wait_for(at_backup + 5)
    finally:
        stop.set()
        thread.join(timeout=60)
    assert not failures

    assert record.verified
    in_backup = record.counts["sessions"] - 3
    # The snapshot holds a prefix of what the writer committed, taken while it kept going.
    assert 5 <= in_backup <= at_backup + 1
    assert session_count(db_path) > record.counts["sessions"]

    clean_install = tmp_path / "new-computer" / "journal.sqlite3"
    restore_journal(record.path, clean_install, now=NOW)
    restored = open_database(database_url(clean_install), create=False)
    try:
        expected = {s.id for s in journal.sessions} | set(committed[:in_backup])
        assert session_ids(restored) == expected
        for session_id in committed[:in_backup]:
            assert get_session(restored, session_id) == get_session(db, session_id)
    finally:
        restored.dispose()


def session_ids(db: Database) -> set[uuid.UUID]:
    with db.engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT id FROM sessions").fetchall()
    return {uuid.UUID(hex=row[0]) for row in rows}


def test_restore_keeps_the_current_journal_and_its_log_aside(
    db: Database, db_path: Path, journal: FilledJournal, backups: Path
) -> None:
    record = back_up_journal(db, backups, now=NOW)
    sign_session(db, make_session(journal, days_later=30), journal.practitioner.id)
    db.dispose()
    newer = db_path.read_bytes()
    # Leftovers of a crash: a log beside the journal must go aside with it, or SQLite would
    # replay it into the restored file.
    Path(f"{db_path}-wal").write_bytes(b"log of the replaced journal")
    Path(f"{db_path}-shm").write_bytes(b"index of the replaced journal")

    result = restore_journal(record.path, db_path, now=NOW + timedelta(hours=1))

    aside = db_path.with_name("journal.before-restore-20260309T184512Z.sqlite3")
    assert result.set_aside == (Path(f"{aside}-wal"), Path(f"{aside}-shm"), aside)
    assert aside.read_bytes() == newer
    assert Path(f"{aside}-wal").read_bytes() == b"log of the replaced journal"
    assert Path(f"{aside}-shm").read_bytes() == b"index of the replaced journal"
    assert not Path(f"{db_path}-wal").exists()
    assert not Path(f"{db_path}-shm").exists()
    assert db_path.read_bytes() == record.path.read_bytes()
    assert session_count(db_path) == 3
    reopened = open_database(database_url(db_path), create=False)
    reopened.dispose()


def test_a_damaged_backup_is_refused_and_the_journal_left_alone(
    db: Database, db_path: Path, journal: FilledJournal, backups: Path
) -> None:
    record = back_up_journal(db, backups, now=NOW)
    db.dispose()
    before = db_path.read_bytes()
    data = bytearray(record.path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    record.path.write_bytes(bytes(data))

    with pytest.raises(BackupError, match="content changed since it was made"):
        restore_journal(record.path, db_path, now=NOW)
    assert db_path.read_bytes() == before
    assert sorted(p.name for p in db_path.parent.iterdir() if p.is_file()) == [db_path.name]


def test_a_backup_not_in_a_manifest_is_restored_after_its_integrity_check(
    db: Database, journal: FilledJournal, backups: Path, tmp_path: Path
) -> None:
    record = back_up_journal(db, backups, now=NOW)
    carried = tmp_path / "usb-stick" / "journal copy.sqlite3"
    carried.parent.mkdir()
    carried.write_bytes(record.path.read_bytes())
    target = tmp_path / "elsewhere" / "journal.sqlite3"
    restore_journal(carried, target, now=NOW)
    assert session_count(target) == 3

    carried.write_bytes(b"not a journal at all" * 100)
    with pytest.raises(BackupError, match="cannot be restored"):
        restore_journal(carried, tmp_path / "elsewhere2" / "journal.sqlite3", now=NOW)


def test_restore_is_refused_while_another_live_process_holds_the_journal(
    db: Database, db_path: Path, journal: FilledJournal, backups: Path
) -> None:
    record = back_up_journal(db, backups, now=NOW)
    db.dispose()
    import socket

    # pid 1 is always alive; the format is QLockFile's: pid, program, host.
    Path(f"{db_path}.lock").write_text(f"1\nacujournal\n{socket.gethostname()}\n")
    before = db_path.read_bytes()
    with pytest.raises(BackupError, match=r"is open in AcuJournal on this computer \(process 1\)"):
        restore_journal(record.path, db_path, now=NOW)
    assert db_path.read_bytes() == before


def test_a_failed_check_is_recorded_with_its_reason_and_never_restored(
    db: Database, db_path: Path, journal: FilledJournal, backups: Path
) -> None:
    db.dispose()
    # A needle pointing at a session that does not exist: written with foreign keys off, as
    # a faulty tool might.
    raw = sqlite3.connect(db_path)
    raw.execute("PRAGMA foreign_keys = OFF")
    raw.execute(
        "INSERT INTO needles (session_id, position, point, side, description, needle_brand, "
        "method, waveform, response_sought) VALUES ('0123456789abcdef0123456789abcdef', 0, "
        "'BL40', 'left', '', '', 'manual', '', 'deqi')"
    )
    raw.commit()
    raw.close()

    with pytest.raises(BackupError, match="failed its check: 1 row points at a missing row"):
        back_up_journal_file(db_path, backups, now=NOW)
    [listed] = journal_backups(db_path, backups)
    assert not listed.verified
    assert listed.problem is not None
    assert "needles" in listed.problem
    assert newest_good_backup(db_path, backups) is None
    with pytest.raises(BackupError, match="failed its check when it was made"):
        restore_journal(listed.path, db_path, now=NOW)


def test_a_server_database_is_not_backed_up_here(backups: Path) -> None:
    engine = create_mock_engine("postgresql+psycopg://clinic@server/journal", lambda *a, **k: None)
    server = Database(engine=engine, sessions=sessionmaker())  # type: ignore[arg-type]
    with pytest.raises(BackupError) as raised:
        back_up_journal(server, backups)
    assert str(raised.value) == SERVER_BACKUP_REFUSAL
    assert "pg_dump" in SERVER_BACKUP_REFUSAL
    assert back_up_if_due(server, backups) is None
    assert not backups.exists()


def test_backups_when_due_daily_while_open(
    db: Database, journal: FilledJournal, backups: Path
) -> None:
    first = back_up_if_due(db, backups, now=NOW)
    assert first is not None
    assert back_up_if_due(db, backups, now=NOW + timedelta(hours=23)) is None
    second = back_up_if_due(db, backups, now=NOW + timedelta(hours=24))
    assert second is not None
    assert [r.file for r in journal_backups(Path(str(db.engine.url.database)), backups)] == [
        second.file,
        first.file,
    ]


def test_backup_due() -> None:
    assert backup_due(None, NOW)
    assert not backup_due(NOW - timedelta(hours=23, minutes=59), NOW)
    assert backup_due(NOW - timedelta(days=1), NOW)
    assert backup_due(NOW + timedelta(days=3), NOW)  # the clock was set back


def test_two_backups_in_the_same_second_get_different_names(
    db: Database, db_path: Path, journal: FilledJournal, backups: Path
) -> None:
    first = back_up_journal(db, backups, now=NOW)
    second = back_up_journal(db, backups, now=NOW)
    assert first.file == "journal-20260309T174512Z.sqlite3"
    assert second.file == "journal-20260309T174512Z-2.sqlite3"
    # Rotation keeps one backup per second's twins: the later one.
    assert [r.file for r in journal_backups(db_path, backups)] == [second.file]


# Failures leave nothing behind ----------------------------------------------------------------


def run_in_child(work: object) -> tuple[int, str]:
    """Run ``work()`` in a forked child; (exit status, what it wrote) once it has ended."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(read_end)
        code = 0
        try:
            message = str(work())  # type: ignore[operator]
        except BaseException as error:
            message, code = f"{type(error).__name__}: {error}", 3
        os.write(write_end, message.encode())
        os._exit(code)
    os.close(write_end)
    chunks = []
    while chunk := os.read(read_end, 65536):
        chunks.append(chunk)
    os.close(read_end)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), b"".join(chunks).decode()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs RLIMIT_FSIZE and fork")
def test_a_full_disk_gives_a_clear_error_and_leaves_no_partial_backup(
    db: Database, db_path: Path, journal: FilledJournal, backups: Path
) -> None:
    for day in range(10, 30):
        session = make_session(journal, days_later=day)
        session.notes.subjective = "y" * 5000
        record_session(db, session)
    db.dispose()
    backups.mkdir()
    assert db_path.stat().st_size > 200_000

    def back_up_with_little_room() -> str:
        # Writes past 100 kB fail as they would on a full disk.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))
        create_backup(db_path, backups, NOW)
        return "backed up"

    code, message = run_in_child(back_up_with_little_room)
    assert code == 3
    assert message.startswith(f"BackupError: Cannot back up journal.sqlite3 into {backups}: ")
    assert message.endswith("(is the disk full?).")
    assert list(backups.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_read_only_backup_folder_gives_a_clear_error_and_writes_nothing(
    tmp_path: Path, db: Database, db_path: Path, journal: FilledJournal
) -> None:
    # The superuser may write anywhere, so the attempt runs as "nobody" in a child process;
    # the journal is copied somewhere that user can read.
    db.dispose()
    with world_readable_folder() as shared:
        source = shared / "journal.sqlite3"
        source.write_bytes(db_path.read_bytes())
        source.chmod(0o666)
        read_only = shared / "read-only backups"
        read_only.mkdir()
        read_only.chmod(0o555)

        def back_up_as_someone_else() -> str:
            if os.geteuid() == 0:
                os.setgid(65534)
                os.setuid(65534)
            create_backup(source, read_only, NOW)
            return "backed up"

        code, message = run_in_child(back_up_as_someone_else)
        assert code == 3
        assert message == (
            f"BackupError: Cannot back up journal.sqlite3 into {read_only}: permission denied."
        )
        assert list(read_only.iterdir()) == []


@contextlib.contextmanager
def world_readable_folder() -> Iterator[Path]:
    """A fresh folder under the system's temporary folder that every user may enter."""
    folder = Path(tempfile.mkdtemp(prefix="acujournal-test-"))
    folder.chmod(0o777)
    try:
        yield folder
    finally:
        for path in folder.rglob("*"):
            if path.is_dir():
                path.chmod(0o755)
        shutil.rmtree(folder)


# Rotation -------------------------------------------------------------------------------------


def at(day: str, hour: int = 18) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def test_rotation_keeps_the_newest_backup_of_each_day() -> None:
    moments = [at("2026-03-09", h) for h in (9, 12, 18)] + [at("2026-03-08", 8)]
    assert backups_to_keep(moments) == {at("2026-03-09", 18), at("2026-03-08", 8)}


def test_rotation_of_three_months_of_daily_backups() -> None:
    days = [at("2026-01-01") + timedelta(days=n) for n in range(90)]  # to 2026-03-31
    keep = backups_to_keep(days)
    daily = {at("2026-03-31") - timedelta(days=n) for n in range(7)}  # Mar 25-31
    weekly = {at("2026-03-29"), at("2026-03-22"), at("2026-03-15")}  # Sundays of earlier weeks
    monthly = {at("2026-02-28"), at("2026-01-31")}
    assert keep == daily | weekly | monthly


def test_rotation_counts_days_that_have_backups_not_calendar_days() -> None:
    # A clinic closed for two weeks still keeps its last seven working days.
    before = [at("2026-07-01") + timedelta(days=n) for n in range(4)]
    after = [at("2026-07-20") + timedelta(days=n) for n in range(3)]
    assert backups_to_keep(before + after) == set(before + after)


def test_rotation_keeps_twelve_months_and_no_more() -> None:
    moments = [datetime(2024 + m // 12, m % 12 + 1, 15, tzinfo=UTC) for m in range(30)]
    keep = backups_to_keep(moments)
    assert keep == set(moments[-12:])


def test_rotation_counts_days_in_the_clinics_time_zone() -> None:
    oslo_winter = timezone(timedelta(hours=1))
    late = datetime(2026, 3, 9, 23, 30, tzinfo=UTC)  # 00:30 on the 10th in Oslo
    next_morning = datetime(2026, 3, 10, 7, 0, tzinfo=UTC)
    assert backups_to_keep([late, next_morning], daily=1, weekly=0, monthly=0) == {next_morning}
    assert backups_to_keep(
        [late, next_morning], daily=1, weekly=0, monthly=0, zone=oslo_winter
    ) == {next_morning}
    assert backups_to_keep([late, next_morning], daily=2, weekly=0, monthly=0, zone=UTC) == {
        late,
        next_morning,
    }
    assert backups_to_keep(
        [late, next_morning], daily=2, weekly=0, monthly=0, zone=oslo_winter
    ) == {next_morning}


def test_rotating_deletes_files_and_manifest_entries_but_not_unknown_files(
    db: Database, db_path: Path, journal: FilledJournal, backups: Path
) -> None:
    noon = datetime(2026, 3, 9, 12, 0, tzinfo=UTC)  # a Monday
    made = [back_up_journal(db, backups, now=noon - timedelta(days=n)) for n in range(10, -1, -1)]
    stranger = backups / "journal-20200101T000000Z.sqlite3"
    stranger.write_bytes(made[-1].path.read_bytes())
    other_journal = backups / "demo-clinic-20200101T000000Z.sqlite3"
    other_journal.write_bytes(b"x")

    removed = rotate_backups(backups, db_path)

    # Days: Mar 3-9. Weeks: Mar 9, Mar 8, Mar 1 (Feb 16-22 has none). Months: Mar 9, Feb 28.
    kept = {made[n].file for n in (10, 9, 8, 7, 6, 5, 4, 2, 1)}
    assert {r.file for r in read_manifest(backups)} == kept
    assert removed == []  # each backup already rotated; nothing was left to remove
    assert {p.name for p in backups.iterdir()} == kept | {
        MANIFEST_NAME,
        stranger.name,
        other_journal.name,
    }
    listed = journal_backups(db_path, backups)
    assert [r.file for r in listed][:-1] == sorted(kept, reverse=True)
    assert listed[-1].file == stranger.name
    assert listed[-1].problem == "not in the manifest: never checked"


def test_a_damaged_manifest_is_kept_aside_and_the_next_backup_starts_a_new_one(
    db: Database, journal: FilledJournal, backups: Path
) -> None:
    back_up_journal(db, backups, now=NOW)
    (backups / MANIFEST_NAME).write_text("{ not json", encoding="utf-8")
    record = back_up_journal(db, backups, now=NOW + timedelta(days=1))
    assert [r.file for r in read_manifest(backups)] == [record.file]
    assert list(backups.glob(f"{MANIFEST_NAME}.damaged-*"))


def test_a_listed_backup_whose_file_has_gone_says_so(
    db: Database, db_path: Path, journal: FilledJournal, backups: Path
) -> None:
    record = back_up_journal(db, backups, now=NOW)
    record_backup(record)
    record.path.unlink()
    [listed] = list_backups(backups, db_path)
    assert not listed.verified
    assert listed.problem == "the backup file is missing"
