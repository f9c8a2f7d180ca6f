"""Starting the clinic's own journal, and choosing a new passphrase for it.

:class:`NewJournalDialog` asks for what a first journal needs: the clinic's name, the first
practitioner (name and qualification) and whether the journal is protected with a passphrase
(ticked by default: a laptop can be lost or stolen). It only collects and checks; creating
the journal is :mod:`acujournal.ui.journal_actions`' job.

:class:`PassphraseFields` is the passphrase part (typed twice, hidden unless "Show
passphrase" is ticked, with a strength hint and the plain warning that a forgotten passphrase
cannot be recovered); :class:`NewPassphraseDialog` uses it to protect an existing journal or
give it another passphrase.

Every mistake is shown in one sentence that starts with the field's name, and the field gets
the focus; nothing is accepted until all of them are fixed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from acujournal.domain.model import Practitioner
from acujournal.domain.validation import practitioner_problems
from acujournal.services.settings import ClinicDetails, clinic_problems
from acujournal.storage.encryption import MIN_PASSPHRASE_LENGTH, new_passphrase_problem
from acujournal.ui.passphrase_dialog import secret_field, show_error_text, show_secrets

FORGOTTEN_WARNING = (
    "Nobody can open a protected journal without its passphrase, and a forgotten passphrase "
    "cannot be recovered or reset, not even by AcuJournal's makers: write it down and keep "
    "it somewhere safe, away from this computer."
)

# Passphrases that are among the first an attacker tries, whatever their length.
_COMMON = frozenset(
    {
        "password",
        "password1",
        "password123",
        "passphrase",
        "123456789",
        "1234567890",
        "qwertyuiop",
        "iloveyou",
        "acupuncture",
        "acujournal",
        "letmein123",
        "welcome123",
    }
)


class Strength(Enum):
    NONE = "none"
    TOO_SHORT = "too short"
    WEAK = "weak"
    FAIR = "fair"
    STRONG = "strong"


def passphrase_strength(passphrase: str) -> tuple[Strength, str]:
    """A rough verdict on ``passphrase`` and one sentence of advice.

    A hint, not a measurement: length counts most (several unrelated words are both long and
    easy to remember); repeated characters, a single kind of character and well-known
    passwords count against it.
    """
    if not passphrase:
        return Strength.NONE, (
            f"At least {MIN_PASSPHRASE_LENGTH} characters. Four or five unrelated words are "
            "strong and easy to remember."
        )
    problem = new_passphrase_problem(passphrase)
    if problem is not None:
        return Strength.TOO_SHORT, problem
    length = len(passphrase)
    kinds = sum(
        (
            any(c.islower() for c in passphrase),
            any(c.isupper() for c in passphrase),
            any(c.isdigit() for c in passphrase),
            any(not c.isalnum() for c in passphrase),
        )
    )
    words = len(passphrase.split())
    folded = passphrase.casefold().replace(" ", "")
    if len(set(folded)) <= 3 or folded in _COMMON or folded.isdigit():
        return Strength.WEAK, "Weak: this is easy to guess. Several unrelated words are better."
    if length >= 20 or (length >= 16 and (words >= 4 or kinds >= 3)):
        return Strength.STRONG, "Strong."
    if length >= 12 and (kinds >= 2 or words >= 3):
        return Strength.FAIR, "Fair: a few more characters (or another word) make it strong."
    return Strength.WEAK, "Weak: longer is stronger; try four or five unrelated words."


def _error_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.hide()
    return label


def _show_error(label: QLabel, text: str) -> None:
    show_error_text(label, text)
    window = label.window()
    layout = window.layout()
    if layout is not None:
        # Make room for the message rather than squeezing the fields.
        layout.activate()
        if layout.hasHeightForWidth():
            needed = layout.totalHeightForWidth(window.width())
        else:
            needed = layout.totalSizeHint().height()
        if needed > window.height():
            window.resize(window.width(), needed)


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """A mistake in one field: the widget to focus and the sentence (naming the field)."""

    widget: QWidget
    message: str


class PassphraseFields(QWidget):
    """A new passphrase typed twice, with a strength hint and the can't-be-recovered warning."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.passphrase_edit = secret_field(self.tr("Passphrase"))
        self.passphrase_edit.setObjectName("newPassphrase")
        self.confirm_edit = secret_field(self.tr("Passphrase again"))
        self.confirm_edit.setObjectName("newPassphraseAgain")
        self.show_passphrase = QCheckBox(self.tr("Show passphrase"))
        self.show_passphrase.toggled.connect(self._set_visible)
        self.strength = QLabel()
        self.strength.setObjectName("passphraseStrength")
        self.strength.setWordWrap(True)
        self.strength.setTextFormat(Qt.TextFormat.PlainText)
        self.warning = QLabel(self.tr(FORGOTTEN_WARNING))
        self.warning.setObjectName("forgottenPassphraseWarning")
        self.warning.setWordWrap(True)
        self.warning.setTextFormat(Qt.TextFormat.PlainText)
        self.passphrase_edit.textChanged.connect(self._update_strength)

        form = QFormLayout()
        form.addRow(self.tr("&Passphrase:"), self.passphrase_edit)
        form.addRow(self.tr("&Again:"), self.confirm_edit)
        form.addRow("", self.show_passphrase)
        # Wrapped labels outside the form, where their height follows their width.
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.strength)
        layout.addWidget(self.warning)
        self._update_strength("")

    def passphrase(self) -> str:
        return self.passphrase_edit.text()

    def problem(self) -> FieldProblem | None:
        """What is wrong with the passphrase typed, naming the field, or None."""
        typed = self.passphrase_edit.text()
        problem = new_passphrase_problem(typed)
        if problem is not None:
            return FieldProblem(self.passphrase_edit, self.tr("Passphrase: ") + problem)
        if self.confirm_edit.text() != typed:
            return FieldProblem(
                self.confirm_edit,
                self.tr("Passphrase again: the two passphrases differ; type the same one twice."),
            )
        return None

    def clear(self) -> None:
        self.passphrase_edit.clear()
        self.confirm_edit.clear()

    def _set_visible(self, visible: bool) -> None:
        show_secrets(visible, self.passphrase_edit, self.confirm_edit)

    def _update_strength(self, text: str) -> None:
        strength, advice = passphrase_strength(text)
        self.strength.setProperty("strength", strength.value)
        self.strength.setText(self.tr("Strength: ") + advice if text else advice)
        self.strength.setAccessibleName(self.strength.text())


