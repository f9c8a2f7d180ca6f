"""Fixtures shared by the service tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from acujournal.storage.db import Database, database_url, open_database


@pytest.fixture
def other_db(tmp_path: Path) -> Iterator[Database]:
    """A second, empty journal (a SQLite file): another clinic a file is taken to."""
    database = open_database(database_url(tmp_path / "other.sqlite3"))
    yield database
    database.dispose()
