"""Use cases around backups: back up now, back up when due, list, restore.

Backups of a SQLite journal go to ``user_data_dir()/backups`` unless a folder is given; each
backup file is named after its journal, so several journals (the demo clinic and a real one)
can share the folder without their rotations touching each other.

A journal on a PostgreSQL server is backed up by the server (``pg_dump``, or whatever the
server's administrator runs): copying a server database is not something a client can do
consistently, so these use cases refuse it with ``SERVER_BACKUP_REFUSAL``.
"""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path

from acujournal.services.unit_of_work import utc_now
from acujournal.storage.backup import (
    BACKUP_INTERVAL,
    BackupError,
    BackupRecord,
    RestoreResult,
    backup_due,
    create_backup,
    file_sha256,
    list_backups,
    record_backup,
    restore_backup,
    rotate_backups,
    verify_backup,
)
from acujournal.storage.db import Database, default_backup_folder

__all__ = [
    "SERVER_BACKUP_REFUSAL",
    "BackupError",
    "BackupRecord",
    "RestoreResult",
    "back_up_if_due",
    "back_up_journal",
    "back_up_journal_file",
    "backup_is_intact",
    "default_backup_folder",
    "journal_backups",
    "journal_path",
    "lock_holder",
    "newest_good_backup",
    "restore_journal",
]

SERVER_BACKUP_REFUSAL = (
    "Backups of a PostgreSQL server database are the server's job: "
    "use pg_dump or the server's own backup tools."
)


def journal_path(db: Database) -> Path:
    """The file of an open SQLite journal; BackupError for a server database."""
    if not db.is_sqlite:
        raise BackupError(SERVER_BACKUP_REFUSAL)
    return Path(str(db.engine.url.database))


def back_up_journal(
    db: Database, folder: Path | None = None, now: datetime | None = None
) -> BackupRecord:
    """Back up the open journal now (safe while it is in use), check it, record it, rotate.

    Raises BackupError when no backup could be written, or when the backup was written but
    failed its check (the failure is recorded in the manifest, so it shows in the list).
    An encrypted journal is backed up encrypted with its passphrase.
    """
    return back_up_journal_file(journal_path(db), folder, now, passphrase=db.passphrase)


def back_up_journal_file(
    journal: Path,
    folder: Path | None = None,
    now: datetime | None = None,
    *,
    passphrase: str | None = None,
) -> BackupRecord:
    """Back up the SQLite journal file at ``journal`` (open elsewhere or not), as above.

    An encrypted journal needs its ``passphrase``.
    """
    folder = folder if folder is not None else default_backup_folder()
    record = create_backup(journal, folder, now or utc_now(), passphrase=passphrase)
    record_backup(record)
    if not record.verified:
        raise BackupError(
            f"The backup {record.path} was written but failed its check: {record.problem}."
        )
    rotate_backups(folder, journal, zone=_local_zone())
    return record


def back_up_if_due(
    db: Database,
    folder: Path | None = None,
    now: datetime | None = None,
    interval: timedelta = BACKUP_INTERVAL,
) -> BackupRecord | None:
    """The "daily while open" backup: make one when the last good one is a day old.

    For a timer in the app (every hour or so) and on close; returns None when none was due,
    and also for a server database, whose backups are the server's job.
    """
    if not db.is_sqlite:
        return None
    folder = folder if folder is not None else default_backup_folder()
    now = now or utc_now()
    newest = newest_good_backup(journal_path(db), folder)
    if not backup_due(newest.created_at if newest else None, now, interval):
        return None
    return back_up_journal(db, folder, now)


def journal_backups(journal: Path, folder: Path | None = None) -> list[BackupRecord]:
    """The backups of a journal with the result of their check, newest first."""
    return list_backups(folder if folder is not None else default_backup_folder(), journal)


def newest_good_backup(journal: Path, folder: Path | None = None) -> BackupRecord | None:
    """The newest backup whose check passed and whose file is still there.

    This is what to offer when the journal is found damaged at start-up.
    """
    for record in journal_backups(journal, folder):
        if record.verified and record.path.is_file():
            return record
    return None


def restore_journal(
    backup: Path, journal: Path, now: datetime | None = None, *, passphrase: str | None = None
) -> RestoreResult:
    """Replace the journal with a backup, after checking it; the current files are kept aside.

    The journal must not be open: close the database first. Refused while another AcuJournal
    process holds the journal's lock, for a backup that fails its integrity check, for one
    that failed its check when it was made or whose content changed since (when its folder's
    manifest knows it), and for a backup from a newer AcuJournal (unknown schema). An
    encrypted backup is checked with ``passphrase`` (the one the journal had when the backup
    was made) and restored encrypted.
    """
    holder = lock_holder(journal)
    if holder is not None:
        raise BackupError(
            f"The journal {journal} is open in AcuJournal {holder}; close it before restoring."
        )
    record = _manifest_entry(backup)
    if record is not None:
        if not record.verified:
            raise BackupError(
                f"The backup {backup.name} failed its check when it was made ({record.problem}); "
                "choose another one."
            )
        verification = verify_backup(
            backup,
            expected_counts=record.counts,
            expected_sha256=record.sha256,
            passphrase=passphrase,
        )
    else:
        verification = verify_backup(backup, passphrase=passphrase)
    if not verification.ok:
        raise BackupError(f"The backup {backup.name} cannot be restored: {verification.problem}.")
    if verification.revision is None or not _known_revision(verification.revision):
        raise BackupError(
            f"The backup {backup.name} is not an AcuJournal journal this version can open "
            f"(schema {verification.revision or 'missing'})."
        )
    return restore_backup(backup, journal, now or utc_now(), passphrase=passphrase)


def lock_holder(journal: Path) -> str | None:
    """Who holds the journal's lock file, when it is a live process other than this one.

    The app takes the lock with Qt's QLockFile (``<journal>.lock``: pid, program name and host
    on the first three lines); the command line reads it without Qt. A lock whose process is
    gone is not a holder.
    """
    try:
        lines = Path(f"{journal}.lock").read_text(encoding="utf-8", errors="replace").splitlines()
        pid = int(lines[0])
    except (OSError, ValueError, IndexError):
        return None
    host = lines[2] if len(lines) > 2 else ""
    if host and host != socket.gethostname():
        return f"on the computer {host} (process {pid})"
    if pid == os.getpid() or not _process_alive(pid):
        return None
    return f"on this computer (process {pid})"


def _process_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if os.name != "posix":  # pragma: no cover - os.kill(pid, 0) terminates it on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists but belongs to someone else
    return True


def _manifest_entry(backup: Path) -> BackupRecord | None:
    for record in list_backups(backup.parent):
        if record.file == backup.name and record.sha256:
            return record
    return None


def _known_revision(revision: str) -> bool:
    from acujournal.storage.migrate import known_revision  # Alembic: only for a restore

    return known_revision(revision)


def _local_zone() -> tzinfo:
    # Rotation counts days as the clinic lives them, not in UTC.
    return datetime.now().astimezone().tzinfo or UTC


def backup_is_intact(record: BackupRecord, passphrase: str | None = None) -> bool:
    """Check a recorded backup again now (hash, integrity, counts); for a "check backups" view.

    An encrypted backup needs its ``passphrase``.
    """
    if not record.path.is_file() or not record.verified:
        return False
    if record.sha256 and file_sha256(record.path) != record.sha256:
        return False
    return verify_backup(record.path, expected_counts=record.counts, passphrase=passphrase).ok
