"""The idle lock hides patient data until the practitioner (or the passphrase) unlocks it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from acujournal.services.settings import ClinicDetails, get_idle_lock_minutes, save_settings
from acujournal.storage.db import Database, database_url, open_database
from acujournal.ui.main_window import MainWindow
from acujournal.ui.passphrase_dialog import PassphraseDialog
from tests.builders import make_journal


def _answer(answers: list[str], seen: list[tuple[bool, bool]], window: MainWindow) -> None:
    """Answer the unlock dialog(s) in turn, noting whether the data was hidden meanwhile."""

    def step() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, PassphraseDialog):
            QTimer.singleShot(10, step)
            return
        seen.append((window.centralWidget().isVisible(), window.menuBar().isEnabled()))
        answer = answers.pop(0)
        fields = [f for f in dialog.findChildren(QLineEdit) if f.isVisible()]
        if fields:
            fields[0].setText(answer)
        dialog._try_accept()
        if answers:
            QTimer.singleShot(10, step)

    QTimer.singleShot(0, step)


def test_the_idle_time_is_a_clinic_setting(db: Database) -> None:
    assert get_idle_lock_minutes(db) == 10
    save_settings(db, ClinicDetails(), [], {}, idle_lock_minutes=0)
    assert get_idle_lock_minutes(db) == 0


def test_locking_hides_the_data_until_confirmed(qtbot: QtBot, db: Database) -> None:
    make_journal(db, "Åse Bjørnstad")
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    assert window.idle_lock.idle_ms == 10 * 60_000
    seen: list[tuple[bool, bool]] = []
    _answer([""], seen, window)
    window.lock_action.trigger()
    assert seen == [(False, False)]
    assert window.centralWidget().isVisible()
    assert window.menuBar().isEnabled()
    assert not window.screen_locked


def test_an_encrypted_journal_unlocks_only_with_its_passphrase(
    qtbot: QtBot, tmp_path: Path
) -> None:
    db = open_database(database_url(tmp_path / "secret.sqlite3"), passphrase="correct horse")
    try:
        make_journal(db, "Åse Bjørnstad")
        window = MainWindow(db)
        qtbot.addWidget(window)
        window.show()
        seen: list[tuple[bool, bool]] = []
        _answer(["wrong one", "correct horse"], seen, window)
        window.idle_lock.lock()
        assert seen == [(False, False), (False, False)]
        assert window.centralWidget().isVisible()
        assert not window.screen_locked
    finally:
        window.close()
        db.dispose()
