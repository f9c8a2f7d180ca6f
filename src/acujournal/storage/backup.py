"""Backups of a SQLite journal: made online, checked, recorded, rotated, restored.

A journal is never copied as a file while it may be open: a copy taken while SQLite writes
can catch half a transaction, and the committed sessions waiting in the ``-wal`` file would be
missed. Backups go through SQLite's online backup API inside one read transaction, so each is a
consistent snapshot even while sessions are being recorded.

Every backup is checked right after it is written: opened read-only, ``integrity_check`` must
say ok, ``foreign_key_check`` must find nothing, and every table must hold as many rows as the
journal held in the snapshot that was copied. The result, with size and SHA-256, goes into
``manifest.json`` beside the backups, so a backup that nobody has restored yet is still known
to be good (or known to be bad, and why).

Restoring never deletes anything: the current journal and its ``-wal``/``-shm`` are moved aside
under a timestamped name, then the checked backup is copied into place and synced to disk.

An encrypted journal is backed up encrypted, with the same passphrase: the online backup API
copies pages between two keyed SQLCipher connections, so no page is ever written in plain
text, and the check opens the copy with the passphrase. Backups, and the folder made for
them, are readable by their owner only.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from acujournal.storage import cipher
from acujournal.storage.file_safety import error_reason, fsync_file, fsync_folder, remove_quietly
from acujournal.storage.private_files import (
    PRIVATE_FILE_MODE,
    create_private_file,
    make_private_folder,
)

MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = "acujournal-backups/1"
PARTIAL_SUFFIX = ".partial"
DEFAULT_SUFFIX = ".sqlite3"
SIDE_FILES = ("-wal", "-shm")
BUSY_TIMEOUT_MS = 10_000
STAMP = "%Y%m%dT%H%M%SZ"
# Rotation: the newest backup of each of the last 7 days, 4 weeks and 12 months that have one.
KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY = 7, 4, 12
BACKUP_INTERVAL = timedelta(days=1)
STALE_PARTIAL_AGE = timedelta(hours=1)


class BackupError(Exception):
    """A backup or restore could not be done; the message says why in one sentence."""


@dataclass(frozen=True, slots=True)
class Verification:
    """What checking a backup file found."""

    ok: bool
    problem: str | None
    counts: dict[str, int]
    revision: str | None = None


@dataclass(frozen=True, slots=True)
class BackupRecord:
    """One backup and what its check found, as kept in the manifest."""

    folder: Path
    file: str
    journal: str
    created_at: datetime
    size: int
    sha256: str
    counts: dict[str, int] = field(default_factory=dict)
    verified: bool = False
    problem: str | None = None

    @property
    def path(self) -> Path:
        return self.folder / self.file

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "journal": self.journal,
            "created_at": self.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "size": self.size,
            "sha256": self.sha256,
            "counts": dict(sorted(self.counts.items())),
            "verified": self.verified,
            "problem": self.problem,
        }

    @classmethod
    def from_json(cls, folder: Path, data: dict[str, Any]) -> BackupRecord:
        created = datetime.strptime(str(data["created_at"]), "%Y-%m-%dT%H:%M:%SZ")
        return cls(
            folder=folder,
            file=str(data["file"]),
            journal=str(data.get("journal", "")),
            created_at=created.replace(tzinfo=UTC),
            size=int(data.get("size", 0)),
            sha256=str(data.get("sha256", "")),
            counts={str(k): int(v) for k, v in dict(data.get("counts", {})).items()},
            verified=bool(data.get("verified", False)),
            problem=None if data.get("problem") is None else str(data["problem"]),
        )


@dataclass(frozen=True, slots=True)
class RestoreResult:
    """Where the restored journal is and where the replaced files were moved."""

    journal: Path
    backup: Path
    set_aside: tuple[Path, ...]


# Names -----------------------------------------------------------------------------------------


def backup_name(journal: Path, moment: datetime, attempt: int = 1, label: str = "") -> str:
    """``journal.sqlite3`` at 09:30:12 UTC -> ``journal-20260115T093012Z.sqlite3``.

    A ``label`` goes before the time (``journal-schema-0002-20260115T093012Z.sqlite3``): such
    a backup is not one of the journal's everyday backups and the rotation leaves it alone.
    """
    stamp = moment.astimezone(UTC).strftime(STAMP)
    extra = f"-{attempt}" if attempt > 1 else ""
    prefix = f"{label}-" if label else ""
    return f"{journal.stem}-{prefix}{stamp}{extra}{journal.suffix or DEFAULT_SUFFIX}"


def backup_time(name: str, journal: Path) -> datetime | None:
    """The UTC time in a backup's file name, or None when it is not a backup of ``journal``."""
    suffix = journal.suffix or DEFAULT_SUFFIX
    pattern = rf"{re.escape(journal.stem)}-(\d{{8}}T\d{{6}}Z)(?:-\d+)?{re.escape(suffix)}"
    match = re.fullmatch(pattern, name)
    if match is None:
        return None
    return datetime.strptime(match.group(1), STAMP).replace(tzinfo=UTC)


