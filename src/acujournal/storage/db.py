"""Opening a journal database: where it lives, how SQLite is tuned, and migrations.

SQLite is tuned for clinical data rather than speed alone: write-ahead logging, full
synchronous commits (a commit survives power loss, not just a crash of the app), foreign keys
enforced, and a busy timeout so a short lock by a backup does not fail a save.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

APP_NAME = "AcuJournal"
BUSY_TIMEOUT_MS = 10_000
MIGRATIONS_DIR = Path(__file__).with_name("migrations")


class DatabaseOpenError(Exception):
    """The database could not be opened; the message says why in one sentence."""


def user_data_dir() -> Path:
    """The platform's per-user data folder for AcuJournal (``ACUJOURNAL_DATA_DIR`` overrides)."""
    override = os.environ.get("ACUJOURNAL_DATA_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_database_path() -> Path:
    """Where the journal lives when no ``--db`` or ``--database-url`` is given."""
    return user_data_dir() / "journal.sqlite3"


def database_url(db_path: str | os.PathLike[str] | None = None, url: str | None = None) -> URL:
    """Turn the command-line choice (a file path, a URL, or neither) into a database URL."""
    if url:
        try:
            return make_url(url)
        except ArgumentError as error:
            raise DatabaseOpenError(f'"{url}" is not a database URL: {error}') from error
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


@dataclass
class Database:
    """An open journal database: the engine and a session factory for units of work."""

    engine: Engine
    sessions: sessionmaker[Session]

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def location(self) -> str:
        """A human-readable description of where the data lives (file path or server)."""
        url = self.engine.url
        if url.get_backend_name() == "sqlite":
            return str(url.database)
        return url.render_as_string(hide_password=True)

    def dispose(self) -> None:
        self.engine.dispose()


def create_database_engine(url: URL) -> Engine:
    """Create an engine with the durability settings above applied to every connection."""
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _set_sqlite_pragmas)
        event.listen(engine, "begin", _begin_sqlite)
        return engine
    return create_engine(url, pool_pre_ping=True)


def open_database(url: URL, *, create: bool = True, migrate: bool = True) -> Database:
    """Open (and, if allowed, create) the database at ``url`` and bring its schema up to date.

    Raises DatabaseOpenError with a one-sentence reason when the file is missing (and
    ``create`` is false), is not a database, or the server cannot be reached.
    """
    if url.get_backend_name() == "sqlite":
        path = Path(str(url.database))
        if not path.exists():
            if not create:
                raise DatabaseOpenError(f"There is no journal database at {path}.")
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise DatabaseOpenError(
                    f"Cannot create the folder {path.parent}: {error.strerror}."
                ) from error
    engine = create_database_engine(url)
    try:
        if migrate:
            from acujournal.storage.migrate import upgrade_to_head

            upgrade_to_head(engine)
        else:
            inspect(engine).get_table_names()
    except (DatabaseError, OperationalError) as error:
        engine.dispose()
        reason = str(error.orig) if error.orig is not None else str(error)
        raise DatabaseOpenError(
            f"Cannot open the journal at {_describe(url)}: {reason}."
        ) from error
    return Database(engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))


def _describe(url: URL) -> str:
    if url.get_backend_name() == "sqlite":
        return str(url.database)
    return url.render_as_string(hide_password=True)
