"""Encrypting a journal, decrypting it, and changing its passphrase.

A journal can be encrypted when it is created (``open_database(..., passphrase=...)``) or
later. Encrypting and decrypting never rewrite the journal in place:

1. the journal is copied with ``sqlcipher_export`` into a new file beside it (owner-only),
   encrypted with the new passphrase, or in plain text when decrypting;
2. the copy is checked: SQLite's integrity check, the foreign key check, every table's row
   count against the journal's, and for an encrypted copy each page's HMAC;
3. only then is the journal (with its ``-wal`` and ``-shm``) moved aside as
   ``<name>.before-encryption-<UTC time>.sqlite3`` (or ``before-decryption``) and the copy
   renamed into its place. The old file is never deleted: after encrypting, it still holds
   the patients' records in plain text, and the person decides when to destroy it.

Changing the passphrase re-encrypts every page in place with SQLCipher's ``PRAGMA rekey``,
inside one transaction with a rollback journal (whose pages are encrypted too), so it either
happens completely or not at all. Backups made before keep the passphrase they were made
with.

The journal must be closed for all three (the caller checks the app's lock file).
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from acujournal.storage import cipher
from acujournal.storage.backup import BUSY_TIMEOUT_MS, table_counts, verify_backup
from acujournal.storage.cipher import (
    WRONG_PASSPHRASE,
    EncryptionUnavailableError,
    FileKind,
    encryption_available,
    file_kind,
    is_encrypted,
)
from acujournal.storage.db import (
    SIDE_FILES,
    JournalDamagedError,
    WrongPassphraseError,
)
from acujournal.storage.file_safety import error_reason, fsync_file, fsync_folder, remove_quietly
from acujournal.storage.private_files import create_private_file

__all__ = [
    "MIN_PASSPHRASE_LENGTH",
    "WRONG_PASSPHRASE",
    "Conversion",
    "EncryptionError",
    "EncryptionUnavailableError",
    "change_passphrase",
    "decrypt_journal",
    "encrypt_journal",
    "encryption_available",
    "is_encrypted",
    "new_passphrase_problem",
]

MIN_PASSPHRASE_LENGTH = 8
STAMP = "%Y%m%dT%H%M%SZ"


class EncryptionError(Exception):
    """Encrypting, decrypting or re-keying could not be done; the journal is as it was."""


@dataclass(frozen=True, slots=True)
class Conversion:
    """The journal after encrypting or decrypting it, and where its old files were moved."""

    journal: Path
    set_aside: Path
    set_aside_side_files: tuple[Path, ...]
    counts: dict[str, int]


def new_passphrase_problem(passphrase: str) -> str | None:
    """Why ``passphrase`` cannot be a journal's new passphrase, or None when it can."""
    if not passphrase.strip():
        return "The passphrase is empty."
    if "\x00" in passphrase:
        return "A passphrase cannot contain a NUL character."
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        return f"A passphrase needs at least {MIN_PASSPHRASE_LENGTH} characters."
    return None


def encrypt_journal(journal: Path, passphrase: str, now: datetime | None = None) -> Conversion:
    """Replace the plain journal at ``journal`` by an encrypted copy; the old file is kept.

    Raises EncryptionError when the journal is missing, already encrypted, not a SQLite
    file, or the copy fails its check (nothing is changed then).
    """
    _refuse_bad_new_passphrase(passphrase)
    kind = file_kind(journal)
    if kind is FileKind.MISSING:
        raise EncryptionError(f"There is no journal at {journal}.")
    if kind is FileKind.ENCRYPTED:
        raise EncryptionError(f"The journal {journal} is already encrypted.")
    if kind is not FileKind.PLAIN:
        raise EncryptionError(f"{journal} is not a SQLite journal; it was left as it was.")
    return _convert(journal, None, passphrase, "encryption", now)


def decrypt_journal(journal: Path, passphrase: str, now: datetime | None = None) -> Conversion:
    """Replace the encrypted journal at ``journal`` by a plain copy; the old file is kept.

    Raises WrongPassphraseError (or JournalDamagedError) when ``passphrase`` does not open
    it, and EncryptionError when it is missing, not encrypted, or the copy fails its check.
    """
    kind = file_kind(journal)
    if kind is FileKind.MISSING:
        raise EncryptionError(f"There is no journal at {journal}.")
    if kind is FileKind.PLAIN:
        raise EncryptionError(f"The journal {journal} is not encrypted.")
    return _convert(journal, passphrase, None, "decryption", now)


def change_passphrase(journal: Path, old: str, new: str) -> None:
    """Re-encrypt the journal at ``journal`` with the passphrase ``new`` instead of ``old``.

    Raises WrongPassphraseError when ``old`` does not open it, and EncryptionError when the
    journal is not encrypted, is in use, or ``new`` is not acceptable.
    """
    _refuse_bad_new_passphrase(new)
    kind = file_kind(journal)
    if kind is FileKind.MISSING:
        raise EncryptionError(f"There is no journal at {journal}.")
    if kind is FileKind.PLAIN:
        raise EncryptionError(
            f"The journal {journal} is not encrypted: encrypt it to give it a passphrase."
        )
    connection = _open_keyed(journal, old)
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # The rekey runs under a rollback journal, one transaction for all pages; switching
        # also folds a leftover write-ahead log into the file first.
        mode = str(connection.execute("PRAGMA journal_mode = DELETE").fetchone()[0])
        if mode.lower() != "delete":
            raise EncryptionError(
                f"The journal {journal} is in use; close AcuJournal and try again."
            )
        connection.execute(f"PRAGMA rekey = {cipher.sql_literal(new)}")
    except cipher.database_errors() as error:
        raise EncryptionError(
            f"Cannot change the passphrase of {journal}: {error_reason(error)}; "
            "it was left as it was."
        ) from error
    finally:
        connection.close()
    check = verify_backup(journal, passphrase=new)
    if not check.ok:
        raise EncryptionError(
            f"The journal {journal} was given its new passphrase, but then failed its check "
            f"({check.problem}); restore its newest good backup."
        )
    reopened = cipher.connect(journal, new, isolation_level=None)
    try:
        reopened.execute("PRAGMA journal_mode = WAL")
    finally:
        reopened.close()


