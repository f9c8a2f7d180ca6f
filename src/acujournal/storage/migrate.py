"""Alembic migrations shipped inside the package, applied when a database is opened.

Upgrading a journal's schema is the one time AcuJournal rewrites a journal wholesale, so it is
done carefully:

- a checked backup of the journal as it was is made first, named after its old revision
  (``journal-schema-0002-<UTC time>.sqlite3``), and kept out of the backup rotation; without a
  good backup the journal is not upgraded at all;
- every step runs in one transaction: a failing step rolls back all of them, and the journal
  is left exactly as it was;
- a journal written by a newer AcuJournal (a revision this version does not know) is refused
  with a clear message instead of being touched.

Nearly every open finds the journal already at the newest revision. That is told by reading
``alembic_version`` with one query against :data:`HEAD_REVISION`, without loading Alembic and
its scripts (which costs a noticeable part of a start); Alembic is imported only when there is
something to upgrade or check.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from acujournal.storage.db import (
    MIGRATIONS_DIR,
    DatabaseOpenError,
    JournalWriteError,
)

if TYPE_CHECKING:
    from alembic.config import Config

PRE_MIGRATION_LABEL = "schema-{revision}"

# The newest revision in migrations/versions; a test keeps it equal to Alembic's own head.
HEAD_REVISION = "0006"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration pointing at the packaged migrations (no alembic.ini needed)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest schema revision this version of AcuJournal knows (read from the scripts)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def known_revision(revision: str) -> bool:
    """Whether ``revision`` is one of this version's schema revisions."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config())
    return any(script.revision == revision for script in scripts.walk_revisions())


def current_revision(engine: Engine) -> str | None:
    """The schema revision a database is at (None for an empty database)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade_to_head(
    engine: Engine,
    *,
    backup_folder: Path | None = None,
    passphrase: str | None = None,
    now: datetime | None = None,
) -> Path | None:
    """Bring the schema up to date in one transaction (a failure leaves it as it was).

    An existing SQLite journal at an older revision is backed up into ``backup_folder``
    first (when given); returns that backup's path, or None when no backup was needed.
    Raises DatabaseOpenError when the journal is from a newer AcuJournal, when the backup
    cannot be made, or when a migration step fails.
    """
    if schema_is_current(engine):
        return None
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return None
    where = _describe(engine)
    if current is not None and not known_revision(current):
        raise DatabaseOpenError(
            f"The journal at {where} was written by a newer AcuJournal (schema {current}); "
            f"this version knows schemas up to {head}: update AcuJournal to open it."
        )
    backup: Path | None = None
    if current is not None and backup_folder is not None and engine.dialect.name == "sqlite":
        backup = back_up_before_migration(
            Path(str(engine.url.database)), backup_folder, current, passphrase, now
        )
    from alembic import command

    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), "head")
    except (DatabaseOpenError, JournalWriteError):
        raise
    except Exception as error:
        kept = f"; a copy made before the attempt is {backup}" if backup is not None else ""
        raise DatabaseOpenError(
            f"Cannot bring the journal at {where} up to date (schema {current or 'none'} to "
            f"{head}): {_reason(error)}. The journal was left as it was{kept}."
        ) from error
    return backup


def schema_is_current(engine: Engine) -> bool:
    """Whether the database is at :data:`HEAD_REVISION`, told by one query, without Alembic.

    False whenever that cannot be told this way (no version table yet, several heads, a
    read error): the full check then runs, and reports any real problem.
    """
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except DBAPIError:
        return False
    return [tuple(row) for row in rows] == [(HEAD_REVISION,)]


def back_up_before_migration(
    journal: Path,
    folder: Path,
    revision: str,
    passphrase: str | None = None,
    now: datetime | None = None,
) -> Path:
    """A checked backup of ``journal`` at ``revision``, recorded in ``folder``'s manifest.

    Its name carries the revision (``journal-schema-0002-<UTC time>.sqlite3``), which also
    keeps it out of the rotation of the everyday backups. Raises DatabaseOpenError when it
    cannot be made or fails its check: a journal is not upgraded without a good copy.
    """
    from acujournal.storage.backup import BackupError, create_backup, record_backup

    moment = now or datetime.now(UTC)
    label = PRE_MIGRATION_LABEL.format(revision=revision)
    try:
        record = create_backup(journal, folder, moment, passphrase=passphrase, label=label)
        record_backup(record)
    except BackupError as error:
        raise DatabaseOpenError(
            f"The journal at {journal} needs a schema upgrade, and the backup made before "
            f"upgrading failed ({str(error).rstrip('.')}); the journal was left as it was."
        ) from error
    if not record.verified:
        raise DatabaseOpenError(
            f"The journal at {journal} needs a schema upgrade, and the backup made before "
            f"upgrading failed its check ({record.problem}); the journal was left as it was."
        )
    return record.path


def _describe(engine: Engine) -> str:
    if engine.dialect.name == "sqlite":
        return str(engine.url.database)
    return engine.url.render_as_string(hide_password=True)


def _reason(error: BaseException) -> str:
    orig = getattr(error, "orig", None)
    text = str(orig if orig is not None else error).strip() or type(error).__name__
    return text.rstrip(".")
