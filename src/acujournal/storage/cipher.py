"""SQLCipher connections: how an encrypted journal is recognised, keyed and diagnosed.

An encrypted journal is a SQLite database whose every page (the first one included) is
encrypted with AES-256 and authenticated with an HMAC, by SQLCipher (the ``sqlcipher3``
module, installed with AcuJournal's ``encryption`` extra). The key is derived from the
practitioner's passphrase with PBKDF2; the passphrase itself is never stored, logged or put
in a database URL. The write-ahead log is encrypted the same way, and temporary tables and
sort files are kept in memory, so nothing about a patient reaches the disk in plain text.

The module is imported only when an encrypted journal is opened: plain journals work
without it.

A connection must be keyed before anything is read from it. A wrong passphrase and a damaged
first page look the same to SQLCipher ("file is not a database"); ``unreadable_reason``
tells them apart where the file allows it, by checking each page's HMAC: with a wrong key
every page fails, with the right key only the damaged ones do.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import sys
from enum import StrEnum
from pathlib import Path
from typing import Any

SQLITE_MAGIC = b"SQLite format 3\x00"
# Bytes 21-23 of a plain SQLite header are always 64, 32, 32 (payload fractions).
PLAIN_PAYLOAD_FRACTIONS = b"\x40\x20\x20"
SQLCIPHER_PAGE_SIZE = 4096
WRONG_PASSPHRASE = "The passphrase is wrong, or this is not an AcuJournal journal."
UNAVAILABLE = (
    "Encrypted journals need SQLCipher, which is not installed: install AcuJournal with its "
    '"encryption" extra (pip install "acujournal[encryption]").'
)
_FAILED_PAGE = re.compile(r"\bpage (\d+)\b")


class EncryptionUnavailableError(RuntimeError):
    """SQLCipher (the ``sqlcipher3`` module) is not installed."""


class FileKind(StrEnum):
    """What a journal file is, judged from its size and first bytes alone."""

    MISSING = "missing"
    EMPTY = "empty"
    PLAIN = "plain"
    ENCRYPTED = "encrypted"
    OTHER = "other"


def sqlcipher_module() -> Any:
    """The SQLCipher DB-API module; EncryptionUnavailableError when it is not installed."""
    try:
        import sqlcipher3.dbapi2 as module
    except ImportError as error:
        raise EncryptionUnavailableError(UNAVAILABLE) from error
    return module


def encryption_available() -> bool:
    """Whether encrypted journals can be opened here."""
    try:
        sqlcipher_module()
    except EncryptionUnavailableError:
        return False
    return True


def database_errors(*also: type[Exception]) -> tuple[type[Exception], ...]:
    """The DB-API error classes a journal connection may raise (plain or encrypted), after
    the classes in ``also``: for ``except`` clauses."""
    module = sys.modules.get("sqlcipher3.dbapi2")
    if module is None:
        return (*also, sqlite3.Error)
    return (*also, sqlite3.Error, module.Error)


def file_kind(path: Path) -> FileKind:
    """Whether ``path`` is missing, empty, a plain SQLite file or (probably) encrypted.

    An encrypted file has no readable header: it is recognised by being a whole number of
    512-byte blocks whose first bytes are neither SQLite's header nor zeros. A plain journal
    whose first sixteen bytes were damaged still has the rest of SQLite's header, and is not
    mistaken for an encrypted one.
    """
    try:
        size = path.stat().st_size
        if size == 0:
            return FileKind.EMPTY
        with path.open("rb") as stream:
            header = stream.read(100)
    except (FileNotFoundError, NotADirectoryError):
        return FileKind.MISSING
    except OSError:
        return FileKind.OTHER
    if header.startswith(SQLITE_MAGIC):
        return FileKind.PLAIN
    if (
        size % 512 == 0
        and len(header) == 100
        and any(header[:16])
        and header[21:24] != PLAIN_PAYLOAD_FRACTIONS
    ):
        return FileKind.ENCRYPTED
    return FileKind.OTHER


def is_encrypted(path: Path) -> bool:
    """Whether the journal file at ``path`` looks encrypted (its passphrase is needed)."""
    return file_kind(path) is FileKind.ENCRYPTED


def check_passphrase(passphrase: str) -> None:
    """Refuse a passphrase SQLCipher cannot take (empty, or with a NUL character)."""
    if not passphrase:
        raise ValueError("The passphrase is empty.")
    if "\x00" in passphrase:
        raise ValueError("A passphrase cannot contain a NUL character.")


def sql_literal(text: str) -> str:
    """``text`` as a SQL string literal (for PRAGMA values, which take no parameters)."""
    return "'" + text.replace("'", "''") + "'"


def key_connection(connection: Any, passphrase: str) -> None:
    """Give a fresh SQLCipher connection its passphrase, before anything else is done on it.

    SQLCipher's own log is silenced (a wrong passphrase is reported by AcuJournal in one
    sentence, not as lines on stderr), and temporary storage is kept in memory so that no
    temporary file holds decrypted pages.
    """
    check_passphrase(passphrase)
    cursor = connection.cursor()
    try:
        cursor.execute("PRAGMA cipher_log_level = NONE")
        cursor.execute(f"PRAGMA key = {sql_literal(passphrase)}")
        cursor.execute("PRAGMA temp_store = MEMORY")
    finally:
        cursor.close()


def connect(target: str | Path, passphrase: str, **kwargs: Any) -> Any:
    """A keyed SQLCipher connection to ``target`` (a path, or a URI with ``uri=True``).

    The key is checked at once by reading the schema: a wrong passphrase raises the module's
    DatabaseError ("file is not a database") here rather than at some later query.
    """
    module = sqlcipher_module()
    connection = module.connect(str(target), **kwargs)
    try:
        key_connection(connection, passphrase)
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except BaseException:
        connection.close()
        raise
    return connection


def connect_read_only(path: Path, passphrase: str) -> Any:
    """A keyed connection that cannot change ``path`` or create anything beside it."""
    return connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", passphrase, uri=True)


def page_problems(connection: Any) -> list[str]:
    """SQLCipher's per-page HMAC check (``cipher_integrity_check``); empty when all pages pass."""
    return [str(row[0]) for row in connection.execute("PRAGMA cipher_integrity_check")]


