"""Starting the clinic's own journal from the demo clinic, and switching its encryption later."""

from __future__ import annotations

import argparse
import hashlib
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from acujournal.app import choose_database
from acujournal.services.backups import back_up_journal
from acujournal.services.patients import list_patients
from acujournal.services.practitioners import list_practitioners
from acujournal.services.settings import get_clinic_details
from acujournal.storage.cipher import FileKind, file_kind, is_encrypted
from acujournal.storage.db import (
    Database,
    DiskFullError,
    PassphraseNeededError,
    WrongPassphraseError,
    database_url,
    default_database_path,
    open_database,
    user_data_dir,
)
from acujournal.storage.encryption import EncryptionError
from acujournal.ui.application import open_main_window
from acujournal.ui.instance_lock import acquire_journal_lock, lock_path
from acujournal.ui.main_window import MainWindow
from acujournal.ui.new_journal_dialog import (
    NewJournalDialog,
    NewPassphraseDialog,
    Strength,
    passphrase_strength,
)
from acujournal.ui.passphrase_dialog import PassphraseDialog
from tests.builders import make_journal

PASSPHRASE = "lantern meadow copper river"
OTHER = "seven quiet harbour lights"


@pytest.fixture
def demo_window(qtbot: QtBot) -> Iterator[MainWindow]:
    """The demo clinic's window, holding the demo's lock, as a first start opens it."""
    demo = user_data_dir().resolve() / "demo-clinic.sqlite3"
    demo.parent.mkdir(parents=True)
    lock = acquire_journal_lock(demo)
    assert lock is not None
    db = open_database(database_url(demo))
    make_journal(db, "Demo Patient")
    window = open_main_window(db, is_demo=True, lock=lock, backups=False)
    qtbot.addWidget(window)
    yield window
    window.journal_actions.release()


@pytest.fixture
def messages(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, str]]:
    """Every message box shown, as (kind, title, text), answered at once."""
    shown: list[tuple[str, str, str]] = []
    for kind in ("information", "warning", "critical"):

        def show(_parent: object, title: str, text: str, *_args: object, kind: str = kind) -> int:
            shown.append((kind, title, text))
            return int(QMessageBox.StandardButton.Ok.value)

        monkeypatch.setattr(f"acujournal.ui.journal_actions.QMessageBox.{kind}", show)
    return shown


def answer_new_journal(
    monkeypatch: pytest.MonkeyPatch,
    *,
    clinic: str = "Fjord Acupuncture",
    practitioner: str = "Dr Ada Berg",
    qualification: str = "Lic.Ac.",
    protect: bool = True,
    passphrase: str = PASSPHRASE,
    again: str | None = None,
    before_ok: Callable[[], None] | None = None,
) -> list[str]:
    """Fill in the new-journal dialog and press OK; returns the error shown after each OK."""
    errors: list[str] = []

    def fake_exec(dialog: NewJournalDialog) -> int:
        dialog.clinic_name.setText(clinic)
        dialog.practitioner_name.setText(practitioner)
        dialog.qualification.setText(qualification)
        dialog.protect.setChecked(protect)
        dialog.passphrase_fields.passphrase_edit.setText(passphrase)
        dialog.passphrase_fields.confirm_edit.setText(passphrase if again is None else again)
        if before_ok is not None:
            before_ok()
        dialog.try_accept()
        errors.append(dialog.error_text())
        return dialog.result()

    monkeypatch.setattr(NewJournalDialog, "exec", fake_exec)
    return errors


def _names(window: MainWindow) -> list[str]:
    model = window.filtered
    return sorted(model.index(row, 0).data() for row in range(model.rowCount()))


def _new_window(qtbot: QtBot, window: MainWindow | None) -> MainWindow:
    assert window is not None
    qtbot.addWidget(window)
    return window


# Starting the clinic's journal -----------------------------------------------------------------


def test_the_demo_window_says_it_is_a_demo_and_offers_the_way_out(demo_window: MainWindow) -> None:
    actions = demo_window.journal_actions
    assert actions.notice is not None
    assert actions.notice.isVisible()
    assert "demo clinic with made-up patients" in actions.notice.text.text()
    assert demo_window.journal_menu.actions()[0] is actions.new_journal_action
    assert actions.new_journal_action.text().replace("&", "") == "New clinic journal…"
    # Made-up patients are not encrypted.
    assert not actions.protect_action.isEnabled()


