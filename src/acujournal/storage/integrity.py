"""Checking a journal file before anything opens it, and warning about risky locations.

The check runs before SQLAlchemy or the migrations touch the file, because both write: a
migration on a damaged file can make it worse, and SQLite itself creates ``-wal``/``-shm``
files next to a database it opens. So the check never writes to the journal or beside it:

- the header and the size are read with plain file reads;
- without a write-ahead log, SQLite opens the file with ``immutable=1``, which takes no locks
  and creates no ``-wal`` or ``-shm`` (a plain read-only open of a WAL database creates both);
- with a write-ahead log left by a crash, the log holds committed sessions that an immutable
  open would not see, and a read-only open would still write the ``-shm`` index; the file and
  its log are copied into a private temporary folder and the copy is checked instead.

A damaged file is reported, never repaired, deleted or overwritten: the person decides, and
the newest good backup is the way back.

An encrypted journal has no readable header; it is recognised as encrypted, and its pages
are checked only when its passphrase is given: each page's HMAC (SQLCipher's
``cipher_integrity_check``), then SQLite's quick check.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path, PurePath, PureWindowsPath
from typing import Any

from acujournal.storage import cipher

SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_SIZE = 100
# quick_check stops after this many problems; the first few say enough to a person.
MAX_REPORTED_PROBLEMS = 10
_CHUNK = 1 << 20


class FileState(StrEnum):
    """What the start-up check found, from fine to lost."""

    OK = "ok"
    MISSING = "missing"
    UNREADABLE = "unreadable"
    EMPTY = "empty"
    ZEROED = "zeroed"
    NOT_A_DATABASE = "not_a_database"
    TRUNCATED = "truncated"
    DAMAGED = "damaged"
    # Encrypted, and not checked: no passphrase was given, or it does not open the file.
    ENCRYPTED = "encrypted"


@dataclass(frozen=True, slots=True)
class IntegrityReport:
    """The outcome of checking one journal file.

    ``message`` is one sentence for a person; ``details`` holds SQLite's own findings (for a
    support request), at most MAX_REPORTED_PROBLEMS lines.
    """

    path: Path
    state: FileState
    message: str
    size: int = 0
    details: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return self.state is FileState.OK


def check_database_file(
    path: str | os.PathLike[str], *, passphrase: str | None = None
) -> IntegrityReport:
    """Check a SQLite journal file without modifying it or creating anything beside it.

    Detects a missing, unreadable, empty, zeroed or truncated file, one that is not a SQLite
    database at all, and damaged pages (``PRAGMA quick_check``). An encrypted journal is
    checked with its ``passphrase``; without one the report says it is encrypted.
    """
    file = Path(path)
    try:
        size = file.stat().st_size
    except FileNotFoundError:
        return IntegrityReport(file, FileState.MISSING, f"There is no journal file at {file}.")
    except OSError as error:
        return _unreadable(file, error)
    if not file.is_file():
        return IntegrityReport(file, FileState.UNREADABLE, f"{file} is not a file.", size)
    try:
        with file.open("rb") as stream:
            header = stream.read(HEADER_SIZE)
    except OSError as error:
        return _unreadable(file, error)

    if cipher.file_kind(file) is cipher.FileKind.ENCRYPTED:
        return _check_encrypted(file, size, passphrase)
    found = _check_header(file, size, header)
    if found is not None:
        return found
    return _check_pages(file, size)


def _check_encrypted(file: Path, size: int, passphrase: str | None) -> IntegrityReport:
    if passphrase is None:
        return IntegrityReport(
            file,
            FileState.ENCRYPTED,
            f"The journal file {file} is encrypted; its pages can be checked only with its "
            "passphrase.",
            size,
        )
    if size % cipher.SQLCIPHER_PAGE_SIZE:
        return _truncated(
            file,
            size,
            f"its size is not a whole number of {cipher.SQLCIPHER_PAGE_SIZE}-byte pages",
        )
    wal = Path(f"{file}-wal")
    try:
        has_log = wal.is_file() and wal.stat().st_size > 0
        if has_log:
            with tempfile.TemporaryDirectory(prefix="acujournal-check-") as folder:
                copy = Path(folder) / "journal.sqlite3"
                shutil.copyfile(file, copy)
                shutil.copyfile(wal, Path(f"{copy}-wal"))
                outcome = _encrypted_findings(copy, passphrase, f"{copy.as_uri()}?mode=rw")
        else:
            outcome = _encrypted_findings(
                file, passphrase, f"{file.resolve().as_uri()}?mode=ro&immutable=1"
            )
    except OSError as error:
        return _unreadable(file, error)
    except cipher.EncryptionUnavailableError as error:
        return IntegrityReport(file, FileState.ENCRYPTED, str(error), size)
    if isinstance(outcome, str):
        if outcome == cipher.WRONG_PASSPHRASE:
            return IntegrityReport(
                file,
                FileState.ENCRYPTED,
                f"The journal file {file} is encrypted, and the passphrase given does not open "
                "it (or it is not an AcuJournal journal): its pages were not checked.",
                size,
            )
        return IntegrityReport(file, FileState.DAMAGED, outcome, size)
    problems, findings, pages = outcome
    if problems:
        failing = cipher.failing_pages(problems) or [0]
        return IntegrityReport(
            file,
            FileState.DAMAGED,
            cipher.damaged_pages_message(file, failing, pages),
            size,
            tuple(problems[:MAX_REPORTED_PROBLEMS]),
        )
    if findings == ["ok"]:
        return IntegrityReport(
            file, FileState.OK, f"The journal file {file} is intact (encrypted).", size
        )
    details = tuple(findings[:MAX_REPORTED_PROBLEMS])
    return IntegrityReport(
        file,
        FileState.DAMAGED,
        f"The journal file {file} is damaged: SQLite found {_count(len(findings))} "
        f"in its pages, the first being: {details[0]}",
        size,
        details,
    )


def _encrypted_findings(
    file: Path, passphrase: str, uri: str
) -> str | tuple[list[str], list[str], int]:
    """(HMAC problems, quick_check findings, pages), or why the file could not be read."""
    try:
        connection: Any = cipher.connect(uri, passphrase, uri=True)
    except ValueError:
        return cipher.WRONG_PASSPHRASE
    except cipher.database_errors():
        return cipher.unreadable_reason(file, passphrase)
    try:
        problems = cipher.page_problems(connection)
        if problems:
            return problems, [], file.stat().st_size // cipher.SQLCIPHER_PAGE_SIZE
        rows = connection.execute(f"PRAGMA quick_check({MAX_REPORTED_PROBLEMS})").fetchall()
    except cipher.database_errors() as error:
        return [], [str(error)], 0
    finally:
        connection.close()
    return [], [str(row[0]) for row in rows], 0


def _unreadable(file: Path, error: OSError) -> IntegrityReport:
    reason = error.strerror or str(error)
    return IntegrityReport(
        file, FileState.UNREADABLE, f"The journal file {file} cannot be read: {reason}."
    )


def _check_header(file: Path, size: int, header: bytes) -> IntegrityReport | None:
    """The verdict from the first 100 bytes and the size alone, or None to look further."""
    if size == 0:
        return IntegrityReport(
            file,
            FileState.EMPTY,
            f"The journal file {file} is empty (0 bytes): its contents are gone.",
        )
    if not header.startswith(SQLITE_MAGIC[: len(header)]):
        if _all_zero(file):
            return IntegrityReport(
                file,
                FileState.ZEROED,
                f"The journal file {file} contains only zero bytes: its contents were wiped.",
                size,
            )
        if len(header) >= len(SQLITE_MAGIC) and not any(header):
            return IntegrityReport(
                file,
                FileState.DAMAGED,
                f"The journal file {file} is damaged: its header has been wiped.",
                size,
            )
        return IntegrityReport(
            file,
            FileState.NOT_A_DATABASE,
            f"{file} is not a SQLite journal: it does not start with the SQLite header "
            "(it is another kind of file, or its first bytes are damaged).",
            size,
        )
    if size < HEADER_SIZE:
        return IntegrityReport(
            file,
            FileState.TRUNCATED,
            f"The journal file {file} is truncated: it ends after {size} bytes, inside its header.",
            size,
        )
    page_size = int.from_bytes(header[16:18], "big")
    if page_size == 1:
        page_size = 65536
    if page_size < 512 or page_size > 65536 or page_size & (page_size - 1):
        return IntegrityReport(
            file,
            FileState.DAMAGED,
            f"The journal file {file} is damaged: its header gives an impossible page size.",
            size,
        )
    if size % page_size:
        return _truncated(file, size, f"its size is not a whole number of {page_size}-byte pages")
    # The page count in the header is only trustworthy when the "version valid for" field
    # matches the change counter (files written by SQLite 3.7.0 and later).
    header_pages = int.from_bytes(header[28:32], "big")
    change_counter = header[24:28]
    if header_pages and header[92:96] == change_counter and size < header_pages * page_size:
        missing = header_pages - size // page_size
        return _truncated(file, size, f"{missing} of its {header_pages} pages are missing")
    return None


def _truncated(file: Path, size: int, why: str) -> IntegrityReport:
    return IntegrityReport(
        file, FileState.TRUNCATED, f"The journal file {file} is truncated: {why}.", size
    )


def _all_zero(file: Path) -> bool:
    try:
        with file.open("rb") as stream:
            while chunk := stream.read(_CHUNK):
                if chunk.count(0) != len(chunk):
                    return False
    except OSError:
        return False
    return True


def _check_pages(file: Path, size: int) -> IntegrityReport:
    wal = Path(f"{file}-wal")
    try:
        has_log = wal.is_file() and wal.stat().st_size > 0
    except OSError:
        has_log = False
    try:
        if has_log:
            findings = _quick_check_copy(file, wal)
        else:
            findings = _quick_check(f"{file.resolve().as_uri()}?mode=ro&immutable=1")
    except sqlite3.DatabaseError as error:
        return IntegrityReport(
            file,
            FileState.DAMAGED,
            f"The journal file {file} is damaged: SQLite cannot read it ({error}).",
            size,
            (str(error),),
        )
    except OSError as error:
        return _unreadable(file, error)
    if findings == ["ok"]:
        return IntegrityReport(file, FileState.OK, f"The journal file {file} is intact.", size)
    details = tuple(findings[:MAX_REPORTED_PROBLEMS])
    return IntegrityReport(
        file,
        FileState.DAMAGED,
        f"The journal file {file} is damaged: SQLite found {_count(len(findings))} "
        f"in its pages, the first being: {details[0]}",
        size,
        details,
    )


def _count(problems: int) -> str:
    if problems >= MAX_REPORTED_PROBLEMS:
        return f"{MAX_REPORTED_PROBLEMS} or more problems"
    return "1 problem" if problems == 1 else f"{problems} problems"


def _quick_check(uri: str) -> list[str]:
    connection = sqlite3.connect(uri, uri=True)
    try:
        rows = connection.execute(f"PRAGMA quick_check({MAX_REPORTED_PROBLEMS})").fetchall()
    finally:
        connection.close()
    return [str(row[0]) for row in rows]


def _quick_check_copy(file: Path, wal: Path) -> list[str]:
    # Only the copy sees SQLite's recovery of the log; the originals are read, never opened
    # by SQLite.
    with tempfile.TemporaryDirectory(prefix="acujournal-check-") as folder:
        copy = Path(folder) / "journal.sqlite3"
        shutil.copyfile(file, copy)
        shutil.copyfile(wal, Path(f"{copy}-wal"))
        return _quick_check(f"{copy.as_uri()}?mode=rw")


# Where the journal lives ----------------------------------------------------------------------

# Folder names that sync clients create. Matched against whole path components, ignoring case;
# prefixes catch "OneDrive - Clinic AS", "Dropbox (Personal)", "GoogleDrive-me@example.com".
CLOUD_FOLDER_PREFIXES = {
    "dropbox": "Dropbox",
    "onedrive": "OneDrive",
    "google drive": "Google Drive",
    "googledrive": "Google Drive",
    "icloud drive": "iCloud Drive",
    "iclouddrive": "iCloud Drive",
    "nextcloud": "Nextcloud",
    "owncloud": "ownCloud",
    "pcloud": "pCloud",
    "megasync": "MEGA",
    "mega sync": "MEGA",
    "box sync": "Box",
    "synologydrive": "Synology Drive",
    "synology drive": "Synology Drive",
    "seafile": "Seafile",
    "tresorit": "Tresorit",
}
# Names too short or too common to match as prefixes ("Megan", "My Drive notes").
CLOUD_FOLDER_NAMES = {
    "mega": "MEGA",
    "my drive": "Google Drive",
    "mobile documents": "iCloud Drive",
    "com~apple~clouddocs": "iCloud Drive",
}
# File systems on which SQLite's locking, and so its write-ahead log, cannot be trusted.
NETWORK_FILESYSTEMS = {
    "nfs",
    "nfs4",
    "cifs",
    "smb",
    "smb2",
    "smb3",
    "smbfs",
    "sshfs",
    "fuse.sshfs",
    "9p",
    "afs",
    "ncpfs",
    "ceph",
    "glusterfs",
    "fuse.glusterfs",
    "lustre",
    "gpfs",
    "davfs",
    "fuse.davfs2",
    "webdav",
    "fuse.rclone",
    "fuse.s3fs",
    "fuse.gcsfuse",
    "afpfs",
}


def location_warning(
    path: str | os.PathLike[str],
    *,
    mounts: str | None = None,
    platform: str | None = None,
) -> str | None:
    """A one-sentence warning when the journal sits somewhere SQLite cannot keep it safe.

    Cloud-synced folders (Dropbox, OneDrive, Google Drive, iCloud Drive, Nextcloud...) copy
    a database while it is being written and can bring back an old copy; network file systems
    (NFS, SMB/CIFS, sshfs, 9p...) do not honour SQLite's locks. Both corrupt journals.

    ``mounts`` is the mount table (the text of Linux's /proc/mounts, or the output of
    macOS's ``mount``); it is read from the system when not given. ``platform`` defaults to
    ``sys.platform``. Detection is best effort: None means nothing risky was recognised.
    """
    platform = platform or sys.platform
    text = os.fspath(path)
    if platform == "win32":
        pure: PurePath = PureWindowsPath(text)
    else:
        pure = PurePath(os.path.realpath(os.path.expanduser(text)))
    service = _cloud_service(pure.parts)
    if service is not None:
        return (
            f"The journal {pure} is in a {service} folder: sync services copy a database "
            "while it is being written and can corrupt it; keep the journal in a local "
            "folder that is not synced (its backups may go to the synced folder)."
        )
    network = _network_location(pure, mounts, platform)
    if network is not None:
        return (
            f"The journal {pure} is on a network drive ({network}): SQLite's locking does not "
            "work reliably over a network and the journal can be corrupted; keep it on a "
            "local disk, or use a PostgreSQL server for a shared clinic journal."
        )
    return None


def _cloud_service(parts: Iterable[str]) -> str | None:
    for part in parts:
        name = part.casefold()
        if name in CLOUD_FOLDER_NAMES:
            return CLOUD_FOLDER_NAMES[name]
        for prefix, service in CLOUD_FOLDER_PREFIXES.items():
            if name.startswith(prefix):
                return service
    return None


def _network_location(pure: PurePath, mounts: str | None, platform: str) -> str | None:
    if platform == "win32":
        return _windows_network(pure)
    if mounts is None:
        mounts = _read_mount_table(platform)
    if mounts is None:
        return None
    table = _parse_mac_mounts(mounts) if platform == "darwin" else _parse_linux_mounts(mounts)
    fstype = _filesystem_of(pure, table)
    if fstype is not None and fstype.casefold() in NETWORK_FILESYSTEMS:
        return fstype
    return None


def _windows_network(pure: PurePath) -> str | None:
    drive = pure.drive
    if drive.startswith(("\\\\", "//")):
        return "a shared folder"
    if sys.platform == "win32" and drive:  # pragma: no cover - only reachable on Windows
        import ctypes

        drive_remote = 4
        if ctypes.windll.kernel32.GetDriveTypeW(drive + "\\") == drive_remote:
            return f"mapped network drive {drive}"
    return None


def _read_mount_table(platform: str) -> str | None:
    if platform.startswith("linux"):
        try:
            return Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    if platform == "darwin":  # pragma: no cover - only reachable on macOS
        import subprocess

        try:
            result = subprocess.run(
                ["/sbin/mount"], capture_output=True, text=True, timeout=5, check=False
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return result.stdout
    return None


def _parse_linux_mounts(text: str) -> list[tuple[str, str]]:
    """(mount point, file system type) pairs from /proc/mounts text."""
    table = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 3:
            table.append((_unescape_octal(fields[1]), fields[2]))
    return table


def _unescape_octal(text: str) -> str:
    # /proc/mounts writes space, tab, newline and backslash as \040, \011, \012, \134.
    out, i = [], 0
    while i < len(text):
        chunk = text[i + 1 : i + 4]
        if text[i] == "\\" and len(chunk) == 3 and all(c in "01234567" for c in chunk):
            out.append(chr(int(chunk, 8)))
            i += 4
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _parse_mac_mounts(text: str) -> list[tuple[str, str]]:
    """(mount point, type) pairs from macOS ``mount`` output.

    A line reads ``//me@server/share on /Volumes/share (smbfs, nodev, nosuid)``.
    """
    table = []
    for line in text.splitlines():
        device_and_point, _, rest = line.rpartition(" (")
        _, separator, point = device_and_point.partition(" on ")
        if separator and rest:
            table.append((point, rest.split(",")[0].strip(" )")))
    return table


def _filesystem_of(pure: PurePath, table: list[tuple[str, str]]) -> str | None:
    """The type of the longest mount point that contains ``pure``."""
    best: tuple[int, str] | None = None
    for point, fstype in table:
        mount = PurePath(point)
        if pure == mount or mount in pure.parents:
            depth = len(mount.parts)
            if best is None or depth >= best[0]:
                best = (depth, fstype)
    return best[1] if best else None
