"""Encryption at rest: encrypted journals, their backups, switching, and owner-only files."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from acujournal.services.backups import back_up_journal, restore_journal
from acujournal.services.patients import list_patients
from acujournal.services.sessions import record_session, sign_session
from acujournal.storage import encryption
from acujournal.storage.backup import BackupError, verify_backup
from acujournal.storage.cipher import (
    SQLITE_MAGIC,
    WRONG_PASSPHRASE,
    FileKind,
    encryption_available,
    file_kind,
)
from acujournal.storage.db import (
    Database,
    DatabaseOpenError,
    JournalDamagedError,
    PassphraseNeededError,
    WrongPassphraseError,
    database_url,
    open_database,
)
from acujournal.storage.encryption import EncryptionError
from acujournal.storage.integrity import FileState, check_database_file
from tests.builders import Journal, make_journal, make_session

pytestmark = pytest.mark.skipif(not encryption_available(), reason="SQLCipher is not installed")

PASSPHRASE = "horse battery staple"
NEW_PASSPHRASE = "correct horse, again"
# Distinctive text that must never appear in plain bytes anywhere on disk.
PATIENT_NAME = "Zebulon Quartermaine"
SECRET_NOTE = "Confided: night sweats since the divorce"
SECRETS = (PATIENT_NAME.encode(), SECRET_NOTE.encode(), b"Quartermaine", b"night sweats")
NOW = datetime(2026, 3, 9, 17, 45, 12, tzinfo=UTC)


@pytest.fixture
def journal_path(tmp_path: Path) -> Path:
    return tmp_path / "clinic" / "journal.sqlite3"


@pytest.fixture
def filled(journal_path: Path) -> Iterator[Journal]:
    """A new encrypted journal with one patient and two sessions (one signed)."""
    db = open_database(database_url(journal_path), passphrase=PASSPHRASE)
    yield fill(db)
    db.dispose()


@pytest.fixture
def encrypted(filled: Journal) -> Database:
    return filled.db


def fill(db: Database) -> Journal:
    journal = make_journal(db, patient_name=PATIENT_NAME)
    first = make_session(journal)
    first.notes.subjective = SECRET_NOTE
    sign_session(db, first, journal.practitioner.id)
    second = make_session(journal, days_later=7)
    second.internal_note = SECRET_NOTE
    record_session(db, second)
    return journal


def plaintext_leaks(folder: Path) -> list[str]:
    """Files under ``folder`` holding any of the secrets in plain bytes."""
    leaks = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            leaks += [f"{path.name}: {s!r}" for s in SECRETS if s in data]
    return leaks


def plain_copy(tmp_path: Path) -> Path:
    """A plain (unencrypted) journal with the same kind of content, closed."""
    path = tmp_path / "plain" / "journal.sqlite3"
    db = open_database(database_url(path))
    fill(db)
    db.dispose()
    return path


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# Creating and opening -------------------------------------------------------------------------


def test_a_journal_created_with_a_passphrase_is_encrypted_and_opens_with_it(
    encrypted: Database, journal_path: Path
) -> None:
    assert encrypted.encrypted
    header = journal_path.read_bytes()[:16]
    assert header != SQLITE_MAGIC
    assert file_kind(journal_path) is FileKind.ENCRYPTED
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        sqlite3.connect(journal_path).execute("SELECT * FROM sqlite_master").fetchall()

    encrypted.dispose()
    reopened = open_database(database_url(journal_path), create=False, passphrase=PASSPHRASE)
    try:
        assert [p.name for p in list_patients(reopened)] == [PATIENT_NAME]
        with reopened.engine.connect() as connection:
            pragma = lambda name: connection.execute(text(f"PRAGMA {name}")).scalar()  # noqa: E731
            assert pragma("journal_mode") == "wal"
            assert pragma("synchronous") == 2
            assert pragma("foreign_keys") == 1
            assert pragma("temp_store") == 2  # memory: no decrypted temporary files
    finally:
        reopened.dispose()


def test_the_passphrase_is_not_in_the_url_nor_in_any_description(encrypted: Database) -> None:
    assert PASSPHRASE not in repr(encrypted)
    assert PASSPHRASE not in str(encrypted.engine.url)
    assert PASSPHRASE not in encrypted.engine.url.render_as_string(hide_password=False)
    assert PASSPHRASE not in encrypted.location


def test_without_a_passphrase_an_encrypted_journal_asks_for_one(
    encrypted: Database, journal_path: Path
) -> None:
    encrypted.dispose()
    before = journal_path.read_bytes()
    with pytest.raises(PassphraseNeededError) as raised:
        open_database(database_url(journal_path))
    assert str(raised.value) == (
        f"The journal at {journal_path} is encrypted: its passphrase is needed to open it."
    )
    assert journal_path.read_bytes() == before


def test_a_wrong_passphrase_says_so_in_one_sentence_and_changes_nothing(
    encrypted: Database, journal_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    encrypted.dispose()
    before = journal_path.read_bytes()
    capfd.readouterr()
    with pytest.raises(WrongPassphraseError) as raised:
        open_database(database_url(journal_path), passphrase="horse battery stapler")
    assert str(raised.value) == WRONG_PASSPHRASE
    assert WRONG_PASSPHRASE == "The passphrase is wrong, or this is not an AcuJournal journal."
    assert journal_path.read_bytes() == before
    # SQLCipher's own log stays quiet: the sentence above is all a person sees.
    out, err = capfd.readouterr()
    assert out == err == ""


def test_a_passphrase_on_a_file_that_is_not_a_journal_gives_the_same_sentence(
    tmp_path: Path,
) -> None:
    stranger = tmp_path / "holiday.jpg"
    stranger.write_bytes(os.urandom(8192))
    with pytest.raises(WrongPassphraseError, match="or this is not an AcuJournal journal"):
        open_database(database_url(stranger), passphrase=PASSPHRASE)


def test_a_flipped_byte_in_the_first_page_is_reported_as_damage_not_a_wrong_passphrase(
    encrypted: Database, journal_path: Path
) -> None:
    encrypted.dispose()
    data = bytearray(journal_path.read_bytes())
    data[200] ^= 0x01
    journal_path.write_bytes(bytes(data))

    with pytest.raises(JournalDamagedError) as raised:
        open_database(database_url(journal_path), passphrase=PASSPHRASE)
    message = str(raised.value)
    assert message.startswith(f"The journal file {journal_path} is damaged: 1 page of its ")
    assert "(first: page 1)" in message
    assert journal_path.read_bytes() == bytes(data)
    # The wrong passphrase on the same file is still just "wrong".
    with pytest.raises(WrongPassphraseError):
        open_database(database_url(journal_path), passphrase="not the passphrase")


def test_a_flipped_byte_in_a_later_page_is_found_by_the_check(
    encrypted: Database, journal_path: Path
) -> None:
    encrypted.dispose()
    assert check_database_file(journal_path, passphrase=PASSPHRASE).state is FileState.OK
    data = bytearray(journal_path.read_bytes())
    pages = len(data) // 4096
    data[(pages - 1) * 4096 + 1000] ^= 0x80
    journal_path.write_bytes(bytes(data))

    report = check_database_file(journal_path, passphrase=PASSPHRASE)
    assert report.state is FileState.DAMAGED
    assert report.message.startswith(f"The journal file {journal_path} is damaged: 1 page of ")
    assert f"(first: page {pages})" in report.message
    assert report.details == (f"HMAC verification failed for page {pages}",)


def test_the_check_of_an_encrypted_journal_without_or_with_a_wrong_passphrase(
    encrypted: Database, journal_path: Path
) -> None:
    encrypted.dispose()
    unchecked = check_database_file(journal_path)
    assert unchecked.state is FileState.ENCRYPTED
    assert "can be checked only with its passphrase" in unchecked.message
    wrong = check_database_file(journal_path, passphrase="nope nope nope")
    assert wrong.state is FileState.ENCRYPTED
    assert "the passphrase given does not open it" in wrong.message
    good = check_database_file(journal_path, passphrase=PASSPHRASE)
    assert good.ok
    assert good.message == f"The journal file {journal_path} is intact (encrypted)."


def test_nothing_on_disk_holds_patient_text_in_plain_bytes(
    filled: Journal, journal_path: Path, tmp_path: Path
) -> None:
    encrypted = filled.db
    folder = journal_path.parent
    backups = tmp_path / "backups"
    # While open, with sessions waiting in the write-ahead log.
    for day in range(2, 12):
        session = make_session(filled, days_later=day)
        session.notes.subjective = SECRET_NOTE * 20
        record_session(encrypted, session)
    assert Path(f"{journal_path}-wal").stat().st_size > 0
    assert plaintext_leaks(folder) == []
    # A backup while open, then a checkpoint folding the log into the file.
    record = back_up_journal(encrypted, backups, now=NOW)
    assert record.verified
    with encrypted.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    assert plaintext_leaks(folder) == []
    assert plaintext_leaks(backups) == []
    # And after closing.
    encrypted.dispose()
    assert plaintext_leaks(tmp_path) == []
    # The secrets are really there, behind the passphrase.
    assert verify_backup(record.path, passphrase=PASSPHRASE).ok


# Backups ----------------------------------------------------------------------------------------


def test_an_encrypted_journal_is_backed_up_encrypted_and_restored_with_its_passphrase(
    encrypted: Database, tmp_path: Path
) -> None:
    backups = tmp_path / "backups"
    record = back_up_journal(encrypted, backups, now=NOW)
    assert record.verified
    assert record.counts["sessions"] == 2
    assert file_kind(record.path) is FileKind.ENCRYPTED
    assert mode(record.path) == 0o600
    assert mode(backups) == 0o700
    assert mode(backups / "manifest.json") == 0o600
    # Checking it needs the passphrase, and the right one.
    assert verify_backup(record.path).problem == (
        "it is encrypted: its passphrase is needed to check it"
    )
    assert verify_backup(record.path, passphrase="wrong wrong").problem == (
        "the passphrase is wrong, or this is not an AcuJournal journal"
    )

    target = tmp_path / "new-computer" / "journal.sqlite3"
    with pytest.raises(BackupError, match="the passphrase is wrong"):
        restore_journal(record.path, target, passphrase="wrong wrong")
    assert not target.exists()
    restore_journal(record.path, target, passphrase=PASSPHRASE)
    assert file_kind(target) is FileKind.ENCRYPTED
    assert mode(target) == 0o600
    restored = open_database(database_url(target), create=False, passphrase=PASSPHRASE)
    try:
        assert [p.name for p in list_patients(restored)] == [PATIENT_NAME]
        assert restored.encrypted
    finally:
        restored.dispose()


def test_a_backup_of_an_encrypted_journal_file_needs_its_passphrase(
    encrypted: Database, journal_path: Path, tmp_path: Path
) -> None:
    from acujournal.services.backups import back_up_journal_file

    with pytest.raises(BackupError, match="its passphrase is needed to back it up"):
        back_up_journal_file(journal_path, tmp_path / "backups", now=NOW)
    record = back_up_journal_file(journal_path, tmp_path / "backups", NOW, passphrase=PASSPHRASE)
    assert record.verified


# Encrypting, decrypting, changing the passphrase -----------------------------------------------


def test_encrypting_a_plain_journal_keeps_every_row_and_the_old_file_aside(
    tmp_path: Path,
) -> None:
    journal = plain_copy(tmp_path)
    original = journal.read_bytes()
    result = encryption.encrypt_journal(journal, PASSPHRASE, now=NOW)

    assert result.journal == journal
    assert result.set_aside == journal.with_name(
        "journal.before-encryption-20260309T174512Z.sqlite3"
    )
    assert result.set_aside.read_bytes() == original  # never deleted, never changed
    assert result.counts["sessions"] == 2
    assert file_kind(journal) is FileKind.ENCRYPTED
    assert mode(journal) == 0o600
    assert not any(s in journal.read_bytes() for s in SECRETS)
    assert sorted(p.name for p in journal.parent.iterdir()) == sorted(
        [journal.name, result.set_aside.name]
    )
    db = open_database(database_url(journal), create=False, passphrase=PASSPHRASE)
    try:
        [patient] = list_patients(db)
        assert patient.name == PATIENT_NAME
        assert db.encrypted
    finally:
        db.dispose()


def test_encrypting_refuses_a_short_passphrase_an_encrypted_journal_and_a_failed_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal = plain_copy(tmp_path)
    original = journal.read_bytes()
    with pytest.raises(EncryptionError, match="at least 8 characters"):
        encryption.encrypt_journal(journal, "short")

    def failed_check(*_args: object, **_kwargs: object) -> object:
        from acujournal.storage.backup import Verification

        return Verification(False, "simulated check failure", {})

    monkeypatch.setattr(encryption, "verify_backup", failed_check)
    with pytest.raises(EncryptionError, match="failed its check \\(simulated check failure\\)"):
        encryption.encrypt_journal(journal, PASSPHRASE)
    assert journal.read_bytes() == original
    assert sorted(p.name for p in journal.parent.iterdir()) == [journal.name]
    monkeypatch.undo()

    encryption.encrypt_journal(journal, PASSPHRASE)
    with pytest.raises(EncryptionError, match="already encrypted"):
        encryption.encrypt_journal(journal, PASSPHRASE)


def test_decrypting_gives_back_a_plain_journal_and_keeps_the_encrypted_one(
    encrypted: Database, journal_path: Path
) -> None:
    encrypted.dispose()
    before = journal_path.read_bytes()
    with pytest.raises(WrongPassphraseError):
        encryption.decrypt_journal(journal_path, "not it at all")
    assert journal_path.read_bytes() == before

    result = encryption.decrypt_journal(journal_path, PASSPHRASE, now=NOW)
    assert journal_path.read_bytes()[:16] == SQLITE_MAGIC
    assert result.set_aside.read_bytes()[:16] != SQLITE_MAGIC
    assert mode(journal_path) == 0o600
    db = open_database(database_url(journal_path), create=False)
    try:
        assert not db.encrypted
        assert [p.name for p in list_patients(db)] == [PATIENT_NAME]
    finally:
        db.dispose()


def test_changing_the_passphrase(encrypted: Database, journal_path: Path) -> None:
    encrypted.dispose()
    before = journal_path.read_bytes()
    with pytest.raises(WrongPassphraseError):
        encryption.change_passphrase(journal_path, "not the old one", NEW_PASSPHRASE)
    with pytest.raises(EncryptionError, match="at least 8"):
        encryption.change_passphrase(journal_path, PASSPHRASE, "short")
    assert journal_path.read_bytes() == before

    encryption.change_passphrase(journal_path, PASSPHRASE, NEW_PASSPHRASE)
    with pytest.raises(WrongPassphraseError):
        open_database(database_url(journal_path), passphrase=PASSPHRASE)
    db = open_database(database_url(journal_path), passphrase=NEW_PASSPHRASE)
    try:
        assert [p.name for p in list_patients(db)] == [PATIENT_NAME]
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        db.dispose()
    assert not any(s in journal_path.read_bytes() for s in SECRETS)


def test_a_journal_in_use_is_not_rekeyed(encrypted: Database, journal_path: Path) -> None:
    # The app holds the journal open (write-ahead log and all): the rekey cannot switch the
    # journal mode and refuses.
    with encrypted.engine.connect() as connection:
        connection.exec_driver_sql("SELECT count(*) FROM sessions").scalar()
        with pytest.raises(EncryptionError):
            encryption.change_passphrase(journal_path, PASSPHRASE, NEW_PASSPHRASE)
    encrypted.dispose()
    db = open_database(database_url(journal_path), passphrase=PASSPHRASE)
    db.dispose()


# Owner-only files -------------------------------------------------------------------------------


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The usual umask, under which new files would be readable by everyone."""
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.mark.usefixtures("usual_umask")
@pytest.mark.parametrize("passphrase", [None, PASSPHRASE])
def test_new_journals_their_logs_folders_and_backups_are_owner_only(
    tmp_path: Path, passphrase: str | None
) -> None:
    journal = tmp_path / "data" / "AcuJournal" / "journal.sqlite3"
    db = open_database(database_url(journal), passphrase=passphrase)
    try:
        fill(db)
        assert mode(journal) == 0o600
        assert mode(Path(f"{journal}-wal")) == 0o600
        assert mode(Path(f"{journal}-shm")) == 0o600
        assert mode(journal.parent) == 0o700
        assert mode(journal.parent.parent) == 0o700
        record = back_up_journal(db, tmp_path / "backups", now=NOW + timedelta(days=1))
    finally:
        db.dispose()
    assert mode(record.path) == 0o600
    assert mode(tmp_path / "backups") == 0o700


