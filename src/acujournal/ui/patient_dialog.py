"""Dialogs for a patient's details and for opening a case (an episode of care).

Both only collect input and hand back domain objects (``patient()``, ``case()``); saving is
the caller's job through the services, which validate again.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDate, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from acujournal.domain.model import AcupunctureStyle, Case, CaseSide, Patient, Radiation
from acujournal.ui.combo import index_of_data

NAME_MAX_LENGTH = 200  # the services refuse longer names
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def _from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class OptionalDateEdit(QWidget):
    """A date with an "unknown" tick box; picking a date unticks it."""

    def __init__(self, name: str, value: date | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setDateRange(QDate(1900, 1, 1), QDate.currentDate())
        self.date_edit.setAccessibleName(name)
        self.unknown = QCheckBox(self.tr("unknown"))
        self.unknown.setAccessibleName(self.tr("%1 unknown").replace("%1", name))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.date_edit)
        layout.addWidget(self.unknown)
        layout.addStretch(1)
        self.set_value(value)
        self.date_edit.dateChanged.connect(lambda _date: self.unknown.setChecked(False))
        self.setFocusProxy(self.date_edit)

    def set_value(self, value: date | None, fallback: date | None = None) -> None:
        shown = value or fallback
        if shown is not None:
            self.date_edit.setDate(_to_qdate(shown))
        self.unknown.setChecked(value is None)

    def value(self) -> date | None:
        return None if self.unknown.isChecked() else _from_qdate(self.date_edit.date())


def _error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("errorLabel")
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.hide()
    return label


def _show_errors(label: QLabel, errors: list[str]) -> None:
    dark = label.palette().color(QPalette.ColorRole.Window).lightness() < 128
    colour = QColor("#ff8a80" if dark else "#b3261e")
    label.setStyleSheet(f"color: {colour.name()}; font-weight: bold;")
    label.setText("\n".join(errors))
    label.setAccessibleName(label.text())
    label.setVisible(bool(errors))


def _buttons(dialog: QDialog) -> QDialogButtonBox:
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


class PatientDialog(QDialog):
    """A new patient, or a patient's contact details to edit. Only the name is required."""

    def __init__(self, patient: Patient | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._original = patient
        self.setWindowTitle(self.tr("Edit patient") if patient else self.tr("New patient"))
        self.setAccessibleName(self.windowTitle())

        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(NAME_MAX_LENGTH)
        self.name_edit.setAccessibleName(self.tr("Name"))
        self.birth_date = OptionalDateEdit(self.tr("Birth date"))
        self.phone_edit = QLineEdit()
        self.phone_edit.setAccessibleName(self.tr("Phone"))
        self.phone_edit.setInputMethodHints(Qt.InputMethodHint.ImhDialableCharactersOnly)
        self.email_edit = QLineEdit()
        self.email_edit.setAccessibleName(self.tr("E-mail"))
        self.email_edit.setInputMethodHints(Qt.InputMethodHint.ImhEmailCharactersOnly)
        self.address_edit = QPlainTextEdit()
        self.address_edit.setAccessibleName(self.tr("Address"))
        self.address_edit.setTabChangesFocus(True)
        self.address_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 4)
        self.error_label = _error_label()

        form = QFormLayout()
        form.addRow(self.tr("&Name:"), self.name_edit)
        form.addRow(self.tr("&Born:"), self.birth_date)
        form.addRow(self.tr("&Phone:"), self.phone_edit)
        form.addRow(self.tr("&E-mail:"), self.email_edit)
        form.addRow(self.tr("&Address:"), self.address_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(_buttons(self))

        if patient is not None:
            self.name_edit.setText(patient.name)
            self.birth_date.set_value(patient.birth_date)
            self.phone_edit.setText(patient.phone)
            self.email_edit.setText(patient.email)
            self.address_edit.setPlainText(patient.address)
        else:
            self.birth_date.set_value(None, fallback=date(1970, 1, 1))
        self.name_edit.textEdited.connect(self._clear_errors)
        self.name_edit.setFocus()

    def errors(self) -> list[str]:
        """What keeps the input from being saved, as sentences for the person typing."""
        problems = []
        if not self.name_edit.text().strip():
            problems.append(self.tr("Enter the patient's name."))
        email = self.email_edit.text().strip()
        if email and not _EMAIL.match(email):
            problems.append(self.tr("The e-mail address looks incomplete."))
        return problems

    def accept(self) -> None:
        problems = self.errors()
        _show_errors(self.error_label, problems)
        if problems:
            target = self.name_edit if not self.name_edit.text().strip() else self.email_edit
            target.setFocus()
            return
        super().accept()

    def _clear_errors(self) -> None:
        if self.error_label.isVisible() and not self.errors():
            _show_errors(self.error_label, [])

    def patient(self) -> Patient:
        """The patient as entered (same id as the one being edited)."""
        return replace(
            self._original or Patient(name=""),
            name=self.name_edit.text().strip(),
            birth_date=self.birth_date.value(),
            phone=self.phone_edit.text().strip(),
            email=self.email_edit.text().strip(),
            address=self.address_edit.toPlainText().strip(),
        )


# What is stored is the plain English name (shown as is in lists and reports); the combo shows
# a translation. Anything typed that is not in the list is stored as typed.
CONDITIONS: tuple[tuple[str, object], ...] = (
    ("sciatica", QT_TRANSLATE_NOOP("PatientDialog", "Sciatica")),
    ("low back pain", QT_TRANSLATE_NOOP("PatientDialog", "Low back pain")),
    ("neck pain", QT_TRANSLATE_NOOP("PatientDialog", "Neck pain")),
    ("knee osteoarthritis", QT_TRANSLATE_NOOP("PatientDialog", "Knee osteoarthritis")),
    ("headache/migraine", QT_TRANSLATE_NOOP("PatientDialog", "Headache / migraine")),
    ("shoulder pain", QT_TRANSLATE_NOOP("PatientDialog", "Shoulder pain")),
)


def condition_label(condition: str) -> str:
    """How a stored condition is shown: the translated name of a known one, else as typed."""
    for value, label in CONDITIONS:
        if value == condition:
            return QCoreApplication.translate("PatientDialog", str(label))
    return condition


RADIATING_CONDITIONS = frozenset({"sciatica", "low back pain"})
CAUSES: tuple[tuple[str, object], ...] = (
    ("herniated disc", QT_TRANSLATE_NOOP("PatientDialog", "Herniated disc")),
    ("spinal stenosis", QT_TRANSLATE_NOOP("PatientDialog", "Spinal stenosis")),
    ("bone spur", QT_TRANSLATE_NOOP("PatientDialog", "Bone spur")),
    ("diabetes", QT_TRANSLATE_NOOP("PatientDialog", "Diabetes (can mimic sciatica)")),
    ("unknown", QT_TRANSLATE_NOOP("PatientDialog", "Unknown")),
)
SIDES: tuple[tuple[CaseSide, object], ...] = (
    (CaseSide.UNKNOWN, QT_TRANSLATE_NOOP("PatientDialog", "Not known")),
    (CaseSide.LEFT, QT_TRANSLATE_NOOP("PatientDialog", "Left")),
    (CaseSide.RIGHT, QT_TRANSLATE_NOOP("PatientDialog", "Right")),
    (CaseSide.BOTH, QT_TRANSLATE_NOOP("PatientDialog", "Both sides")),
    (CaseSide.CENTRAL, QT_TRANSLATE_NOOP("PatientDialog", "Central")),
)
RADIATIONS: tuple[tuple[Radiation | None, object], ...] = (
    (None, QT_TRANSLATE_NOOP("PatientDialog", "Not recorded")),
    (Radiation.LOW_BACK, QT_TRANSLATE_NOOP("PatientDialog", "Low back only")),
    (Radiation.BUTTOCK, QT_TRANSLATE_NOOP("PatientDialog", "Down to the buttock")),
    (Radiation.THIGH, QT_TRANSLATE_NOOP("PatientDialog", "Down to the thigh")),
    (Radiation.CALF, QT_TRANSLATE_NOOP("PatientDialog", "Down to the calf")),
    (Radiation.FOOT, QT_TRANSLATE_NOOP("PatientDialog", "Down to the foot")),
)
STYLES: tuple[tuple[AcupunctureStyle | None, object], ...] = (
    (None, QT_TRANSLATE_NOOP("PatientDialog", "Practitioner's usual style")),
    (AcupunctureStyle.TCM, QT_TRANSLATE_NOOP("PatientDialog", "Traditional Chinese (TCM)")),
    (AcupunctureStyle.JAPANESE, QT_TRANSLATE_NOOP("PatientDialog", "Japanese")),
    (AcupunctureStyle.KOREAN, QT_TRANSLATE_NOOP("PatientDialog", "Korean")),
    (AcupunctureStyle.WESTERN_MEDICAL, QT_TRANSLATE_NOOP("PatientDialog", "Western medical")),
    (AcupunctureStyle.FIVE_ELEMENT, QT_TRANSLATE_NOOP("PatientDialog", "Five Element")),
    (AcupunctureStyle.AURICULAR, QT_TRANSLATE_NOOP("PatientDialog", "Auricular")),
    (AcupunctureStyle.OTHER, QT_TRANSLATE_NOOP("PatientDialog", "Other")),
)
_OTHER = "__other__"


def _fill(combo: QComboBox, items: Sequence[tuple[object, object]]) -> None:
    """Items shown translated (labels are marked with QT_TRANSLATE_NOOP), storing ``value``."""
    for value, label in items:
        combo.addItem(QCoreApplication.translate("PatientDialog", str(label)), value)


def _select(combo: QComboBox, value: object) -> None:
    index = index_of_data(combo, value)
    combo.setCurrentIndex(max(index, 0))


def _editable_value(combo: QComboBox) -> str:
    """The stored value of an editable combo: a known item's code or the typed text."""
    text = combo.currentText().strip()
    for index in range(combo.count()):
        if combo.itemText(index) == text:
            data = combo.itemData(index)
            return "" if data in (None, _OTHER) else str(data)
    return text


def _set_editable(combo: QComboBox, value: str) -> None:
    index = index_of_data(combo, value)
    if index >= 0:
        combo.setCurrentIndex(index)
    else:
        combo.setCurrentIndex(-1)
        combo.setEditText(value)


class CaseDialog(QDialog):
    """Open a case (or edit one): what is treated, on which side, and why this way."""

    def __init__(
        self, patient_id: uuid.UUID, case: Case | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._patient_id = patient_id
        self._original = case
        self.setWindowTitle(self.tr("Edit case") if case else self.tr("Open a case"))
        self.setAccessibleName(self.windowTitle())

        self.condition_combo = QComboBox()
        self.condition_combo.setEditable(True)
        self.condition_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        _fill(self.condition_combo, CONDITIONS)
        self.condition_combo.addItem(self.tr("Other…"), _OTHER)
        self.condition_combo.setAccessibleName(self.tr("Condition"))
        self.title_edit = QLineEdit()
        self.title_edit.setAccessibleName(self.tr("Title"))
        self.side_combo = QComboBox()
        _fill(self.side_combo, SIDES)
        self.side_combo.setAccessibleName(self.tr("Side"))
        self.opened_on = QDateEdit(QDate.currentDate())
        self.opened_on.setCalendarPopup(True)
        self.opened_on.setDisplayFormat("yyyy-MM-dd")
        self.opened_on.setAccessibleName(self.tr("Opened on"))
        self.onset = OptionalDateEdit(self.tr("Onset date"))

        self.radiating = QGroupBox(self.tr("Radiating pain (sciatica)"))
        self.radiating.setCheckable(True)
        self.radiating.setAccessibleName(self.tr("Radiating pain"))
        self.cause_combo = QComboBox()
        self.cause_combo.setEditable(True)
        self.cause_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.cause_combo.addItem(self.tr("Not recorded"), None)
        _fill(self.cause_combo, CAUSES)
        self.cause_combo.setAccessibleName(self.tr("Suspected cause"))
        self.radiation_combo = QComboBox()
        _fill(self.radiation_combo, RADIATIONS)
        self.radiation_combo.setAccessibleName(self.tr("How far the pain radiates"))
        self.numbness_combo = QComboBox()
        self.numbness_combo.addItem(self.tr("Not recorded"), None)
        self.numbness_combo.addItem(self.tr("Yes"), True)
        self.numbness_combo.addItem(self.tr("No"), False)
        self.numbness_combo.setAccessibleName(self.tr("Numbness or tingling"))
        radiating_form = QFormLayout(self.radiating)
        radiating_form.addRow(self.tr("Suspected &cause:"), self.cause_combo)
        radiating_form.addRow(self.tr("&Radiates:"), self.radiation_combo)
        radiating_form.addRow(self.tr("Numbness or &tingling:"), self.numbness_combo)

        self.style_combo = QComboBox()
        _fill(self.style_combo, STYLES)
        self.style_combo.setAccessibleName(self.tr("Style"))
        self.rationale_edit = QPlainTextEdit()
        self.rationale_edit.setTabChangesFocus(True)
        self.rationale_edit.setPlaceholderText(
            self.tr("Why this treatment: diagnosis, pattern, the reasoning behind the points")
        )
        self.rationale_edit.setAccessibleName(self.tr("Rationale"))
        self.rationale_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 5)
        self.error_label = _error_label()

        form = QFormLayout()
        form.addRow(self.tr("C&ondition:"), self.condition_combo)
        form.addRow(self.tr("T&itle:"), self.title_edit)
        form.addRow(self.tr("&Side:"), self.side_combo)
        form.addRow(self.tr("O&nset:"), self.onset)
        form.addRow(self.tr("O&pened on:"), self.opened_on)
        form.addRow(self.radiating)
        form.addRow(self.tr("St&yle:"), self.style_combo)
        form.addRow(self.tr("R&ationale:"), self.rationale_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(_buttons(self))

        self.condition_combo.activated.connect(self._condition_chosen)
        self.condition_combo.currentTextChanged.connect(self._condition_changed)
        self.side_combo.currentIndexChanged.connect(self._suggest_title)
        if case is not None:
            self._load(case)
        else:
            self.onset.set_value(None, fallback=date.today())
            self._condition_changed(self.condition_combo.currentText())
        self.condition_combo.setFocus()

    def _load(self, case: Case) -> None:
        _set_editable(self.condition_combo, case.condition)
        self.title_edit.setText(case.title)
        _select(self.side_combo, case.side)
        self.onset.set_value(case.onset_date, fallback=case.opened_on or date.today())
        if case.opened_on is not None:
            self.opened_on.setDate(_to_qdate(case.opened_on))
        recorded = bool(case.suspected_cause) or case.radiation or case.numbness is not None
        self.radiating.setChecked(
            bool(recorded) or case.condition.strip().lower() in RADIATING_CONDITIONS
        )
        if case.suspected_cause:
            _set_editable(self.cause_combo, case.suspected_cause)
        _select(self.radiation_combo, case.radiation)
        _select(self.numbness_combo, case.numbness)
        _select(self.style_combo, case.style)
        self.rationale_edit.setPlainText(case.rationale)

    def _condition_chosen(self, index: int) -> None:
        if self.condition_combo.itemData(index) == _OTHER:
            self.condition_combo.setEditText("")
            line = self.condition_combo.lineEdit()
            if line is not None:
                line.setPlaceholderText(self.tr("Describe the condition"))
            self.condition_combo.setFocus()

    def _condition_changed(self, _text: str) -> None:
        self.radiating.setChecked(self.condition() in RADIATING_CONDITIONS)
        self._suggest_title()

    def condition(self) -> str:
        """The condition as stored: a known condition's English name or the typed text."""
        return _editable_value(self.condition_combo)

    def suggested_title(self) -> str:
        """The title used when none is typed: "Sciatica, left side"."""
        label = self.condition_combo.currentText().strip()
        if not label or self.condition_combo.currentData() == _OTHER:
            return ""
        side = self.side_combo.currentData()
        if side == CaseSide.LEFT:
            return self.tr("%1, left side").replace("%1", label)
        if side == CaseSide.RIGHT:
            return self.tr("%1, right side").replace("%1", label)
        if side == CaseSide.BOTH:
            return self.tr("%1, both sides").replace("%1", label)
        return label

    def _suggest_title(self) -> None:
        self.title_edit.setPlaceholderText(self.suggested_title())

    def errors(self) -> list[str]:
        problems = []
        if not self.condition():
            problems.append(self.tr("Choose or type the condition treated."))
        if not (self.title_edit.text().strip() or self.suggested_title()):
            problems.append(self.tr("Give the case a title."))
        return problems

    def accept(self) -> None:
        problems = self.errors()
        _show_errors(self.error_label, problems)
        if problems:
            self.condition_combo.setFocus()
            return
        super().accept()

    def case(self) -> Case:
        """The case as entered (same id as the one being edited)."""
        radiating = self.radiating.isChecked()
        radiation = self.radiation_combo.currentData() if radiating else None
        style = self.style_combo.currentData()
        numbness = self.numbness_combo.currentData() if radiating else None
        return replace(
            self._original or Case(patient_id=self._patient_id, title="", condition=""),
            title=self.title_edit.text().strip() or self.suggested_title(),
            condition=self.condition(),
            side=CaseSide(self.side_combo.currentData()),
            suspected_cause=_editable_value(self.cause_combo) if radiating else "",
            onset_date=self.onset.value(),
            radiation=Radiation(radiation) if radiation else None,
            numbness=bool(numbness) if numbness is not None else None,
            style=AcupunctureStyle(style) if style else None,
            rationale=self.rationale_edit.toPlainText().strip(),
            opened_on=_from_qdate(self.opened_on.date()),
        )
