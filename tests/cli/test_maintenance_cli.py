"""``acujournal backup``, ``restore`` and ``check`` from the command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pytest

from acujournal.cli import maintenance
from acujournal.cli.common import CliError, add_database_options
from acujournal.services.backups import SERVER_BACKUP_REFUSAL, default_backup_folder
from acujournal.services.sessions import sign_session
from acujournal.storage.db import Database
from tests.builders import make_journal, make_session


def run(argv: list[str]) -> int:
    """Parse and run like ``acujournal`` does: an expected problem is one line on stderr."""
    parser = argparse.ArgumentParser(prog="acujournal")
    add_database_options(parser)
    maintenance.register(parser.add_subparsers())
    args = parser.parse_args(argv)
    try:
        result: int = args.handler(args)
    except CliError as error:
        print(f"acujournal: {error}", file=sys.stderr)
        return error.exit_code
    return result


@pytest.fixture
def closed_journal(db: Database, db_path: Path) -> Path:
    journal = make_journal(db)
    for day in range(2):
        sign_session(db, make_session(journal, days_later=day), journal.practitioner.id)
    db.dispose()
    return db_path


def test_backup_writes_a_checked_backup_and_lists_it(
    closed_journal: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "usb"
    assert run(["backup", "--db", str(closed_journal), "--out", str(out)]) == 0
    said = capsys.readouterr().out
    [backup] = out.glob("journal-*.sqlite3")
    assert said.startswith(f"Backed up {closed_journal} to {backup} (")
    assert "2 sessions); its check passed." in said

    assert run(["backup", "--list", "--db", str(closed_journal), "--out", str(out)]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert len(listing) == 1
    assert listing[0].endswith(f"{backup}  ok")


def test_backup_goes_to_the_default_folder(
    closed_journal: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["--db", str(closed_journal), "backup"]) == 0
    assert len(list(default_backup_folder().glob("journal-*.sqlite3"))) == 1


def test_a_server_database_is_left_to_the_server(capsys: pytest.CaptureFixture[str]) -> None:
    url = "postgresql+psycopg://clinic@server.invalid/journal"
    assert run(["backup", "--database-url", url]) == 1
    assert capsys.readouterr().err == f"acujournal: {SERVER_BACKUP_REFUSAL}\n"
    assert run(["restore", "some-backup.sqlite3", "--yes", "--database-url", url]) == 1
    assert "pg_dump" in capsys.readouterr().err


def test_backup_of_a_missing_journal_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    absent = tmp_path / "absent.sqlite3"
    assert run(["backup", "--db", str(absent)]) == 1
    assert capsys.readouterr().err == (
        f"acujournal: There is no journal database at {absent} to back up.\n"
    )
    assert not absent.exists()


def test_restore_explains_itself_and_changes_nothing_without_yes(
    closed_journal: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["backup", "--db", str(closed_journal)]) == 0
    [backup] = default_backup_folder().glob("journal-*.sqlite3")
    before = closed_journal.read_bytes()
    capsys.readouterr()

    assert run(["restore", str(backup), "--db", str(closed_journal)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"acujournal: Restoring replaces the journal {closed_journal} with")
    assert "journal.before-restore-<time>.sqlite3" in err
    assert err.endswith("Run the command again with --yes to restore.\n")
    assert closed_journal.read_bytes() == before


def test_restore_with_yes_puts_the_backup_in_place_and_keeps_the_old_file(
    db: Database, closed_journal: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["backup", "--db", str(closed_journal)]) == 0
    [backup] = default_backup_folder().glob("journal-*.sqlite3")
    replaced = closed_journal.read_bytes()
    capsys.readouterr()

    # A name alone is looked up among the backups.
    assert run(["restore", backup.name, "--yes", "--db", str(closed_journal)]) == 0
    said = capsys.readouterr().out.splitlines()
    assert said[0] == f"Restored {backup} as the journal {closed_journal}."
    [kept] = closed_journal.parent.glob("journal.before-restore-*.sqlite3")
    assert said[1] == f"The journal it replaced is kept as {kept}."
    assert kept.read_bytes() == replaced
    assert closed_journal.read_bytes() == backup.read_bytes()


def test_restore_of_a_file_that_does_not_exist(
    closed_journal: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["restore", "nowhere.sqlite3", "--yes", "--db", str(closed_journal)]) == 1
    assert capsys.readouterr().err == "acujournal: There is no backup file nowhere.sqlite3.\n"


def test_check_of_an_intact_journal_exits_with_0(
    closed_journal: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["check", "--db", str(closed_journal)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"The journal file {closed_journal} is intact."
    assert lines[1].startswith("The audit trail is intact: 5 entries checked")
    assert len(lines) == 2


def test_check_of_a_damaged_journal_exits_with_1_and_offers_the_newest_backup(
    closed_journal: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["backup", "--db", str(closed_journal)]) == 0
    [backup] = default_backup_folder().glob("journal-*.sqlite3")
    data = closed_journal.read_bytes()
    closed_journal.write_bytes(data[: len(data) // 2])
    capsys.readouterr()

    assert run(["check", "--db", str(closed_journal)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"The journal file {closed_journal} is truncated")
    assert lines[-1].startswith(f"The newest good backup is {backup} (")
    assert lines[-1].endswith(f"acujournal restore {backup} --db {closed_journal} --yes")
    assert len(closed_journal.read_bytes()) == len(data) // 2


@pytest.mark.sqlite_only  # copies the journal file
def test_check_of_a_journal_in_a_synced_folder_warns_and_exits_with_1(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    synced = tmp_path / "Dropbox" / "journal.sqlite3"
    synced.parent.mkdir()
    db.dispose()
    synced.write_bytes(Path(str(db.engine.url.database)).read_bytes())
    assert run(["check", "--db", str(synced)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"The journal file {synced} is intact."
    assert out[1].startswith(f"Warning: The journal {synced} is in a Dropbox folder")


def test_check_of_a_missing_journal_exits_with_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    absent = tmp_path / "absent.sqlite3"
    assert run(["check", "--db", str(absent)]) == 1
    assert capsys.readouterr().out == f"There is no journal file at {absent}.\n"