def test_a_journal_made_readable_by_others_is_made_owner_only_when_opened(
    tmp_path: Path,
) -> None:
    journal = plain_copy(tmp_path)
    journal.chmod(0o644)
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    open_database(database_url(journal)).dispose()
    assert mode(journal) == 0o600
    assert mode(shared) == 0o755


def test_without_sqlcipher_no_journal_meant_to_be_encrypted_is_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from acujournal.storage import cipher

    def unavailable() -> object:
        raise cipher.EncryptionUnavailableError(cipher.UNAVAILABLE)

    monkeypatch.setattr(cipher, "sqlcipher_module", unavailable)
    target = tmp_path / "new" / "journal.sqlite3"
    with pytest.raises(DatabaseOpenError, match='install AcuJournal with its "encryption" extra'):
        open_database(database_url(target), passphrase=PASSPHRASE)
    assert not target.exists()


def test_a_passphrase_given_for_a_plain_journal_opens_it_as_it_is(tmp_path: Path) -> None:
    journal = plain_copy(tmp_path)
    db = open_database(database_url(journal), passphrase=PASSPHRASE)
    try:
        assert not db.encrypted
        assert [p.name for p in list_patients(db)] == [PATIENT_NAME]
    finally:
        db.dispose()
    assert journal.read_bytes()[:16] == SQLITE_MAGIC