@dataclass(frozen=True, slots=True)
class NewJournal:
    """What the new journal starts with; ``passphrase`` None keeps it unencrypted."""

    clinic: ClinicDetails
    practitioner: Practitioner
    passphrase: str | None


class NewJournalDialog(QDialog):
    """Clinic name, first practitioner and passphrase for the clinic's own journal."""

    def __init__(
        self,
        journal_path: Path,
        *,
        encryption_available: bool = True,
        unavailable_reason: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("New clinic journal"))
        self.setMinimumWidth(480)
        self.setAccessibleName(self.windowTitle())
        self._result: NewJournal | None = None

        intro = QLabel(
            self.tr(
                "Your clinic's own journal starts empty, apart from the practitioner named "
                "here; more practitioners can be added later in Clinic settings. The demo "
                "clinic is left as it is."
            )
        )
        intro.setWordWrap(True)
        where = QLabel(self.tr("It will be kept in %1").replace("%1", str(journal_path)))
        where.setObjectName("newJournalLocation")
        where.setWordWrap(True)
        where.setTextFormat(Qt.TextFormat.PlainText)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.clinic_name = QLineEdit()
        self.clinic_name.setObjectName("clinicName")
        self.clinic_name.setAccessibleName(self.tr("Clinic name"))
        self.clinic_name.setPlaceholderText(self.tr("Printed at the top of every report"))
        self.practitioner_name = QLineEdit()
        self.practitioner_name.setObjectName("practitionerName")
        self.practitioner_name.setAccessibleName(self.tr("Practitioner's name"))
        self.practitioner_name.setPlaceholderText(self.tr("As it should appear on records"))
        self.qualification = QLineEdit()
        self.qualification.setObjectName("practitionerQualification")
        self.qualification.setAccessibleName(self.tr("Qualification"))
        self.qualification.setPlaceholderText(self.tr("e.g. Lic.Ac., BSc Acupuncture"))

        form = QFormLayout()
        form.addRow(self.tr("Clinic &name:"), self.clinic_name)
        form.addRow(self.tr("P&ractitioner's name:"), self.practitioner_name)
        form.addRow(self.tr("&Qualification:"), self.qualification)

        self.protect = QCheckBox(
            self.tr("Protect this journal with a passphrase (recommended on laptops)")
        )
        self.protect.setObjectName("protectWithPassphrase")
        self.passphrase_fields = PassphraseFields()
        self.protect.toggled.connect(self.passphrase_fields.setEnabled)
        self.protect.setChecked(encryption_available)
        self.protect.setEnabled(encryption_available)
        self.passphrase_fields.setEnabled(encryption_available)
        self.unavailable_note = QLabel(unavailable_reason)
        self.unavailable_note.setWordWrap(True)
        self.unavailable_note.setTextFormat(Qt.TextFormat.PlainText)
        self.unavailable_note.setVisible(not encryption_available and bool(unavailable_reason))

        self.error_label = _error_label("newJournalError")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("&Create journal"))
        self.buttons.accepted.connect(self.try_accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.protect)
        layout.addWidget(self.unavailable_note)
        layout.addWidget(self.passphrase_fields)
        layout.addWidget(where)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.clinic_name.setFocus()

    # What the caller reads -----------------------------------------------------------------
    def new_journal(self) -> NewJournal | None:
        """What was accepted (None before, or when cancelled)."""
        return self._result

    def error_text(self) -> str:
        """The mistake shown now ("" when none)."""
        return "" if self.error_label.isHidden() else self.error_label.text()

    # Behaviour -----------------------------------------------------------------------------
    def _clinic(self) -> ClinicDetails:
        return ClinicDetails(name=self.clinic_name.text().strip())

    def _practitioner(self) -> Practitioner:
        return Practitioner(
            name=self.practitioner_name.text().strip(),
            qualification=self.qualification.text().strip(),
        )

    def problems(self) -> list[FieldProblem]:
        """Every mistake in the form, in the order of the fields."""
        found: list[FieldProblem] = []
        clinic = self._clinic()
        if not clinic.name:
            found.append(
                FieldProblem(self.clinic_name, self.tr("Clinic name: type the clinic's name."))
            )
        for problem in clinic_problems(clinic):
            if problem.field == "clinic.name":
                found.append(FieldProblem(self.clinic_name, f"Clinic name: {problem.message}."))
        for problem in practitioner_problems(self._practitioner()):
            if problem.field == "practitioner.name":
                found.append(
                    FieldProblem(
                        self.practitioner_name,
                        self.tr("Practitioner's name: type the name of the first practitioner."),
                    )
                )
        if self.protect.isChecked():
            problem_with_passphrase = self.passphrase_fields.problem()
            if problem_with_passphrase is not None:
                found.append(problem_with_passphrase)
        return found

    def try_accept(self) -> None:
        found = self.problems()
        if found:
            _show_error(self.error_label, " ".join(p.message for p in found))
            if found[0].widget is self.passphrase_fields.confirm_edit:
                self.passphrase_fields.confirm_edit.clear()
            found[0].widget.setFocus()
            return
        passphrase = self.passphrase_fields.passphrase() if self.protect.isChecked() else None
        self._result = NewJournal(self._clinic(), self._practitioner(), passphrase)
        self.passphrase_fields.clear()
        self.accept()

    def reject(self) -> None:
        self.passphrase_fields.clear()
        super().reject()