def test_an_encrypted_clinic_journal_replaces_the_demo(
    qtbot: QtBot, demo_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo = Path(str(demo_window.db.engine.url.database))
    errors = answer_new_journal(monkeypatch)
    journal = _new_window(qtbot, demo_window.journal_actions.new_clinic_journal())
    try:
        assert errors == [""]
        path = default_database_path().resolve()
        assert path.exists()
        assert is_encrypted(path)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        with pytest.raises(PassphraseNeededError):
            open_database(database_url(path))

        # The new window shows the new journal, and holds its lock.
        assert journal.isVisible()
        assert not demo_window.isVisible()
        assert not journal.is_demo
        assert "demo" not in journal.windowTitle()
        assert journal.journal_actions.notice is None
        assert journal.db.location == str(path)
        assert journal.db.encrypted
        assert get_clinic_details(journal.db).name == "Fjord Acupuncture"
        [practitioner] = list_practitioners(journal.db)
        assert (practitioner.name, practitioner.qualification) == ("Dr Ada Berg", "Lic.Ac.")
        assert journal.practitioner_combo.currentText() == "Dr Ada Berg"
        assert journal.patients.rowCount() == 0
        assert lock_path(path).exists()
        assert journal.journal_actions.change_action.isEnabled()

        # The next start opens it rather than the demo.
        assert choose_database(argparse.Namespace(db=None, database_url=None)) == (
            str(path),
            None,
            False,
        )

        # The demo's lock was released: another window could take it now.
        assert not lock_path(demo).exists()
        again = acquire_journal_lock(demo)
        assert again is not None
        again.unlock()
    finally:
        journal.journal_actions.release()
    assert not lock_path(path).exists()
    reopened = open_database(database_url(path), passphrase=PASSPHRASE)
    try:
        assert get_clinic_details(reopened).name == "Fjord Acupuncture"
    finally:
        reopened.dispose()


def test_an_unencrypted_clinic_journal_when_the_box_is_unticked(
    qtbot: QtBot, demo_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    answer_new_journal(monkeypatch, protect=False, passphrase="", again="")
    journal = _new_window(qtbot, demo_window.journal_actions.new_clinic_journal())
    try:
        path = default_database_path().resolve()
        assert file_kind(path) is FileKind.PLAIN
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert not journal.db.encrypted
        assert get_clinic_details(journal.db).name == "Fjord Acupuncture"
        assert journal.journal_actions.protect_action.isEnabled()
        assert not journal.journal_actions.remove_action.isEnabled()
    finally:
        journal.journal_actions.release()


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"again": "lantern meadow copper rivet"}, "Passphrase again:"),
        ({"passphrase": "short", "again": "short"}, "Passphrase:"),
        ({"clinic": "   "}, "Clinic name:"),
        ({"practitioner": ""}, "Practitioner's name:"),
    ],
)
def test_a_mistake_names_its_field_and_creates_nothing(
    demo_window: MainWindow,
    monkeypatch: pytest.MonkeyPatch,
    answers: dict[str, str],
    field: str,
) -> None:
    demo = Path(str(demo_window.db.engine.url.database))
    errors = answer_new_journal(monkeypatch, **answers)  # type: ignore[arg-type]
    assert demo_window.journal_actions.new_clinic_journal() is None
    assert len(errors) == 1
    assert errors[0].startswith(field)
    assert not default_database_path().exists()
    assert not lock_path(default_database_path().resolve()).exists()
    # The demo stays open and usable.
    assert demo_window.isVisible()
    assert lock_path(demo).exists()
    assert _names(demo_window) == ["Demo Patient"]


def test_an_existing_journal_is_never_overwritten(
    demo_window: MainWindow, monkeypatch: pytest.MonkeyPatch, messages: list[tuple[str, str, str]]
) -> None:
    path = default_database_path().resolve()
    existing = open_database(database_url(path))
    make_journal(existing, "Real Patient")
    existing.dispose()
    before = hashlib.sha256(path.read_bytes()).hexdigest()

    def never(_dialog: NewJournalDialog) -> int:
        raise AssertionError("the dialog should not open")

    monkeypatch.setattr(NewJournalDialog, "exec", never)
    assert demo_window.journal_actions.new_clinic_journal() is None
    [(kind, _title, text)] = messages
    assert kind == "information"
    assert str(path) in text
    assert "never overwrites" in text
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert demo_window.isVisible()


