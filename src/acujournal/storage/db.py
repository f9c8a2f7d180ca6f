"""Opening a journal database: where it lives, how SQLite is tuned, and migrations.

SQLite is tuned for clinical data rather than speed alone: write-ahead logging, full
synchronous commits (a commit survives power loss, not just a crash of the app), foreign keys
enforced, and a busy timeout so a short lock by a backup does not fail a save.

A SQLite journal may be encrypted with SQLCipher (see ``storage.cipher``): it is opened with a
passphrase, which keys every connection before anything is read, and is never logged or put
in the database URL. New journal files and the folders made for them are readable by their
owner only.

Saving into a full disk or a read-only location raises a ``JournalWriteError`` with one
sentence for a person; the transaction is rolled back, so nothing of the change is written
and what was saved before stays as it was.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import URL, ExceptionContext, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from acujournal.storage import cipher, text_guard
from acujournal.storage.private_files import (
    create_private_file,
    make_private_folder,
    restrict_to_owner,
)

APP_NAME = "AcuJournal"
BUSY_TIMEOUT_MS = 10_000
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
BACKUP_FOLDER_NAME = "backups"
SIDE_FILES = ("-wal", "-shm")

# SQLite's primary result codes (the low byte of an extended code).
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26


class DatabaseOpenError(Exception):
    """The database could not be opened; the message says why in one sentence."""


class PassphraseNeededError(DatabaseOpenError):
    """The journal is encrypted and no passphrase was given: ask for one and try again."""


class WrongPassphraseError(DatabaseOpenError):
    """The passphrase does not open the journal (or the file is not a journal at all)."""


class JournalDamagedError(DatabaseOpenError):
    """The journal file is damaged: pages changed on disk after they were written."""


class JournalWriteError(Exception):
    """A change could not be saved and was rolled back; the message says why for a person."""


class DiskFullError(JournalWriteError):
    """The disk (or the journal's size limit) is full."""


class ReadOnlyJournalError(JournalWriteError):
    """The journal file, or the folder it is in, cannot be written to."""


class DiskError(JournalWriteError):
    """The disk reported an error while the journal was read or written (full, gone, failing)."""


DISK_FULL = (
    "The change could not be saved because the disk is full; nothing of it was written and "
    "everything saved before is intact. Free some disk space and save again."
)
DISK_ERROR = (
    "The change could not be saved because the disk reported an error (it may be full, "
    "removed or failing); nothing of it was written and everything saved before is intact. "
    "Check the disk and save again."
)
READ_ONLY = (
    "The change could not be saved because the journal file or its folder is read-only; "
    "nothing of it was written and everything saved before is intact. Check where the "
    "journal is kept (a write-protected disk, a read-only network folder) and save again."
)


def user_data_dir() -> Path:
    """The platform's per-user data folder for AcuJournal (``ACUJOURNAL_DATA_DIR`` overrides)."""
    override = os.environ.get("ACUJOURNAL_DATA_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_database_path() -> Path:
    """Where the journal lives when no ``--db`` or ``--database-url`` is given."""
    return user_data_dir() / "journal.sqlite3"


def default_backup_folder() -> Path:
    """Where backups go unless another folder is chosen: ``backups`` in the data folder."""
    return user_data_dir() / BACKUP_FOLDER_NAME


def database_url(db_path: str | os.PathLike[str] | None = None, url: str | None = None) -> URL:
    """Turn the command-line choice (a file path, a URL, or neither) into a database URL."""
    if url:
        try:
            parsed = make_url(url)
        except ArgumentError as error:
            raise DatabaseOpenError(f'"{url}" is not a database URL: {error}') from error
        if parsed.drivername in ("postgresql", "postgres"):
            # Left to itself SQLAlchemy would pick the psycopg2 driver; AcuJournal uses psycopg.
            parsed = parsed.set(drivername="postgresql+psycopg")
        return parsed
    path = Path(db_path) if db_path is not None else default_database_path()
    return URL.create("sqlite+pysqlite", database=str(path.expanduser().resolve()))


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling would BEGIN lazily and hide SAVEPOINT problems;
    # SQLAlchemy's documented recipe takes over BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
    finally:
        cursor.close()


WRITE_INTENT = "acujournal_write"


def _begin_sqlite(connection: Any) -> None:
    # A transaction that will write takes the write lock at BEGIN. A deferred transaction
    # that reads first and writes later fails at once with "database is locked" if another
    # connection committed in between (its read snapshot is stale), so writers declare
    # themselves up front and wait for the lock instead (busy_timeout).
    immediate = connection.get_execution_options().get(WRITE_INTENT, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _sqlite_code(error: BaseException | None) -> int | None:
    """SQLite's primary result code carried by a DB-API error, when it carries one."""
    code = getattr(error, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def _explain_write_failure(context: ExceptionContext) -> None:
    # A full disk or a read-only file surfaces as whichever statement hit it first (often the
    # COMMIT); the person needs to know what to do, not SQLite's words.
    code = _sqlite_code(context.original_exception)
    if code == SQLITE_FULL:
        raise DiskFullError(DISK_FULL) from context.sqlalchemy_exception
    if code == SQLITE_READONLY:
        raise ReadOnlyJournalError(READ_ONLY) from context.sqlalchemy_exception
    if code == SQLITE_IOERR:
        raise DiskError(DISK_ERROR) from context.sqlalchemy_exception


@dataclass
class Database:
    """An open journal database: the engine and a session factory for units of work.

    ``passphrase`` is kept for the backups of an encrypted journal (a backup is encrypted
    with the journal's passphrase); it is left out of ``repr``. ``pre_migration_backup`` is
    the copy made before this open upgraded the journal's schema, if it did.
    """

    engine: Engine
    sessions: sessionmaker[Session]
    passphrase: str | None = field(default=None, repr=False)
    pre_migration_backup: Path | None = None

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def encrypted(self) -> bool:
        """Whether this is an encrypted (SQLCipher) journal."""
        return self.passphrase is not None

    @property
    def location(self) -> str:
        """A human-readable description of where the data lives (file path or server)."""
        url = self.engine.url
        if url.get_backend_name() == "sqlite":
            return str(url.database)
        return url.render_as_string(hide_password=True)

    def dispose(self) -> None:
        self.engine.dispose()


def create_database_engine(url: URL, *, passphrase: str | None = None) -> Engine:
    """Create an engine with the durability settings above applied to every connection.

    With a ``passphrase`` (SQLite only) connections are made by SQLCipher and keyed before
    anything else happens on them; the passphrase stays out of the URL.
    """
    if url.get_backend_name() == "sqlite":
        if passphrase is None:
            engine = create_engine(url, connect_args={"check_same_thread": False})
        else:
            cipher.check_passphrase(passphrase)
            module = cipher.sqlcipher_module()
            engine = create_engine(url, module=module, connect_args={"check_same_thread": False})
            event.listen(engine, "do_connect", _keyed_connect(module, passphrase))
        event.listen(engine, "connect", _set_sqlite_pragmas)
        event.listen(engine, "begin", _begin_sqlite)
        event.listen(engine, "handle_error", _explain_write_failure)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _keyed_connect(module: Any, passphrase: str) -> Any:
    def connect(_dialect: Any, _record: Any, cargs: list[Any], cparams: dict[str, Any]) -> Any:
        connection = module.connect(*cargs, **cparams)
        try:
            cipher.key_connection(connection, passphrase)
            # Reading the schema proves the key now, before SQLAlchemy's own first queries.
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except BaseException:
            connection.close()
            raise
        return connection

    return connect


def open_database(
    url: URL,
    *,
    create: bool = True,
    migrate: bool = True,
    passphrase: str | None = None,
    backup_folder: Path | None = None,
) -> Database:
    """Open (and, if allowed, create) the database at ``url`` and bring its schema up to date.

    ``passphrase`` opens an encrypted SQLite journal, or makes a journal created now
    encrypted; it is not used for a journal that exists unencrypted. Before an existing
    journal's schema is upgraded, a checked backup of it is made in ``backup_folder``
    (default: ``backups`` in the data folder), named with its old schema revision.

    Raises DatabaseOpenError with a one-sentence reason when the file is missing (and
    ``create`` is false), is not a database, or the server cannot be reached; its subclasses
    PassphraseNeededError, WrongPassphraseError and JournalDamagedError say when a passphrase
    must be asked for (again) or the file is damaged.
    """
    key: str | None = None
    if url.get_backend_name() == "sqlite":
        path = Path(str(url.database))
        key = _prepare_sqlite_file(path, create=create, passphrase=passphrase)
    try:
        engine = create_database_engine(url, passphrase=key)
    except (ValueError, cipher.EncryptionUnavailableError) as error:
        raise DatabaseOpenError(str(error)) from error
    except (ArgumentError, ImportError) as error:
        raise DatabaseOpenError(_unusable_url(url, error)) from error
    pre_migration_backup: Path | None = None
    try:
        if migrate:
            from acujournal.storage.migrate import upgrade_to_head

            pre_migration_backup = upgrade_to_head(
                engine,
                backup_folder=backup_folder
                if backup_folder is not None
                else default_backup_folder(),
                passphrase=key,
            )
        else:
            inspect(engine).get_table_names()
    except (DatabaseError, OperationalError) as error:
        engine.dispose()
        raise _open_failure(url, key, error) from error
    except JournalWriteError as error:
        engine.dispose()
        raise _write_failure_at_open(url, error) from error
    except DatabaseOpenError:
        engine.dispose()
        raise
    sessions = sessionmaker(engine, expire_on_commit=False)
    text_guard.install(sessions, engine.dialect.name)
    return Database(
        engine=engine,
        sessions=sessions,
        passphrase=key,
        pre_migration_backup=pre_migration_backup,
    )


def _prepare_sqlite_file(path: Path, *, create: bool, passphrase: str | None) -> str | None:
    """Check or create the journal file; the passphrase to key it with (None: plain)."""
    kind = cipher.file_kind(path)
    if kind is cipher.FileKind.MISSING and not create:
        raise DatabaseOpenError(f"There is no journal database at {path}.")
    if kind is cipher.FileKind.ENCRYPTED and passphrase is None:
        raise PassphraseNeededError(
            f"The journal at {path} is encrypted: its passphrase is needed to open it."
        )
    key = None if kind is cipher.FileKind.PLAIN else passphrase
    if key is not None:
        # Before anything is created: a journal meant to be encrypted is never left plain.
        try:
            cipher.check_passphrase(key)
            cipher.sqlcipher_module()
        except (ValueError, cipher.EncryptionUnavailableError) as error:
            raise DatabaseOpenError(str(error)) from error
    if kind is cipher.FileKind.MISSING:
        try:
            make_private_folder(path.parent)
        except OSError as error:
            raise DatabaseOpenError(
                f"Cannot create the folder {path.parent}: {_reason(error)}."
            ) from error
        try:
            # SQLite would create the file with the usual permissions; made here first, it and
            # its -wal and -shm are readable by their owner only.
            create_private_file(path)
        except FileExistsError:
            pass
        except OSError as error:
            raise DatabaseOpenError(
                f"Cannot create the journal {path}: {_reason(error)}."
            ) from error
    else:
        for side in ("", *SIDE_FILES):
            restrict_to_owner(Path(f"{path}{side}"))
    return key


def _open_failure(url: URL, key: str | None, error: DatabaseError) -> DatabaseOpenError:
    reason = str(error.orig) if error.orig is not None else str(error)
    if url.get_backend_name() != "sqlite":
        return DatabaseOpenError(f"Cannot open the journal at {_describe(url)}: {reason}.")
    path = Path(str(url.database))
    code = _sqlite_code(error.orig)
    if key is not None and code in (SQLITE_NOTADB, SQLITE_CORRUPT):
        explained = cipher.unreadable_reason(path, key)
        if explained == cipher.WRONG_PASSPHRASE:
            return WrongPassphraseError(explained)
        return JournalDamagedError(explained)
    if code == SQLITE_CANTOPEN and path.exists():
        read_only = _read_only_reason(path)
        if read_only is not None:
            return DatabaseOpenError(f"Cannot open the journal at {path}: {read_only}.")
    return DatabaseOpenError(f"Cannot open the journal at {_describe(url)}: {reason}.")


def _unusable_url(url: URL, error: Exception) -> str:
    # An unknown kind of database, or the driver for a known one not installed.
    where = _describe(url)
    if url.get_backend_name() == "postgresql" and isinstance(error, ImportError):
        return (
            f"Cannot open the journal at {where}: PostgreSQL support is not installed "
            "(install AcuJournal with its postgres extra: pip install 'acujournal[postgres]')."
        )
    return (
        f"Cannot open the journal at {where}: AcuJournal keeps journals in SQLite files or "
        "on PostgreSQL servers (postgresql+psycopg://...), and cannot use this URL."
    )


def _write_failure_at_open(url: URL, error: JournalWriteError) -> DatabaseOpenError:
    # Opening writes too: the journal mode, a schema upgrade.
    where = _describe(url)
    if isinstance(error, ReadOnlyJournalError) and url.get_backend_name() == "sqlite":
        read_only = _read_only_reason(Path(str(url.database)))
        if read_only is not None:
            return DatabaseOpenError(f"Cannot open the journal at {where}: {read_only}.")
        return DatabaseOpenError(f"Cannot open the journal at {where}: it is read-only here.")
    if isinstance(error, DiskFullError):
        return DatabaseOpenError(f"Cannot open the journal at {where}: the disk is full.")
    return DatabaseOpenError(
        f"Cannot open the journal at {where}: the disk reported an error (it may be full, "
        "removed or failing)."
    )


def _read_only_reason(path: Path) -> str | None:
    if not os.access(path.parent, os.W_OK):
        return (
            "its folder is read-only, and SQLite needs to keep its write-ahead log beside "
            "the journal"
        )
    if not os.access(path, os.W_OK):
        return "the journal file is read-only"
    return None


def _reason(error: OSError) -> str:
    if error.strerror:
        return error.strerror[:1].lower() + error.strerror[1:]
    return str(error).rstrip(".")


def _describe(url: URL) -> str:
    if url.get_backend_name() == "sqlite":
        return str(url.database)
    return url.render_as_string(hide_password=True)
