"""Opening databases: durability settings, migrations, time zones, clear errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from acujournal.storage.db import Database, DatabaseOpenError, database_url, open_database
from acujournal.storage.migrate import current_revision, head_revision
from acujournal.storage.models import Base
from acujournal.storage.types import UTCDateTime


@pytest.mark.sqlite_only
def test_sqlite_runs_with_clinical_durability_settings(db: Database) -> None:
    with db.engine.connect() as connection:
        pragma = lambda name: connection.execute(text(f"PRAGMA {name}")).scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 2  # FULL
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") == 10_000


def test_new_database_is_migrated_to_the_newest_schema(db: Database) -> None:
    assert current_revision(db.engine) == head_revision()


def test_models_and_migrations_agree(db: Database) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_reopening_keeps_data_and_does_not_migrate_again(db_path: Path) -> None:
    first = open_database(database_url(db_path))
    with first.engine.begin() as connection:
        connection.execute(text("CREATE TABLE marker (x INTEGER)"))
    first.dispose()
    second = open_database(database_url(db_path))
    with second.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM marker")).scalar() == 0
    second.dispose()


def test_missing_database_is_refused_when_creation_is_not_allowed(tmp_path: Path) -> None:
    with pytest.raises(DatabaseOpenError, match="no journal database"):
        open_database(database_url(tmp_path / "absent.sqlite3"), create=False)


def test_a_file_that_is_not_a_database_gives_a_clear_error_and_is_left_untouched(
    tmp_path: Path,
) -> None:
    path = tmp_path / "notes.sqlite3"
    content = b"these are my notes, not a database\n" * 200
    path.write_bytes(content)
    with pytest.raises(DatabaseOpenError, match="Cannot open the journal"):
        open_database(database_url(path))
    assert path.read_bytes() == content


def test_bad_database_url_is_reported() -> None:
    with pytest.raises(DatabaseOpenError, match="not a database URL"):
        database_url(url="no way")


def test_a_server_url_without_a_driver_uses_the_one_acujournal_ships() -> None:
    for given in ("postgresql://clinic@db.lan/journal", "postgres://clinic@db.lan/journal"):
        url = database_url(url=given)
        assert url.drivername == "postgresql+psycopg"
        assert url.render_as_string() == "postgresql+psycopg://clinic@db.lan/journal"


def test_a_url_of_an_unknown_kind_of_database_is_one_sentence() -> None:
    with pytest.raises(DatabaseOpenError, match="cannot use this URL"):
        open_database(database_url(url="mysql+nosuchdriver://clinic@db.lan/journal"))


def test_times_are_stored_in_utc_and_come_back_aware(db: Database) -> None:
    oslo_summer = timezone(timedelta(hours=2))
    moment = datetime(2026, 7, 1, 9, 30, tzinfo=oslo_summer)
    column = UTCDateTime()
    stored = column.process_bind_param(moment, db.engine.dialect)
    assert stored is not None
    assert stored.replace(tzinfo=None) == datetime(2026, 7, 1, 7, 30)
    # SQLite would drop the offset anyway: it is given the UTC time without one; PostgreSQL
    # keeps it in its timestamptz.
    assert stored.tzinfo is (None if db.is_sqlite else UTC)
    loaded = column.process_result_value(stored, db.engine.dialect)
    assert loaded == moment
    assert loaded is not None
    assert loaded.tzinfo is UTC


def test_naive_times_are_refused(db: Database) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        UTCDateTime().process_bind_param(datetime(2026, 7, 1, 9, 30), db.engine.dialect)