def test_a_journal_made_while_the_dialog_was_open_is_not_overwritten(
    demo_window: MainWindow, monkeypatch: pytest.MonkeyPatch, messages: list[tuple[str, str, str]]
) -> None:
    path = default_database_path().resolve()

    def made_elsewhere() -> None:
        path.write_bytes(b"someone else's journal")

    answer_new_journal(monkeypatch, before_ok=made_elsewhere)
    assert demo_window.journal_actions.new_clinic_journal() is None
    assert path.read_bytes() == b"someone else's journal"
    assert [m[0] for m in messages] == ["information"]
    assert str(path) in messages[0][2]
    assert demo_window.isVisible()


def test_a_journal_that_cannot_be_finished_is_removed_again(
    demo_window: MainWindow, monkeypatch: pytest.MonkeyPatch, messages: list[tuple[str, str, str]]
) -> None:
    def disk_full(*_args: object) -> None:
        raise DiskFullError("The disk is full.")

    monkeypatch.setattr("acujournal.ui.journal_actions.save_settings", disk_full)
    answer_new_journal(monkeypatch)
    assert demo_window.journal_actions.new_clinic_journal() is None
    path = default_database_path().resolve()
    assert messages == [("warning", "Journal not created", "The disk is full.")]
    assert list(path.parent.glob("journal.sqlite3*")) == []
    assert demo_window.isVisible()
    assert _names(demo_window) == ["Demo Patient"]


def test_the_strength_hint_prefers_long_passphrases() -> None:
    assert passphrase_strength("")[0] is Strength.NONE
    assert passphrase_strength("abc")[0] is Strength.TOO_SHORT
    assert passphrase_strength("password123")[0] is Strength.WEAK
    assert passphrase_strength("aaaaaaaaaaaa")[0] is Strength.WEAK
    assert passphrase_strength("Tr0ub4dor")[0] is Strength.WEAK
    assert passphrase_strength("maple Harbour 7")[0] is Strength.FAIR
    assert passphrase_strength(PASSPHRASE)[0] is Strength.STRONG


def test_the_dialog_warns_that_a_passphrase_cannot_be_recovered(qtbot: QtBot) -> None:
    dialog = NewJournalDialog(Path("/somewhere/journal.sqlite3"))
    qtbot.addWidget(dialog)
    assert dialog.protect.isChecked()
    assert "cannot be recovered" in dialog.passphrase_fields.warning.text()
    qtbot.keyClicks(dialog.passphrase_fields.passphrase_edit, PASSPHRASE)
    assert dialog.passphrase_fields.strength.text() == "Strength: Strong."
    dialog.protect.setChecked(False)
    assert not dialog.passphrase_fields.isEnabled()
    unavailable = NewJournalDialog(
        Path("/somewhere/journal.sqlite3"),
        encryption_available=False,
        unavailable_reason="SQLCipher is not installed.",
    )
    qtbot.addWidget(unavailable)
    assert not unavailable.protect.isChecked()
    assert not unavailable.protect.isEnabled()


# Encryption switched later ---------------------------------------------------------------------


@pytest.fixture
def clinic(qtbot: QtBot, db: Database) -> MainWindow:
    for name in ("Åse Bjørnstad", "José Núñez", "Mark Olsen"):
        make_journal(db, name)
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    return window


def answer_new_passphrase(
    monkeypatch: pytest.MonkeyPatch, new: str, current: str | None = None
) -> list[str]:
    errors: list[str] = []

    def fake_exec(dialog: NewPassphraseDialog) -> int:
        if current is not None:
            dialog.current_edit.setText(current)
        dialog.passphrase_fields.passphrase_edit.setText(new)
        dialog.passphrase_fields.confirm_edit.setText(new)
        dialog.try_accept()
        errors.append(dialog.error_text())
        return dialog.result()

    monkeypatch.setattr(NewPassphraseDialog, "exec", fake_exec)
    return errors


def answer_current_passphrase(monkeypatch: pytest.MonkeyPatch, current: str) -> None:
    def fake_exec(dialog: PassphraseDialog) -> int:
        dialog.passphrase_edit.setText(current)
        dialog._try_accept()
        return dialog.result()

    monkeypatch.setattr(PassphraseDialog, "exec", fake_exec)