class NewPassphraseDialog(QDialog):
    """A new passphrase for an existing journal, with the current one first when it has one.

    ``check_current`` tells whether the current passphrase typed is right (None) or why not.
    """

    def __init__(
        self,
        title: str,
        intro: str,
        ok_text: str,
        *,
        check_current: Callable[[str], str | None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setMinimumWidth(440)
        self._check_current = check_current
        self._result: tuple[str | None, str] | None = None
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.PlainText)
        self.current_edit = secret_field(self.tr("Current passphrase"))
        self.current_edit.setObjectName("currentPassphrase")
        self.passphrase_fields = PassphraseFields()
        self.error_label = _error_label("newPassphraseError")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
        self.buttons.accepted.connect(self.try_accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        if check_current is not None:
            current = QFormLayout()
            current.addRow(self.tr("C&urrent passphrase:"), self.current_edit)
            layout.addLayout(current)
        else:
            self.current_edit.hide()
        layout.addWidget(self.passphrase_fields)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        first = self.passphrase_fields.passphrase_edit
        (self.current_edit if check_current is not None else first).setFocus()

    def passphrases(self) -> tuple[str | None, str] | None:
        """(current, new) once accepted; current is None when it was not asked for."""
        return self._result

    def error_text(self) -> str:
        return "" if self.error_label.isHidden() else self.error_label.text()

    def try_accept(self) -> None:
        current: str | None = None
        if self._check_current is not None:
            current = self.current_edit.text()
            wrong = (
                self.tr("type the passphrase the journal has now.")
                if not current
                else self._check_current(current)
            )
            if wrong is not None:
                _show_error(self.error_label, self.tr("Current passphrase: ") + wrong)
                self.current_edit.clear()
                self.current_edit.setFocus()
                return
        problem = self.passphrase_fields.problem()
        if (
            problem is None
            and current is not None
            and current == self.passphrase_fields.passphrase()
        ):
            problem = FieldProblem(
                self.passphrase_fields.passphrase_edit,
                self.tr("Passphrase: the new passphrase is the one the journal has now."),
            )
        if problem is not None:
            _show_error(self.error_label, problem.message)
            if problem.widget is self.passphrase_fields.confirm_edit:
                self.passphrase_fields.confirm_edit.clear()
            problem.widget.setFocus()
            return
        self._result = (current, self.passphrase_fields.passphrase())
        self._clear()
        self.accept()

    def reject(self) -> None:
        self._clear()
        super().reject()

    def _clear(self) -> None:
        self.current_edit.clear()
        self.passphrase_fields.clear()
