"""Fixtures shared by the whole suite.

Journals on two database engines
--------------------------------
The tests of ``tests/storage``, ``tests/services`` and ``tests/cli`` that use the ``db``
fixture (or ``db_url``, ``journal_args``) run twice: on a fresh SQLite file, and on a fresh
PostgreSQL database of their own when ``ACUJOURNAL_TEST_POSTGRES_URL`` names a scratch
database on a server (``scripts/test`` starts one; see ``tests/backends.py``). Without it the
PostgreSQL runs are skipped, and the run says so loudly. Elsewhere ``db`` is SQLite only.

A test stays on SQLite when it is about the SQLite file itself: it asks for ``db_path`` (the
journal's file), or carries ``@pytest.mark.sqlite_only`` (backups of the file, its integrity,
encryption, crash safety, permissions). ``@pytest.mark.sqlite_suffices`` keeps a test on
SQLite for time's sake: what it checks happens before the database plays any part, such as
validating a file before anything is written.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# Qt tests run without a display; set before anything imports Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from sqlalchemy.engine import URL

from acujournal.storage.db import Database, database_url, open_database
from tests.backends import POSTGRES_URL_ENV, PostgresJournals, dropped_at_exit, postgres_url

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
# Test folders whose journal tests also run on PostgreSQL.
ON_BOTH_ENGINES = frozenset({"storage", "services", "cli"})
NO_POSTGRES = f"PostgreSQL not available: set {POSTGRES_URL_ENV} (scripts/test does)"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only: a journal test about the SQLite file; not run on PostgreSQL"
    )
    config.addinivalue_line(
        "markers", "sqlite_suffices: the engine plays no part; run on SQLite only, to save time"
    )
    config.addinivalue_line("markers", "postgresql: the run of a journal test on PostgreSQL")


def _kept_on_sqlite(node: pytest.Item) -> bool:
    return any(node.get_closest_marker(name) for name in ("sqlite_only", "sqlite_suffices"))


def pytest_report_header(config: pytest.Config) -> str:
    url = postgres_url()
    if url is None:
        return f"journal engines: SQLite only -- {NO_POSTGRES}"
    shown = database_url(url=url).render_as_string(hide_password=True)
    return f"journal engines: SQLite and PostgreSQL ({shown})"


def pytest_unconfigure(config: pytest.Config) -> None:
    # Last of all, below the list of skipped tests, where it cannot be missed.
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if postgres_url() is None and reporter is not None and not hasattr(config, "workerinput"):
        bar = "!" * 78
        for line in (bar, f"!!! {NO_POSTGRES}.", "!!! The PostgreSQL runs were SKIPPED.", bar):
            reporter.write_line(line, red=True, bold=True)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run the journal tests of the storage, services and CLI folders on both engines."""
    if "journal_backend" not in metafunc.fixturenames:
        return
    if Path(metafunc.definition.path).parent.name not in ON_BOTH_ENGINES:
        return
    if "db_path" in metafunc.fixturenames or _kept_on_sqlite(metafunc.definition):
        return
    postgres = pytest.param(
        POSTGRESQL,
        marks=[
            pytest.mark.postgresql,
            pytest.mark.skipif(postgres_url() is None, reason=NO_POSTGRES),
        ],
    )
    metafunc.parametrize("journal_backend", [SQLITE, postgres], indirect=True)


@pytest.fixture(scope="session")
def qapp(qapp_args: list[str], qapp_cls: type[Any]) -> Any:
    """pytest-qt's application, speaking the app's English: "1 patient", "2 patients"."""
    from PySide6.QtWidgets import QApplication

    from acujournal.ui.translations import install_translations

    app = QApplication.instance() or qapp_cls(qapp_args)
    install_translations(app)
    return app


@pytest.fixture(autouse=True)
def _isolated_user_folders(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep every test away from the real user's data and settings folders."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("ACUJOURNAL_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("ACUJOURNAL_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "xdg-config"))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "journal.sqlite3"


@pytest.fixture
def journal_backend(request: pytest.FixtureRequest) -> str:
    """The engine the journal of this test runs on: ``sqlite`` unless parametrized."""
    return str(getattr(request, "param", SQLITE))


@pytest.fixture(scope="session")
def postgres_journals() -> Iterator[PostgresJournals]:
    """Fresh PostgreSQL databases for this test process (see ``tests/backends.py``)."""
    url = postgres_url()
    if url is None:
        pytest.skip(NO_POSTGRES)
    journals = PostgresJournals(url)
    yield journals
    journals.close()


@pytest.fixture
def db_url(journal_backend: str, request: pytest.FixtureRequest) -> Iterator[URL]:
    """Where this test's journal lives: a SQLite file (not made yet), or a migrated,
    empty PostgreSQL database of its own (dropped afterwards)."""
    if journal_backend == SQLITE:
        yield database_url(request.getfixturevalue("db_path"))
        return
    journals: PostgresJournals = request.getfixturevalue("postgres_journals")
    with dropped_at_exit(journals, journals.new_migrated()) as url:
        yield url


@pytest.fixture
def db(db_url: URL) -> Iterator[Database]:
    """A fresh, migrated journal: a SQLite file in a temporary folder, or (see above) a
    PostgreSQL database."""
    database = open_database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def journal_args(db_url: URL, journal_backend: str) -> list[str]:
    """The command-line options that name this test's journal."""
    if journal_backend == SQLITE:
        return ["--db", str(db_url.database)]
    return ["--database-url", db_url.render_as_string(hide_password=False)]


@pytest.fixture
def other_room(db: Database, db_url: URL) -> Iterator[Database]:
    """The same journal opened a second time, as another treatment room has it."""
    room = open_database(db_url)
    yield room
    room.dispose()
