"""Asking for a journal's passphrase, choosing a new one, or confirming an unlock.

Three modes:

- ``ASK``: the passphrase of an encrypted journal, to open it or to unlock the app after it
  locked itself. The caller's ``check`` tries the passphrase and returns an error sentence
  (or None when it opened); a wrong passphrase clears the field and says how many tries are
  left, and after ``max_attempts`` the dialog gives up (``attempts_exhausted``).
- ``SET_NEW``: a new passphrase, typed twice, for a journal being created or encrypted; it
  must follow ``new_passphrase_problem``'s rules. With ``allow_unencrypted`` a button lets the
  practitioner keep the journal unencrypted instead (``chose_unencrypted``).
- ``CONFIRM``: no passphrase (an unencrypted journal): the practitioner confirms it is them
  before the patient data is shown again.

Passphrases are typed hidden; "Show passphrase" shows them while it is ticked. The dialog
only collects and checks; opening the journal is the caller's (through ``check``).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from acujournal.storage.encryption import new_passphrase_problem

DEFAULT_MAX_ATTEMPTS = 5


def secret_field(name: str) -> QLineEdit:
    """A line edit for a passphrase: typed hidden, named ``name`` for screen readers."""
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setAccessibleName(name)
    # No input method suggestions or history for a secret.
    field.setInputMethodHints(
        Qt.InputMethodHint.ImhHiddenText
        | Qt.InputMethodHint.ImhNoPredictiveText
        | Qt.InputMethodHint.ImhSensitiveData
    )
    return field


def show_secrets(visible: bool, *fields: QLineEdit) -> None:
    """Show what was typed in ``fields`` (the "Show passphrase" box), or hide it again."""
    mode = QLineEdit.EchoMode.Normal if visible else QLineEdit.EchoMode.Password
    for field in fields:
        field.setEchoMode(mode)


def show_error_text(label: QLabel, text: str) -> None:
    """Show ``text`` in ``label`` as an error, readable on a light or a dark palette."""
    dark = label.palette().color(QPalette.ColorRole.Window).lightness() < 128
    colour = QColor("#ff8a80" if dark else "#b3261e")
    label.setStyleSheet(f"color: {colour.name()}; font-weight: bold;")
    label.setText(text)
    label.setAccessibleName(text)
    label.show()


class PassphraseMode(Enum):
    ASK = "ask"
    SET_NEW = "set_new"
    CONFIRM = "confirm"


class PassphraseDialog(QDialog):
    """The passphrase dialog; see the module's description of the three modes."""

    def __init__(
        self,
        mode: PassphraseMode,
        *,
        journal: str = "",
        check: Callable[[str], str | None] | None = None,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        allow_unencrypted: bool = False,
        message: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.mode = mode
        self._check = check
        self.max_attempts = max(1, max_attempts)
        self.attempts = 0
        self.attempts_exhausted = False
        self.chose_unencrypted = False
        self._passphrase: str | None = None

        titles = {
            PassphraseMode.ASK: self.tr("Passphrase"),
            PassphraseMode.SET_NEW: self.tr("Choose a passphrase"),
            PassphraseMode.CONFIRM: self.tr("Unlock AcuJournal"),
        }
        self.setWindowTitle(titles[mode])
        self.setAccessibleName(self.windowTitle())

        self.intro = QLabel(message or self._default_message(journal))
        self.intro.setObjectName("passphraseIntro")
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.PlainText)

        self.passphrase_edit = secret_field(self.tr("Passphrase"))
        self.confirm_edit = secret_field(self.tr("Passphrase again"))
        self.show_passphrase = QCheckBox(self.tr("Show passphrase"))
        self.show_passphrase.setObjectName("showPassphrase")
        self.show_passphrase.toggled.connect(self._set_visible)

        self.error_label = QLabel()
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.hide()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._try_accept)
        self.buttons.rejected.connect(self.reject)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(
            {
                PassphraseMode.ASK: self.tr("Open"),
                PassphraseMode.SET_NEW: self.tr("Encrypt"),
                PassphraseMode.CONFIRM: self.tr("Unlock"),
            }[mode]
        )
        self.unencrypted_button: QPushButton | None = None
        if mode is PassphraseMode.SET_NEW and allow_unencrypted:
            self.unencrypted_button = self.buttons.addButton(
                self.tr("Do not encrypt"), QDialogButtonBox.ButtonRole.ActionRole
            )
            self.unencrypted_button.setObjectName("doNotEncrypt")
            self.unencrypted_button.clicked.connect(self._choose_unencrypted)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        if mode is not PassphraseMode.CONFIRM:
            form = QFormLayout()
            form.addRow(self.tr("Passphrase:"), self.passphrase_edit)
            if mode is PassphraseMode.SET_NEW:
                form.addRow(self.tr("Again:"), self.confirm_edit)
            layout.addLayout(form)
            layout.addWidget(self.show_passphrase)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.confirm_edit.setVisible(mode is PassphraseMode.SET_NEW)
        self.passphrase_edit.setVisible(mode is not PassphraseMode.CONFIRM)
        self.show_passphrase.setVisible(mode is not PassphraseMode.CONFIRM)
        if mode is not PassphraseMode.CONFIRM:
            self.passphrase_edit.setFocus()

    # What the caller reads ---------------------------------------------------------------------

    def passphrase(self) -> str | None:
        """The accepted passphrase (None in CONFIRM mode, or when the journal stays plain)."""
        return self._passphrase

    def error_text(self) -> str:
        """The error shown now ("" when none)."""
        return self.error_label.text() if self.error_label.isVisible() else ""

    # Behaviour ---------------------------------------------------------------------------------

    def _default_message(self, journal: str) -> str:
        name = journal or self.tr("this journal")
        if self.mode is PassphraseMode.ASK:
            return self.tr("The journal %1 is encrypted. Type its passphrase to open it.").replace(
                "%1", name
            )
        if self.mode is PassphraseMode.SET_NEW:
            return self.tr(
                "Choose a passphrase for %1. Without it nobody can open the journal, and it "
                "cannot be recovered: write it down and keep it somewhere safe."
            ).replace("%1", name)
        return self.tr(
            "AcuJournal was locked after a while without use, and the patient data is hidden. "
            "Unlock it to go on working."
        )

    def _set_visible(self, visible: bool) -> None:
        show_secrets(visible, self.passphrase_edit, self.confirm_edit)

    def _try_accept(self) -> None:
        if self.mode is PassphraseMode.CONFIRM:
            self.accept()
            return
        typed = self.passphrase_edit.text()
        if self.mode is PassphraseMode.SET_NEW:
            problem = new_passphrase_problem(typed)
            if problem is None and self.confirm_edit.text() != typed:
                problem = self.tr("The two passphrases differ; type the same one twice.")
            if problem is not None:
                self._show_error(problem)
                self.confirm_edit.clear()
                return
            self._accept_with(typed)
            return
        if not typed:
            self._show_error(self.tr("Type the passphrase."))
            return
        problem = self._check(typed) if self._check is not None else None
        if problem is None:
            self._accept_with(typed)
            return
        self.attempts += 1
        self.passphrase_edit.clear()
        left = self.max_attempts - self.attempts
        if left <= 0:
            self.attempts_exhausted = True
            self._show_error(problem)
            self.reject()
            return
        tries = self.tr("1 try left.") if left == 1 else self.tr("%1 tries left.")
        self._show_error(f"{problem} {tries.replace('%1', str(left))}")
        self.passphrase_edit.setFocus()

    def _accept_with(self, passphrase: str) -> None:
        self._passphrase = passphrase
        self._clear_fields()
        self.accept()

    def _choose_unencrypted(self) -> None:
        self.chose_unencrypted = True
        self._passphrase = None
        self._clear_fields()
        self.accept()

    def reject(self) -> None:
        self._clear_fields()
        super().reject()

    def _clear_fields(self) -> None:
        self.passphrase_edit.clear()
        self.confirm_edit.clear()

    def _show_error(self, text: str) -> None:
        show_error_text(self.error_label, text)


def ask_passphrase(
    journal: str,
    check: Callable[[str], str | None],
    *,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    message: str = "",
    parent: QWidget | None = None,
) -> str | None:
    """Ask for a passphrase until ``check`` accepts one; None when cancelled or out of tries."""
    dialog = PassphraseDialog(
        PassphraseMode.ASK,
        journal=journal,
        check=check,
        max_attempts=max_attempts,
        message=message,
        parent=parent,
    )
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.passphrase()


def choose_new_passphrase(
    journal: str, *, allow_unencrypted: bool = False, parent: QWidget | None = None
) -> tuple[bool, str | None]:
    """(chosen, passphrase): a new passphrase typed twice; (True, None) for "Do not encrypt",
    (False, None) when cancelled."""
    dialog = PassphraseDialog(
        PassphraseMode.SET_NEW, journal=journal, allow_unencrypted=allow_unencrypted, parent=parent
    )
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False, None
    return True, dialog.passphrase()
