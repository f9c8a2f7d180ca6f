"""Journals on PostgreSQL for the tests: one fresh database per test, cloned from a template.

``ACUJOURNAL_TEST_POSTGRES_URL`` names a scratch database on a server the tests may use as
they like (``scripts/postgres-for-tests`` starts a throwaway one). That database is only the
door in: each test process migrates a template database once, and every test gets its own
copy of it (``CREATE DATABASE ... TEMPLATE``, a file copy on the server, far quicker than
migrating again), dropped when the test ends. Tests in parallel processes never share one.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL, make_url

from acujournal.storage.db import open_database

POSTGRES_URL_ENV = "ACUJOURNAL_TEST_POSTGRES_URL"
NAME_PREFIX = "acujournal_t_"


def postgres_url() -> str | None:
    """The scratch database the tests were given, or None to run on SQLite only."""
    return os.environ.get(POSTGRES_URL_ENV) or None


class PostgresJournals:
    """Makes and drops test databases on one server, through the scratch database's door."""

    def __init__(self, scratch_url: str) -> None:
        self.scratch: URL = make_url(scratch_url)
        # CREATE and DROP DATABASE cannot run inside a transaction.
        self.admin: Engine = create_engine(
            self.scratch, isolation_level="AUTOCOMMIT", pool_pre_ping=True
        )
        self.template: str | None = None
        with self.admin.connect() as connection:
            version = int(connection.execute(text("SHOW server_version_num")).scalar_one())
        # From PostgreSQL 15 on, the default copy goes through the write-ahead log block by
        # block; copying the template's files is quicker for a small database like this.
        self.copy_strategy = " STRATEGY FILE_COPY" if version >= 150000 else ""

    def url(self, name: str) -> URL:
        return self.scratch.set(database=name)

    def _create(self, name: str, template: str | None = None) -> None:
        clause = f" TEMPLATE {template}{self.copy_strategy}" if template else ""
        with self.admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {name}{clause}"))

    def drop(self, name: str) -> None:
        """Drop a database, closing whatever connections a test left open on it."""
        with self.admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))

    def _template(self) -> str:
        if self.template is None:
            name = f"{NAME_PREFIX}template_{uuid.uuid4().hex[:12]}"
            self._create(name)
            self.template = name
            migrated = open_database(self.url(name))
            migrated.dispose()  # a template must have no connections when it is copied
        return self.template

    def new_migrated(self) -> URL:
        """A database of its own, at the newest schema and empty."""
        template = self._template()
        name = f"{NAME_PREFIX}{uuid.uuid4().hex[:16]}"
        self._create(name, template)
        return self.url(name)

    def new_empty(self) -> URL:
        """A database of its own with no tables at all (a target to move a journal to)."""
        name = f"{NAME_PREFIX}{uuid.uuid4().hex[:16]}"
        self._create(name)
        return self.url(name)

    def close(self) -> None:
        if self.template is not None:
            self.drop(self.template)
            self.template = None
        self.admin.dispose()


@contextmanager
def dropped_at_exit(journals: PostgresJournals, url: URL) -> Iterator[URL]:
    """Hand ``url`` to the test, then drop its database."""
    try:
        yield url
    finally:
        assert url.database is not None
        journals.drop(url.database)