def unreadable_reason(path: Path, passphrase: str) -> str:
    """Why a keyed open of ``path`` failed: damaged pages when that can be told, else
    ``WRONG_PASSPHRASE``.

    With a wrong passphrase every page fails its HMAC check; with the right one only damaged
    pages do. A file of a single page, or with every page damaged, cannot be told from a
    wrong passphrase.
    """
    try:
        module = sqlcipher_module()
        connection = module.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    except database_errors(EncryptionUnavailableError):
        return WRONG_PASSPHRASE
    try:
        key_connection(connection, passphrase)
        problems = page_problems(connection)
        pages = path.stat().st_size // SQLCIPHER_PAGE_SIZE
    except database_errors(OSError, ValueError):
        return WRONG_PASSPHRASE
    finally:
        with contextlib.suppress(Exception):
            connection.close()
    failing = failing_pages(problems)
    if not failing or pages < 2 or len(failing) >= pages:
        return WRONG_PASSPHRASE
    return damaged_pages_message(path, failing, pages)


def failing_pages(problems: list[str]) -> list[int]:
    """The page numbers named in ``cipher_integrity_check`` findings, in order."""
    return sorted({int(m.group(1)) for p in problems if (m := _FAILED_PAGE.search(p))})


def damaged_pages_message(path: Path, failing: list[int], pages: int) -> str:
    """One sentence for pages that fail their HMAC check (changed on disk since written)."""
    count = "1 page" if len(failing) == 1 else f"{len(failing)} pages"
    return (
        f"The journal file {path} is damaged: {count} of its {pages} fail the encryption's "
        f"authentication check (first: page {failing[0]}), so they were changed on disk "
        "after AcuJournal wrote them."
    )