# Making a backup -------------------------------------------------------------------------------


def create_backup(
    journal: Path,
    folder: Path,
    now: datetime,
    *,
    passphrase: str | None = None,
    label: str = "",
) -> BackupRecord:
    """Back up the SQLite journal at ``journal`` into ``folder`` and check the copy.

    An encrypted journal needs its ``passphrase``; the backup is encrypted with it. ``label``
    marks a backup made for a reason (see ``backup_name``).

    The copy is written under a temporary ``.partial`` name and only renamed once complete
    and synced, so a crash, a full disk or a read-only folder leaves no file that could pass
    for a backup. The returned record says whether the check passed; it is not yet in the
    manifest (see ``record_backup``). Raises BackupError when no backup could be written.
    """
    if not journal.is_file():
        raise BackupError(f"There is no journal database at {journal} to back up.")
    if passphrase is None and cipher.is_encrypted(journal):
        raise BackupError(
            f"The journal {journal} is encrypted: its passphrase is needed to back it up."
        )
    try:
        make_private_folder(folder)
    except OSError as error:
        reason = error_reason(error)
        raise BackupError(f"Cannot create the backup folder {folder}: {reason}.") from error
    final, partial = _free_name(journal, folder, now, label)
    try:
        # Creating the file first (owner-only) turns a read-only or missing folder into a
        # plain OS error with a reason, instead of SQLite's "unable to open database file".
        create_private_file(partial)
        counts = _copy_snapshot(journal, partial, passphrase)
        fsync_file(partial)
        os.replace(partial, final)
        fsync_folder(folder)
    except cipher.database_errors(OSError, ValueError, cipher.EncryptionUnavailableError) as error:
        remove_quietly(partial, *(Path(f"{partial}{side}") for side in ("-journal", *SIDE_FILES)))
        reason = error_reason(error)
        if isinstance(error, cipher.database_errors()) and "disk" in reason:
            reason += " (is the disk full?)"
        raise BackupError(f"Cannot back up {journal.name} into {folder}: {reason}.") from error
    verification = verify_backup(final, expected_counts=counts, passphrase=passphrase)
    return BackupRecord(
        folder=folder,
        file=final.name,
        journal=str(journal),
        created_at=now.astimezone(UTC).replace(microsecond=0),
        size=final.stat().st_size,
        sha256=file_sha256(final),
        counts=verification.counts or counts,
        verified=verification.ok,
        problem=verification.problem,
    )


def _free_name(journal: Path, folder: Path, now: datetime, label: str = "") -> tuple[Path, Path]:
    attempt = 1
    while True:
        final = folder / backup_name(journal, now, attempt, label)
        partial = folder / f".{final.name}{PARTIAL_SUFFIX}"
        if not final.exists() and not partial.exists():
            return final, partial
        attempt += 1


def _copy_snapshot(journal: Path, target: Path, passphrase: str | None = None) -> dict[str, int]:
    """Copy the journal into ``target``; the row counts of the very snapshot copied."""
    # mode=rw: never create a journal that is not there. isolation_level=None: the explicit
    # BEGIN below is the only transaction.
    source = _connect(f"{journal.resolve().as_uri()}?mode=rw", passphrase)
    try:
        source.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # One read transaction around counting and copying: in WAL mode the backup step
        # reads the same snapshot, however many sessions are committed meanwhile.
        source.execute("BEGIN")
        try:
            counts = table_counts(source)
            destination = _connect(str(target), passphrase, uri=False)
            try:
                source.backup(destination)
                # A backup is one self-contained file: leave WAL mode, which the copy inherits
                # from the journal's header; the app switches a restored journal back on open.
                destination.execute("PRAGMA journal_mode = DELETE")
            finally:
                destination.close()
        finally:
            source.execute("COMMIT")
    finally:
        source.close()
    return counts


