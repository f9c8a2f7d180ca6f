"""The passphrase dialog: asking (with limited tries), choosing a new one, confirming."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLineEdit
from pytestqt.qtbot import QtBot

from acujournal.storage.cipher import WRONG_PASSPHRASE
from acujournal.ui.passphrase_dialog import PassphraseDialog, PassphraseMode

RIGHT = "horse battery staple"


def click_ok(qtbot: QtBot, dialog: PassphraseDialog) -> None:
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)


def checker(tried: list[str]) -> object:
    def check(passphrase: str) -> str | None:
        tried.append(passphrase)
        return None if passphrase == RIGHT else WRONG_PASSPHRASE

    return check


@pytest.fixture
def ask(qtbot: QtBot) -> tuple[PassphraseDialog, list[str]]:
    tried: list[str] = []
    dialog = PassphraseDialog(
        PassphraseMode.ASK, journal="journal.sqlite3", check=checker(tried), max_attempts=3
    )
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog, tried


def test_the_right_passphrase_opens(qtbot: QtBot, ask: tuple[PassphraseDialog, list[str]]) -> None:
    dialog, tried = ask
    assert "journal.sqlite3 is encrypted" in dialog.intro.text()
    assert dialog.passphrase_edit.echoMode() is QLineEdit.EchoMode.Password
    qtbot.keyClicks(dialog.passphrase_edit, RIGHT)
    click_ok(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.passphrase() == RIGHT
    assert tried == [RIGHT]
    assert dialog.passphrase_edit.text() == ""  # not left in the widget


def test_a_wrong_passphrase_says_so_clears_the_field_and_counts_down(
    qtbot: QtBot, ask: tuple[PassphraseDialog, list[str]]
) -> None:
    dialog, tried = ask
    qtbot.keyClicks(dialog.passphrase_edit, "horse battery")
    click_ok(qtbot, dialog)
    assert dialog.isVisible()
    assert dialog.error_text() == f"{WRONG_PASSPHRASE} 2 tries left."
    assert dialog.passphrase_edit.text() == ""

    qtbot.keyClicks(dialog.passphrase_edit, "staple")
    click_ok(qtbot, dialog)
    assert dialog.error_text() == f"{WRONG_PASSPHRASE} 1 try left."

    qtbot.keyClicks(dialog.passphrase_edit, RIGHT)
    click_ok(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert tried == ["horse battery", "staple", RIGHT]


def test_after_the_last_try_the_dialog_gives_up(
    qtbot: QtBot, ask: tuple[PassphraseDialog, list[str]]
) -> None:
    dialog, tried = ask
    for attempt in ("one", "two", "three"):
        qtbot.keyClicks(dialog.passphrase_edit, attempt)
        click_ok(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert dialog.attempts_exhausted
    assert dialog.passphrase() is None
    assert tried == ["one", "two", "three"]


def test_an_empty_passphrase_is_not_tried(
    qtbot: QtBot, ask: tuple[PassphraseDialog, list[str]]
) -> None:
    dialog, tried = ask
    click_ok(qtbot, dialog)
    assert dialog.error_text() == "Type the passphrase."
    assert tried == []
    assert dialog.attempts == 0


def test_show_passphrase_toggles_what_is_shown(
    qtbot: QtBot, ask: tuple[PassphraseDialog, list[str]]
) -> None:
    dialog, _ = ask
    dialog.show_passphrase.setChecked(True)
    assert dialog.passphrase_edit.echoMode() is QLineEdit.EchoMode.Normal
    dialog.show_passphrase.setChecked(False)
    assert dialog.passphrase_edit.echoMode() is QLineEdit.EchoMode.Password


@pytest.fixture
def choose(qtbot: QtBot) -> PassphraseDialog:
    dialog = PassphraseDialog(
        PassphraseMode.SET_NEW, journal="Clinic journal", allow_unencrypted=True
    )
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_a_new_passphrase_is_typed_twice_and_must_be_long_enough(
    qtbot: QtBot, choose: PassphraseDialog
) -> None:
    dialog = choose
    assert dialog.confirm_edit.isVisible()
    assert "cannot be recovered" in dialog.intro.text()
    qtbot.keyClicks(dialog.passphrase_edit, "short")
    qtbot.keyClicks(dialog.confirm_edit, "short")
    click_ok(qtbot, dialog)
    assert dialog.error_text() == "A passphrase needs at least 8 characters."
    assert dialog.isVisible()

    dialog.passphrase_edit.setText(RIGHT)
    dialog.confirm_edit.setText(RIGHT + "!")
    click_ok(qtbot, dialog)
    assert dialog.error_text() == "The two passphrases differ; type the same one twice."
    assert dialog.confirm_edit.text() == ""

    dialog.show_passphrase.setChecked(True)
    assert dialog.confirm_edit.echoMode() is QLineEdit.EchoMode.Normal
    qtbot.keyClicks(dialog.confirm_edit, RIGHT)
    click_ok(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.passphrase() == RIGHT
    assert not dialog.chose_unencrypted


def test_a_new_journal_may_stay_unencrypted(qtbot: QtBot, choose: PassphraseDialog) -> None:
    dialog = choose
    assert dialog.unencrypted_button is not None
    qtbot.mouseClick(dialog.unencrypted_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.chose_unencrypted
    assert dialog.passphrase() is None


def test_confirm_mode_asks_for_no_passphrase(qtbot: QtBot) -> None:
    dialog = PassphraseDialog(PassphraseMode.CONFIRM)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.passphrase_edit.isVisible()
    assert "locked" in dialog.intro.text()
    click_ok(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.passphrase() is None
