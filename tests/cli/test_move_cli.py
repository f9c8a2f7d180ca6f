"""``acujournal migrate-db`` as clinic IT would run it, both ways.

The journal named by ``--db``/``--database-url`` (on SQLite or on PostgreSQL) is moved to an
empty database of the other engine. Skipped without a PostgreSQL server for the tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from acujournal.cli.move import target_url
from acujournal.services.move_journal import describe
from acujournal.services.patients import list_patients
from acujournal.services.sessions import sign_session
from acujournal.storage.db import Database, open_database
from tests.backends import PostgresJournals, dropped_at_exit
from tests.builders import Journal, make_journal, make_session
from tests.cli.running import run


@pytest.fixture
def journal(db: Database) -> Journal:
    journal = make_journal(db)
    for days in (0, 7):
        sign_session(db, make_session(journal, days_later=days), journal.practitioner.id)
    db.dispose()
    return journal


@pytest.fixture
def target(db: Database, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """``--to`` for an empty database of the other engine: a file path, or a server URL."""
    if not db.is_sqlite:
        yield str(tmp_path / "back" / "journal.sqlite3")
        return
    journals: PostgresJournals = request.getfixturevalue("postgres_journals")
    with dropped_at_exit(journals, journals.new_empty()) as url:
        yield url.render_as_string(hide_password=False)


def shown(to: str) -> str:
    """How the command names the target: a file as its path, a server without password."""
    return describe(target_url(to))


def test_migrate_db_copies_checks_and_says_so(
    journal: Journal,
    journal_args: list[str],
    target: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(["migrate-db", *journal_args, "--to", target], capsys)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith("Copied the journal at ")
    assert lines[0].endswith(f" to {shown(target)}:")
    assert any(line.split()[:2] == ["sessions", "2"] for line in lines)
    assert any(line.split()[:2] == ["needles", "16"] for line in lines)
    assert "Every table's row count and checksum match" in out
    assert "The audit trail is intact: 5 entries checked" in out
    password = target_url(target).password
    assert password is None or str(password) not in out

    moved = open_database(target_url(target), create=False)
    try:
        assert [p.name for p in list_patients(moved)] == [journal.patient.name]
    finally:
        moved.dispose()

    # Again into the same target: it holds the journal now, and is refused as it is.
    code, out, err = run(["migrate-db", *journal_args, "--to", target], capsys)
    assert (code, out) == (1, "")
    assert err.startswith(f"acujournal: The target {shown(target)} already holds a journal (")
    assert err.count("\n") == 1


def test_a_bad_target_is_one_clear_line(
    journal_args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["migrate-db", *journal_args, "--to", "nosuch://"], capsys)
    assert code == 1
    assert err.startswith("acujournal: ")
    assert "Traceback" not in err
    assert err.count("\n") == 1