def _connect(target: str, passphrase: str | None, *, uri: bool = True) -> Any:
    """A connection to ``target``: plain SQLite, or SQLCipher keyed with ``passphrase``."""
    if passphrase is None:
        return sqlite3.connect(target, uri=uri, isolation_level=None)
    return cipher.connect(target, passphrase, uri=uri, isolation_level=None)


def table_counts(connection: sqlite3.Connection) -> dict[str, int]:
    """Rows per table (SQLite's own tables left out)."""
    names = [
        str(row[0])
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    counts: dict[str, int] = {}
    for name in names:
        quoted = name.replace('"', '""')
        counts[name] = int(connection.execute(f'SELECT count(*) FROM "{quoted}"').fetchone()[0])
    return counts


def verify_backup(
    path: Path,
    *,
    expected_counts: dict[str, int] | None = None,
    expected_sha256: str | None = None,
    passphrase: str | None = None,
) -> Verification:
    """Check a backup file without changing it: integrity, foreign keys, row counts, hash.

    An encrypted backup is checked with its ``passphrase``, each page's HMAC included.
    """
    if not path.is_file():
        return Verification(False, f"the file {path} is missing", {})
    if expected_sha256:
        try:
            actual = file_sha256(path)
        except OSError as error:
            return Verification(False, f"it cannot be read: {error_reason(error)}", {})
        if actual != expected_sha256:
            return Verification(False, "its content changed since it was made", {})
    if passphrase is None and cipher.is_encrypted(path):
        return Verification(False, "it is encrypted: its passphrase is needed to check it", {})
    try:
        connection = _connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", passphrase)
    except (ValueError, cipher.EncryptionUnavailableError) as error:
        return Verification(False, str(error).rstrip("."), {})
    except cipher.database_errors() as error:
        if passphrase is not None and "not a database" in str(error):
            reason = cipher.unreadable_reason(path, passphrase).rstrip(".")
            return Verification(False, reason[:1].lower() + reason[1:], {})
        return Verification(False, f"SQLite cannot open it ({error})", {})
    try:
        if passphrase is not None:
            failing = cipher.page_problems(connection)
            if failing:
                return Verification(False, f"encryption check failed: {failing[0]}", {})
        found = [str(row[0]) for row in connection.execute("PRAGMA integrity_check(5)")]
        if found != ["ok"]:
            return Verification(False, f"integrity check failed: {found[0]}", {})
        orphans = connection.execute("PRAGMA foreign_key_check").fetchall()
        if orphans:
            table, rowid, parent = orphans[0][0], orphans[0][1], orphans[0][2]
            what = (
                "1 row points at a missing row"
                if len(orphans) == 1
                else (f"{len(orphans)} rows point at missing rows")
            )
            return Verification(False, f"{what} (first: {table} row {rowid} -> {parent})", {})
        counts = table_counts(connection)
        revision = _revision(connection, counts)
    except cipher.database_errors() as error:
        return Verification(False, f"SQLite cannot read it ({error})", {})
    finally:
        connection.close()
    if expected_counts is not None and counts != expected_counts:
        differing = sorted(
            name
            for name in set(counts) | set(expected_counts)
            if counts.get(name) != expected_counts.get(name)
        )
        first = differing[0]
        return Verification(
            False,
            f"its row counts differ from the journal's (table {first}: "
            f"{counts.get(first, 0)} instead of {expected_counts.get(first, 0)})",
            counts,
            revision,
        )
    return Verification(True, None, counts, revision)


def _revision(connection: sqlite3.Connection, counts: dict[str, int]) -> str | None:
    if "alembic_version" not in counts:
        return None
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return None if row is None else str(row[0])


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


# The manifest ----------------------------------------------------------------------------------


def read_manifest(folder: Path) -> list[BackupRecord]:
    """The backups recorded in ``folder``'s manifest (none when there is no manifest yet).

    A manifest that cannot be parsed is moved aside (never deleted) and treated as empty, so
    one damaged file does not stop the next backup.
    """
    path = folder / MANIFEST_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [BackupRecord.from_json(folder, entry) for entry in data["backups"]]
    except FileNotFoundError:
        return []
    except (OSError, ValueError, KeyError, TypeError):
        stamp = datetime.now(UTC).strftime(STAMP)
        with contextlib.suppress(OSError):
            os.replace(path, folder / f"{MANIFEST_NAME}.damaged-{stamp}")
        return []


def write_manifest(folder: Path, records: Iterable[BackupRecord]) -> None:
    """Replace the manifest atomically (written beside it, synced, then renamed over it)."""
    ordered = sorted(records, key=lambda r: (r.created_at, r.file))
    document = {"format": MANIFEST_FORMAT, "backups": [r.to_json() for r in ordered]}
    handle, temporary = tempfile.mkstemp(prefix=f".{MANIFEST_NAME}.", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(document, stream, indent=2, ensure_ascii=False)
            stream.write("\n")
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, folder / MANIFEST_NAME)
        fsync_folder(folder)
    except OSError as error:
        remove_quietly(Path(temporary))
        raise BackupError(
            f"Cannot write the backup manifest in {folder}: {error_reason(error)}."
        ) from error


def record_backup(record: BackupRecord) -> None:
    """Add (or replace) one backup's entry in its folder's manifest."""
    records = [r for r in read_manifest(record.folder) if r.file != record.file]
    write_manifest(record.folder, [*records, record])


def list_backups(folder: Path, journal: Path | None = None) -> list[BackupRecord]:
    """The backups in ``folder`` (of ``journal`` only, when given), newest first.

    Backup files that the manifest does not know are listed as not verified; manifest entries
    whose file has gone are listed with that problem.
    """
    records = read_manifest(folder)
    known = {r.file for r in records}
    result: list[BackupRecord] = []
    for record in records:
        if journal is not None and backup_time(record.file, journal) is None:
            continue
        if not record.path.is_file():
            record = _with_problem(record, "the backup file is missing")
        result.append(record)
    if journal is not None and folder.is_dir():
        for path in folder.iterdir():
            moment = backup_time(path.name, journal)
            if moment is None or path.name in known:
                continue
            result.append(
                BackupRecord(
                    folder=folder,
                    file=path.name,
                    journal=str(journal),
                    created_at=moment,
                    size=path.stat().st_size,
                    sha256="",
                    problem="not in the manifest: never checked",
                )
            )
    return sorted(result, key=lambda r: (r.created_at, r.file), reverse=True)


def _with_problem(record: BackupRecord, problem: str) -> BackupRecord:
    return BackupRecord(
        folder=record.folder,
        file=record.file,
        journal=record.journal,
        created_at=record.created_at,
        size=record.size,
        sha256=record.sha256,
        counts=record.counts,
        verified=False,
        problem=problem,
    )


# Rotation and schedule -------------------------------------------------------------------------


def backups_to_keep(
    moments: Iterable[datetime],
    *,
    daily: int = KEEP_DAILY,
    weekly: int = KEEP_WEEKLY,
    monthly: int = KEEP_MONTHLY,
    zone: tzinfo = UTC,
) -> set[datetime]:
    """Which backup times to keep: the newest of each of the last ``daily`` days, ``weekly``
    ISO weeks and ``monthly`` months that have a backup (days counted in ``zone``).

    Counting only periods that have a backup means a clinic closed for a holiday still keeps
    seven days of work, not seven empty days. The newest backup is always kept.
    """
    ordered = sorted(set(moments), reverse=True)
    periods: list[tuple[int, Callable[[datetime], tuple[int, ...]]]] = [
        (daily, lambda m: (m.year, m.month, m.day)),
        (weekly, lambda m: tuple(m.isocalendar())[:2]),
        (monthly, lambda m: (m.year, m.month)),
    ]
    keep: set[datetime] = set()
    for count, period_of in periods:
        seen: set[tuple[int, ...]] = set()
        for moment in ordered:
            period = period_of(moment.astimezone(zone))
            if period in seen:
                continue
            if len(seen) >= count:
                break
            seen.add(period)
            keep.add(moment)
    return keep


def rotate_backups(folder: Path, journal: Path, zone: tzinfo = UTC) -> list[Path]:
    """Delete the checked backups of ``journal`` that the rotation no longer keeps.

    Only backups recorded as verified take part; a failed one is deleted once a newer good
    backup exists (until then it stays, so its problem is seen). Files the manifest does not
    know are left alone. Returns the deleted files.
    """
    records = read_manifest(folder)
    mine = [r for r in records if backup_time(r.file, journal) is not None]
    good = [r for r in mine if r.verified]
    keep_times = backups_to_keep([r.created_at for r in good], zone=zone)
    newest_good = max((r.created_at for r in good), default=None)
    doomed = [
        r
        for r in mine
        if (r.verified and r.created_at not in keep_times)
        or (not r.verified and newest_good is not None and r.created_at < newest_good)
    ]
    # Two backups in the same second share a time; keep the later of such twins (the one
    # with the higher attempt number in its name).
    kept_names = {
        max((r for r in good if r.created_at == t), key=lambda r: (len(r.file), r.file)).file
        for t in keep_times
    }
    doomed += [r for r in good if r.created_at in keep_times and r.file not in kept_names]
    removed: list[Path] = []
    for record in doomed:
        try:
            record.path.unlink(missing_ok=True)
        except OSError:
            continue  # tried again at the next rotation
        removed.append(record.path)
    gone = {p.name for p in removed}
    if gone:
        write_manifest(folder, [r for r in records if r.file not in gone])
    _remove_stale_partials(folder, journal)
    return removed


def _remove_stale_partials(folder: Path, journal: Path) -> None:
    # A backup killed half-way leaves a .partial file; an hour later no backup is still
    # writing it.
    limit = datetime.now(UTC) - STALE_PARTIAL_AGE
    for path in folder.glob(f".{journal.stem}-*{PARTIAL_SUFFIX}*"):
        with contextlib.suppress(OSError):
            if datetime.fromtimestamp(path.stat().st_mtime, UTC) < limit:
                path.unlink()


def backup_due(last: datetime | None, now: datetime, interval: timedelta = BACKUP_INTERVAL) -> bool:
    """Whether a "daily while open" backup is due: none yet, or the last one is a day old.

    A last backup dated in the future (the clock was set back) counts as due, so a wrong
    clock cannot stop backups.
    """
    if last is None:
        return True
    return now - last >= interval or last > now


# Restoring -------------------------------------------------------------------------------------


def restore_backup(
    backup: Path, journal: Path, now: datetime, *, passphrase: str | None = None
) -> RestoreResult:
    """Put a checked backup in place of the journal, keeping the current files aside.

    The journal must be closed. The backup is checked first (integrity, foreign keys); then
    the current journal and its ``-wal``/``-shm`` are renamed to
    ``<name>.before-restore-<UTC time><suffix>`` (a log stays with its database, so the set
    can still be opened), and the backup is copied into place and synced. Nothing is deleted.
    Raises BackupError when the backup is not good or a step fails; a failed step puts back
    what was moved. An encrypted backup is checked with its ``passphrase`` and stays
    encrypted.
    """
    verification = verify_backup(backup, passphrase=passphrase)
    if not verification.ok:
        raise BackupError(f"The backup {backup.name} cannot be restored: {verification.problem}.")
    folder = journal.parent
    try:
        make_private_folder(folder)
    except OSError as error:
        raise BackupError(f"Cannot create the folder {folder}: {error_reason(error)}.") from error
    incoming = folder / f".{journal.name}.restoring"
    try:
        shutil.copyfile(backup, incoming)
        os.chmod(incoming, PRIVATE_FILE_MODE)
        fsync_file(incoming)
    except OSError as error:
        remove_quietly(incoming)
        raise BackupError(
            f"Cannot copy the backup {backup.name} into {folder}: {error_reason(error)}."
        ) from error
    moved: list[tuple[Path, Path]] = []
    try:
        with _undo_on_error(moved):
            aside = _aside_name(journal, now)
            # The logs go first: a -wal left beside the restored file would be replayed into
            # it.
            for side in (*SIDE_FILES, ""):
                current = Path(f"{journal}{side}")
                if current.exists():
                    target = Path(f"{aside}{side}")
                    os.replace(current, target)
                    moved.append((current, target))
            os.replace(incoming, journal)
            fsync_folder(folder)
    except OSError as error:
        remove_quietly(incoming)
        raise BackupError(
            f"Cannot put the backup in place of {journal}: {error_reason(error)}; "
            "the journal was left as it was."
        ) from error
    return RestoreResult(journal, backup, tuple(target for _, target in moved))


def _aside_name(journal: Path, now: datetime) -> Path:
    stamp = now.astimezone(UTC).strftime(STAMP)
    suffix = journal.suffix or DEFAULT_SUFFIX
    candidate = journal.with_name(f"{journal.stem}.before-restore-{stamp}{suffix}")
    attempt = 1
    while any(Path(f"{candidate}{side}").exists() for side in ("", *SIDE_FILES)):
        attempt += 1
        candidate = journal.with_name(f"{journal.stem}.before-restore-{stamp}-{attempt}{suffix}")
    return candidate


@contextlib.contextmanager
def _undo_on_error(moved: list[tuple[Path, Path]]) -> Iterator[None]:
    try:
        yield
    except OSError:
        for original, target in reversed(moved):
            with contextlib.suppress(OSError):
                os.replace(target, original)
        raise