# Converting ------------------------------------------------------------------------------------


def _convert(
    journal: Path,
    source_key: str | None,
    target_key: str | None,
    purpose: str,
    now: datetime | None,
) -> Conversion:
    moment = now or datetime.now(UTC)
    partial = journal.with_name(f".{journal.name}.{purpose}")
    # A copy left by an interrupted attempt is this function's own, never the journal.
    remove_quietly(partial, Path(f"{partial}-journal"))
    try:
        create_private_file(partial)
    except OSError as error:
        raise EncryptionError(
            f"Cannot write beside the journal in {journal.parent}: {error_reason(error)}."
        ) from error
    try:
        counts = _export(journal, source_key, partial, target_key)
        fsync_file(partial)
    except (WrongPassphraseError, JournalDamagedError):
        remove_quietly(partial, Path(f"{partial}-journal"))
        raise
    except cipher.database_errors(OSError, EncryptionError) as error:
        remove_quietly(partial, Path(f"{partial}-journal"))
        if isinstance(error, EncryptionError):
            raise
        raise EncryptionError(
            f"Cannot copy the journal {journal} for its {purpose}: {error_reason(error)}; "
            "it was left as it was."
        ) from error
    check = verify_backup(partial, expected_counts=counts, passphrase=target_key)
    if not check.ok:
        remove_quietly(partial)
        raise EncryptionError(
            f"The {purpose} copy of {journal} failed its check ({check.problem}); "
            "the journal was left as it was."
        )
    aside = _aside_name(journal, purpose, moment)
    moved: list[tuple[Path, Path]] = []
    try:
        # The logs go first: a -wal left beside the new file would be replayed into it.
        for side in (*SIDE_FILES, ""):
            current = Path(f"{journal}{side}")
            if current.exists():
                target = Path(f"{aside}{side}")
                os.replace(current, target)
                moved.append((current, target))
        os.replace(partial, journal)
        fsync_folder(journal.parent)
    except OSError as error:
        for original, target in reversed(moved):
            with contextlib.suppress(OSError):
                os.replace(target, original)
        remove_quietly(partial)
        raise EncryptionError(
            f"Cannot put the {purpose} copy in place of {journal}: {error_reason(error)}; "
            "the journal was left as it was."
        ) from error
    sides = tuple(target for _, target in moved if target != aside)
    return Conversion(journal=journal, set_aside=aside, set_aside_side_files=sides, counts=counts)


def _export(
    journal: Path, source_key: str | None, target: Path, target_key: str | None
) -> dict[str, int]:
    """Copy every table, index and trigger into ``target`` with sqlcipher_export."""
    uri = f"{journal.resolve().as_uri()}?mode=rw"
    if source_key is None:
        source = cipher.sqlcipher_module().connect(uri, uri=True, isolation_level=None)
        source.execute("PRAGMA cipher_log_level = NONE")
    else:
        source = _open_keyed(journal, source_key, uri=uri)
    try:
        source.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        source.execute("BEGIN")
        try:
            counts = table_counts(source)
            user_version = int(source.execute("PRAGMA user_version").fetchone()[0])
            # The key is a bound parameter here, never part of the statement's text; an empty
            # key makes the attached copy a plain SQLite file.
            source.execute("ATTACH DATABASE ? AS converted KEY ?", (str(target), target_key or ""))
            source.execute("SELECT sqlcipher_export('converted')")
            source.execute(f"PRAGMA converted.user_version = {user_version}")
        finally:
            source.execute("COMMIT")
        source.execute("DETACH DATABASE converted")
    finally:
        source.close()
    return counts


def _open_keyed(journal: Path, passphrase: str, *, uri: str | None = None) -> Any:
    """A keyed connection to the journal; WrongPassphraseError when the passphrase fails."""
    target = uri or f"{journal.resolve().as_uri()}?mode=rw"
    try:
        return cipher.connect(target, passphrase, uri=True, isolation_level=None)
    except ValueError as error:
        raise WrongPassphraseError(str(error)) from error
    except cipher.database_errors() as error:
        if "not a database" not in str(error) and "malformed" not in str(error):
            raise EncryptionError(
                f"Cannot open the journal {journal}: {error_reason(error)}."
            ) from error
        explained = cipher.unreadable_reason(journal, passphrase)
        if explained == WRONG_PASSPHRASE:
            raise WrongPassphraseError(explained) from error
        raise JournalDamagedError(explained) from error


def _refuse_bad_new_passphrase(passphrase: str) -> None:
    problem = new_passphrase_problem(passphrase)
    if problem is not None:
        raise EncryptionError(problem)


def _aside_name(journal: Path, purpose: str, moment: datetime) -> Path:
    stamp = moment.astimezone(UTC).strftime(STAMP)
    suffix = journal.suffix or ".sqlite3"
    candidate = journal.with_name(f"{journal.stem}.before-{purpose}-{stamp}{suffix}")
    attempt = 1
    while any(Path(f"{candidate}{side}").exists() for side in ("", *SIDE_FILES)):
        attempt += 1
        candidate = journal.with_name(f"{journal.stem}.before-{purpose}-{stamp}-{attempt}{suffix}")
    return candidate