def test_protect_change_and_remove_keep_every_patient(
    clinic: MainWindow,
    db_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    messages: list[tuple[str, str, str]],
) -> None:
    actions = clinic.journal_actions
    everyone = _names(clinic)
    ids = sorted(p.id for p in list_patients(clinic.db))
    assert len(everyone) == 3
    assert actions.protect_action.isEnabled()
    assert not actions.change_action.isEnabled()

    # Plain → encrypted.
    answer_new_passphrase(monkeypatch, PASSPHRASE)
    assert actions.protect_with_passphrase()
    assert is_encrypted(db_path)
    assert clinic.db.encrypted
    assert _names(clinic) == everyone
    assert clinic.patient_view.isVisible()
    assert sorted(p.id for p in list_patients(clinic.db)) == ids
    [(kind, _title, text)] = messages
    assert kind == "information"
    aside = next(db_path.parent.glob("journal.before-encryption-*.sqlite3"))
    assert str(aside) in text
    assert not actions.protect_action.isEnabled()
    assert actions.change_action.isEnabled()
    assert actions.remove_action.isEnabled()
    # Backups made from now on are encrypted with the journal's passphrase.
    backup = back_up_journal(clinic.db, tmp_path / "backups")
    assert is_encrypted(backup.path)
    # The window keeps working: a new patient is saved into the encrypted journal.
    make_journal(clinic.db, "Nora Lind")
    clinic.reload_patients()
    assert "Nora Lind" in _names(clinic)
    everyone = _names(clinic)

    # A new passphrase.
    answer_new_passphrase(monkeypatch, OTHER, current=PASSPHRASE)
    assert actions.change_passphrase()
    assert is_encrypted(db_path)
    assert _names(clinic) == everyone
    with pytest.raises(WrongPassphraseError):
        open_database(database_url(db_path), passphrase=PASSPHRASE)

    # Encrypted → plain.
    answer_current_passphrase(monkeypatch, OTHER)
    assert actions.remove_passphrase()
    assert file_kind(db_path) is FileKind.PLAIN
    assert not clinic.db.encrypted
    assert _names(clinic) == everyone
    assert actions.protect_action.isEnabled()
    assert not actions.remove_action.isEnabled()
    assert [m[0] for m in messages] == ["information"] * 3
    plain = open_database(database_url(db_path))
    try:
        assert sorted(p.name for p in list_patients(plain)) == everyone
    finally:
        plain.dispose()


def test_a_wrong_current_passphrase_changes_nothing(
    clinic: MainWindow,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    messages: list[tuple[str, str, str]],
) -> None:
    answer_new_passphrase(monkeypatch, PASSPHRASE)
    assert clinic.journal_actions.protect_with_passphrase()
    errors = answer_new_passphrase(monkeypatch, OTHER, current="not the passphrase")
    assert not clinic.journal_actions.change_passphrase()
    assert errors[0].startswith("Current passphrase:")
    assert clinic.db.passphrase == PASSPHRASE
    assert len(_names(clinic)) == 3


def test_a_failed_conversion_leaves_the_journal_open_as_it_was(
    clinic: MainWindow,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    messages: list[tuple[str, str, str]],
) -> None:
    def refuse(_journal: Path, _passphrase: str) -> None:
        raise EncryptionError("The copy failed its check; the journal was left as it was.")

    monkeypatch.setattr("acujournal.ui.journal_actions.encrypt_journal", refuse)
    answer_new_passphrase(monkeypatch, PASSPHRASE)
    assert not clinic.journal_actions.protect_with_passphrase()
    assert messages == [
        (
            "warning",
            "Nothing was changed",
            "The copy failed its check; the journal was left as it was.",
        )
    ]
    assert file_kind(db_path) is FileKind.PLAIN
    assert not clinic.db.encrypted
    assert len(_names(clinic)) == 3
    make_journal(clinic.db, "Nora Lind")  # still writable
    assert clinic.journal_actions.protect_action.isEnabled()


def test_encryption_is_not_offered_for_a_server_database(clinic: MainWindow) -> None:
    real = clinic.db
    clinic.db = SimpleNamespace(is_sqlite=False, encrypted=False)  # type: ignore[assignment]
    try:
        clinic.journal_actions.update_state()
        assert not clinic.journal_actions.encryption_menu.menuAction().isVisible()
        assert not clinic.journal_actions.protect_action.isEnabled()
    finally:
        clinic.db = real
    clinic.journal_actions.update_state()
    assert clinic.journal_actions.encryption_menu.menuAction().isVisible()
