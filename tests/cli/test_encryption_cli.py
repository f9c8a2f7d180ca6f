"""``acujournal encrypt``, ``decrypt``, ``change-passphrase``, and encrypted journals elsewhere."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from acujournal.cli import encryption as encryption_cli
from acujournal.cli.main import parse, run_command
from acujournal.services.sessions import sign_session
from acujournal.storage.cipher import SQLITE_MAGIC, WRONG_PASSPHRASE, encryption_available
from acujournal.storage.db import Database, database_url, open_database
from tests.builders import make_journal, make_session

pytestmark = pytest.mark.skipif(not encryption_available(), reason="SQLCipher is not installed")

PASSPHRASE = "horse battery staple"
NEW = "another good passphrase"


def run(argv: list[str]) -> int:
    return run_command(parse(argv))


@pytest.fixture
def closed_journal(db: Database, db_path: Path) -> Path:
    journal = make_journal(db)
    sign_session(db, make_session(journal), journal.practitioner.id)
    db.dispose()
    return db_path


@pytest.fixture
def no_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    monkeypatch.delenv("ACUJOURNAL_PASSPHRASE", raising=False)
    monkeypatch.delenv("ACUJOURNAL_NEW_PASSPHRASE", raising=False)


@pytest.mark.usefixtures("no_terminal")
def test_encrypt_then_use_the_journal_with_the_passphrase_then_decrypt(
    closed_journal: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ACUJOURNAL_NEW_PASSPHRASE", PASSPHRASE)
    assert run(["encrypt", "--db", str(closed_journal)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Encrypted the journal {closed_journal}; its check passed.\n")
    assert "The unencrypted journal is kept as " in out
    assert "delete it securely" in out
    assert closed_journal.read_bytes()[:16] != SQLITE_MAGIC

    # Other commands need the passphrase, and say how to give it.
    monkeypatch.delenv("ACUJOURNAL_NEW_PASSPHRASE")
    export = closed_journal.parent / "export.json"
    assert run(["export", "--db", str(closed_journal), "--out", str(export)]) == 1
    err = capsys.readouterr().err
    assert err == (
        f"acujournal: The journal at {closed_journal} is encrypted: its passphrase is needed "
        "to open it. Set ACUJOURNAL_PASSPHRASE to it.\n"
    )
    monkeypatch.setenv("ACUJOURNAL_PASSPHRASE", "not the passphrase")
    assert run(["export", "--db", str(closed_journal), "--out", str(export)]) == 1
    assert capsys.readouterr().err == f"acujournal: {WRONG_PASSPHRASE}\n"
    monkeypatch.setenv("ACUJOURNAL_PASSPHRASE", PASSPHRASE)
    assert run(["export", "--db", str(closed_journal), "--out", str(export)]) == 0
    assert export.is_file()
    capsys.readouterr()

    # Backup, check and restore work on the encrypted journal with the passphrase.
    backups = closed_journal.parent / "backups"
    assert run(["backup", "--db", str(closed_journal), "--out", str(backups)]) == 0
    [backup] = backups.glob("journal-*.sqlite3")
    assert backup.read_bytes()[:16] != SQLITE_MAGIC
    assert run(["check", "--db", str(closed_journal)]) == 0
    assert "is intact (encrypted)" in capsys.readouterr().out
    assert run(["restore", str(backup), "--db", str(closed_journal), "--yes"]) == 0
    assert "Restored" in capsys.readouterr().out

    assert run(["decrypt", "--db", str(closed_journal)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"The journal {closed_journal} is stored unencrypted now")
    assert closed_journal.read_bytes()[:16] == SQLITE_MAGIC
    monkeypatch.delenv("ACUJOURNAL_PASSPHRASE")
    open_database(database_url(closed_journal), create=False).dispose()


@pytest.mark.usefixtures("no_terminal")
def test_change_passphrase(
    closed_journal: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ACUJOURNAL_PASSPHRASE", PASSPHRASE)
    assert run(["encrypt", "--db", str(closed_journal)]) == 0
    monkeypatch.setenv("ACUJOURNAL_NEW_PASSPHRASE", "short")
    assert run(["change-passphrase", "--db", str(closed_journal)]) == 1
    assert "at least 8 characters" in capsys.readouterr().err
    monkeypatch.setenv("ACUJOURNAL_NEW_PASSPHRASE", NEW)
    assert run(["change-passphrase", "--db", str(closed_journal)]) == 0
    assert "has its new passphrase" in capsys.readouterr().out
    open_database(database_url(closed_journal), passphrase=NEW).dispose()
    # The old passphrase no longer opens it.
    assert run(["change-passphrase", "--db", str(closed_journal)]) == 1
    assert capsys.readouterr().err == f"acujournal: {WRONG_PASSPHRASE}\n"


@pytest.mark.usefixtures("no_terminal")
def test_without_a_terminal_or_variable_the_commands_say_what_to_set(
    closed_journal: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(["encrypt", "--db", str(closed_journal)]) == 1
    assert capsys.readouterr().err == (
        "acujournal: Set ACUJOURNAL_NEW_PASSPHRASE to the new passphrase.\n"
    )
    assert run(["decrypt", "--db", str(closed_journal)]) == 1
    assert (
        capsys.readouterr().err == f"acujournal: The journal {closed_journal} is not encrypted.\n"
    )
    monkeypatch.setenv("ACUJOURNAL_PASSPHRASE", PASSPHRASE)
    assert run(["encrypt", "--db", str(closed_journal)]) == 0
    monkeypatch.delenv("ACUJOURNAL_PASSPHRASE")
    assert run(["decrypt", "--db", str(closed_journal)]) == 1
    assert capsys.readouterr().err.endswith(
        "is encrypted: set ACUJOURNAL_PASSPHRASE to its passphrase.\n"
    )
    # The check still reports what it can without the passphrase.
    assert run(["check", "--db", str(closed_journal)]) == 1
    assert "is encrypted; its pages can be checked only with its passphrase" in (
        capsys.readouterr().out
    )


def test_passphrases_are_asked_for_without_echo_on_a_terminal(
    closed_journal: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("ACUJOURNAL_PASSPHRASE", raising=False)
    monkeypatch.delenv("ACUJOURNAL_NEW_PASSPHRASE", raising=False)
    monkeypatch.setattr(encryption_cli, "_interactive", lambda: True)
    answers = iter([PASSPHRASE, "a different one"])
    prompts: list[str] = []

    def fake_getpass(prompt: str) -> str:
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr(encryption_cli.getpass, "getpass", fake_getpass)
    assert run(["encrypt", "--db", str(closed_journal)]) == 1
    assert prompts == ["New passphrase: ", "The new passphrase again: "]
    assert capsys.readouterr().err.endswith(
        "acujournal: The two passphrases differ; nothing was changed.\n"
    )
    assert closed_journal.read_bytes()[:16] == SQLITE_MAGIC

    answers = iter([PASSPHRASE, PASSPHRASE, PASSPHRASE])
    prompts.clear()
    assert run(["encrypt", "--db", str(closed_journal)]) == 0
    assert run(["decrypt", "--db", str(closed_journal)]) == 0
    assert prompts == [
        "New passphrase: ",
        "The new passphrase again: ",
        f"Passphrase for {closed_journal.name}: ",
    ]


def test_a_journal_open_in_the_app_is_not_converted(
    closed_journal: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    monkeypatch.setenv("ACUJOURNAL_NEW_PASSPHRASE", PASSPHRASE)
    Path(f"{closed_journal}.lock").write_text(f"1\nacujournal\n{socket.gethostname()}\n")
    before = closed_journal.read_bytes()
    assert run(["encrypt", "--db", str(closed_journal)]) == 1
    assert "is open in AcuJournal on this computer (process 1); close it first." in (
        capsys.readouterr().err
    )
    assert closed_journal.read_bytes() == before


def test_a_new_journal_created_with_the_variable_set_is_encrypted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACUJOURNAL_PASSPHRASE", PASSPHRASE)
    target = tmp_path / "new.sqlite3"
    assert run(["demo", "--db", str(target), "--patients", "2", "--years", "1"]) == 0
    assert target.read_bytes()[:16] != SQLITE_MAGIC
    db = open_database(database_url(target), passphrase=PASSPHRASE)
    db.dispose()
    assert db.encrypted
