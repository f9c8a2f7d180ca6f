"""Before a journal opens: one writer, a sound file (or a restored backup), a safe place."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from acujournal.services.backups import back_up_journal_file
from acujournal.services.patients import list_patients
from acujournal.storage.backup import BackupRecord
from acujournal.storage.db import Database, database_url, open_database
from acujournal.storage.integrity import IntegrityReport
from acujournal.ui.instance_lock import acquire_journal_lock
from acujournal.ui.startup import prepare_journal_file
from tests.builders import make_journal


@dataclass
class Answers:
    """A person answering the start-up questions, and what they were asked."""

    restore: bool = True
    open_anyway: bool = True
    passphrases: tuple[str, ...] = ()
    asked: list[str] = field(default_factory=list)

    def passphrase(self, journal: str, check: Callable[[str], str | None]) -> str | None:
        for candidate in self.passphrases:
            problem = check(candidate)
            self.asked.append(f"passphrase for {journal}: {problem or 'accepted'}")
            if problem is None:
                return candidate
        return None

    def refused(self, message: str) -> None:
        self.asked.append(f"refused: {message}")

    def damaged(self, report: IntegrityReport, backup: BackupRecord | None) -> bool:
        self.asked.append(f"damaged: {report.state} backup={backup is not None}")
        return self.restore

    def risky_location(self, warning: str) -> bool:
        self.asked.append(f"location: {warning}")
        return self.open_anyway

    def problem(self, message: str) -> None:
        self.asked.append(f"problem: {message}")


@pytest.fixture
def journal_file(db: Database, db_path: Path) -> Path:
    make_journal(db, "Åse Bjørnstad")
    db.dispose()
    return db_path


def _names(path: Path) -> list[str]:
    db = open_database(database_url(path))
    try:
        return [p.name for p in list_patients(db, include_archived=True)]
    finally:
        db.dispose()


def test_a_sound_journal_is_locked_and_opened_without_questions(journal_file: Path) -> None:
    answers = Answers()
    preparation = prepare_journal_file(journal_file, answers)
    assert preparation.proceed
    assert answers.asked == []
    assert acquire_journal_lock(journal_file) is None, "held for this window"
    assert preparation.lock is not None
    preparation.lock.unlock()


def test_a_second_window_is_refused_with_the_reason(journal_file: Path) -> None:
    first = prepare_journal_file(journal_file, Answers())
    answers = Answers()
    second = prepare_journal_file(journal_file, answers)
    assert not second.proceed
    assert "already open in another AcuJournal window" in (second.message or "")
    assert answers.asked[0].startswith("refused: ")
    assert first.lock is not None
    first.lock.unlock()


def test_a_damaged_journal_is_kept_and_the_newest_good_backup_restored(
    journal_file: Path, tmp_path: Path
) -> None:
    back_up_journal_file(journal_file)
    with journal_file.open("r+b") as stream:  # garble the header: no longer a database
        stream.write(b"\x00garbage\x00" * 10)
    damaged = journal_file.read_bytes()
    answers = Answers(restore=True)
    preparation = prepare_journal_file(journal_file, answers)
    assert preparation.proceed, preparation.message
    assert answers.asked[0].endswith("backup=True")
    assert preparation.restored_from is not None
    assert preparation.lock is not None
    preparation.lock.unlock()
    assert _names(journal_file) == ["Åse Bjørnstad"]
    kept = [p for p in tmp_path.iterdir() if p.is_file() and p.read_bytes() == damaged]
    assert kept, "the damaged file is kept aside, byte for byte"


def test_declining_the_restore_leaves_the_damaged_file_untouched(journal_file: Path) -> None:
    journal_file.write_bytes(b"\x00" * 8192)
    answers = Answers(restore=False)
    preparation = prepare_journal_file(journal_file, answers)
    assert not preparation.proceed
    assert "left as it is" in (preparation.message or "")
    assert answers.asked == ["damaged: zeroed backup=False"]
    assert journal_file.read_bytes() == b"\x00" * 8192
    assert acquire_journal_lock(journal_file) is not None, "the lock was given back"


def test_a_journal_in_a_synced_folder_is_opened_only_when_the_person_agrees(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "Dropbox" / "clinic"
    folder.mkdir(parents=True)
    path = folder / "journal.sqlite3"
    db = open_database(database_url(path))
    db.dispose()
    refusing = Answers(open_anyway=False)
    assert not prepare_journal_file(path, refusing).proceed
    assert refusing.asked[0].startswith("location: ")
    assert "Dropbox" in refusing.asked[0]
    agreeing = prepare_journal_file(path, Answers(open_anyway=True))
    assert agreeing.proceed
    assert agreeing.lock is not None
    agreeing.lock.unlock()


def test_a_new_journal_is_only_locked(tmp_path: Path) -> None:
    answers = Answers()
    preparation = prepare_journal_file(tmp_path / "new.sqlite3", answers)
    assert preparation.proceed
    assert answers.asked == []
    assert preparation.lock is not None
    preparation.lock.unlock()


def test_the_first_journal_gets_its_folder_made_owner_only(tmp_path: Path) -> None:
    # A fresh account has no data folder yet; the lock file needs one before anything opens.
    path = tmp_path / "new-user" / "data" / "journal.sqlite3"
    answers = Answers()
    preparation = prepare_journal_file(path, answers)
    assert preparation.proceed, answers.asked
    assert answers.asked == []
    assert (path.parent.stat().st_mode & 0o777) == 0o700
    assert preparation.lock is not None
    preparation.lock.unlock()


def test_a_journal_folder_that_cannot_be_made_is_named(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    answers = Answers()
    preparation = prepare_journal_file(blocker / "journal.sqlite3", answers)
    assert not preparation.proceed
    assert answers.asked == [f"problem: {preparation.message}"]
    assert str(blocker) in preparation.message


def test_an_encrypted_journal_asks_for_its_passphrase_first(tmp_path: Path) -> None:
    path = tmp_path / "secret.sqlite3"
    db = open_database(database_url(path), passphrase="correct horse battery")
    make_journal(db, "Åse Bjørnstad")
    db.dispose()

    answers = Answers(passphrases=("wrong guess 1", "correct horse battery"))
    preparation = prepare_journal_file(path, answers)
    assert preparation.proceed, preparation.message
    assert answers.asked == [
        "passphrase for secret.sqlite3: The passphrase is wrong, or this is not an AcuJournal "
        "journal.",
        "passphrase for secret.sqlite3: accepted",
    ]
    assert preparation.passphrase == "correct horse battery"
    assert preparation.lock is not None
    preparation.lock.unlock()

    before = path.read_bytes()
    giving_up = Answers(passphrases=("nope nope",), restore=False)
    assert not prepare_journal_file(path, giving_up).proceed
    assert giving_up.asked[-1] == "damaged: encrypted backup=False"
    assert path.read_bytes() == before


def test_work_done_while_the_pages_are_checked_lets_no_damaged_journal_through(
    journal_file: Path,
) -> None:
    size = journal_file.stat().st_size
    with journal_file.open("r+b") as stream:  # a page in the middle, the header intact
        stream.seek(size // 2 // 4096 * 4096)
        stream.write(b"\xff" * 4096)
    done: list[str] = []
    answers = Answers(restore=False)
    preparation = prepare_journal_file(
        journal_file, answers, meanwhile=lambda: done.append("window code loaded")
    )
    assert done == ["window code loaded"]
    assert not preparation.proceed
    assert answers.asked == ["damaged: damaged backup=False"]


def test_work_done_while_the_pages_are_checked_leaves_a_sound_journal_to_open(
    journal_file: Path,
) -> None:
    done: list[str] = []
    preparation = prepare_journal_file(journal_file, Answers(), meanwhile=lambda: done.append("x"))
    assert preparation.proceed
    assert done == ["x"]
    assert preparation.lock is not None
    preparation.lock.unlock()
