"""Patient and case dialogs: typed input becomes domain objects; mistakes are explained."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox
from pytestqt.qtbot import QtBot

from acujournal.domain.model import (
    AcupunctureStyle,
    Case,
    CaseSide,
    Patient,
    Radiation,
    new_id,
)
from acujournal.ui.patient_dialog import CaseDialog, PatientDialog


def _click_ok(qtbot: QtBot, dialog: QDialog) -> None:
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


@pytest.fixture
def patient_dialog(qtbot: QtBot) -> PatientDialog:
    dialog = PatientDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_typed_patient_is_accepted(qtbot: QtBot, patient_dialog: PatientDialog) -> None:
    dialog = patient_dialog
    assert dialog.birth_date.unknown.isChecked()  # nothing invented for a new patient
    qtbot.keyClicks(dialog.name_edit, "  Åse Bjørnstad ")
    qtbot.keyClicks(dialog.phone_edit, "+47 912 34 567")
    qtbot.keyClicks(dialog.email_edit, "ase@example.no")
    qtbot.keyClicks(dialog.address_edit, "Storgata 1")
    qtbot.keyClick(dialog.address_edit, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.address_edit, "0155 Oslo")
    dialog.birth_date.date_edit.setDate(QDate(1968, 4, 2))
    assert not dialog.birth_date.unknown.isChecked()  # picking a date means it is known

    _click_ok(qtbot, dialog)

    assert dialog.result() == QDialog.DialogCode.Accepted
    patient = dialog.patient()
    assert patient.name == "Åse Bjørnstad"
    assert patient.birth_date == date(1968, 4, 2)
    assert patient.phone == "+47 912 34 567"
    assert patient.email == "ase@example.no"
    assert patient.address == "Storgata 1\n0155 Oslo"


def test_empty_name_shows_an_error_and_stays_open(
    qtbot: QtBot, patient_dialog: PatientDialog
) -> None:
    dialog = patient_dialog
    qtbot.keyClicks(dialog.name_edit, "   ")
    assert not dialog.error_label.isVisible()
    _click_ok(qtbot, dialog)
    assert dialog.isVisible()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.error_label.isVisible()
    assert "name" in dialog.error_label.text()
    assert dialog.name_edit.hasFocus()
    # Typing a name clears the complaint.
    qtbot.keyClicks(dialog.name_edit, "Mark")
    assert not dialog.error_label.isVisible()


def test_incomplete_email_is_refused(qtbot: QtBot, patient_dialog: PatientDialog) -> None:
    qtbot.keyClicks(patient_dialog.name_edit, "Mark Olsen")
    qtbot.keyClicks(patient_dialog.email_edit, "mark.olsen")
    _click_ok(qtbot, patient_dialog)
    assert patient_dialog.result() != QDialog.DialogCode.Accepted
    assert "e-mail" in patient_dialog.error_label.text()


def test_editing_keeps_the_patient_and_can_forget_a_birth_date(qtbot: QtBot) -> None:
    original = Patient(name="José Núñez", birth_date=date(1980, 2, 29), phone="123", archived=True)
    dialog = PatientDialog(original)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Edit patient"
    assert dialog.patient() == original
    dialog.birth_date.unknown.setChecked(True)
    dialog.phone_edit.clear()
    qtbot.keyClicks(dialog.phone_edit, "+34 600 000 000")
    edited = dialog.patient()
    assert edited.id == original.id
    assert edited.archived
    assert edited.birth_date is None
    assert edited.phone == "+34 600 000 000"


def test_new_case_with_sciatica_details(qtbot: QtBot) -> None:
    patient_id = new_id()
    dialog = CaseDialog(patient_id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.condition() == "sciatica"
    assert dialog.radiating.isChecked()
    dialog.side_combo.setCurrentIndex(dialog.side_combo.findData(CaseSide.LEFT))
    assert dialog.title_edit.placeholderText() == "Sciatica, left side"
    dialog.cause_combo.setCurrentIndex(dialog.cause_combo.findData("herniated disc"))
    dialog.radiation_combo.setCurrentIndex(dialog.radiation_combo.findData(Radiation.CALF))
    dialog.numbness_combo.setCurrentIndex(dialog.numbness_combo.findData(True))
    dialog.onset.date_edit.setDate(QDate(2025, 12, 10))
    dialog.style_combo.setCurrentIndex(dialog.style_combo.findData(AcupunctureStyle.TCM))
    qtbot.keyClicks(dialog.rationale_edit, "Qi and blood stagnation in the Bladder channel")

    _click_ok(qtbot, dialog)

    assert dialog.result() == QDialog.DialogCode.Accepted
    case = dialog.case()
    assert case.patient_id == patient_id
    assert case.title == "Sciatica, left side"  # the suggestion, since none was typed
    assert case.condition == "sciatica"
    assert case.side is CaseSide.LEFT
    assert case.suspected_cause == "herniated disc"
    assert case.radiation is Radiation.CALF
    assert case.numbness is True
    assert case.onset_date == date(2025, 12, 10)
    assert case.style is AcupunctureStyle.TCM
    assert case.rationale == "Qi and blood stagnation in the Bladder channel"
    assert case.opened_on == date.today()


def test_a_typed_condition_is_kept_and_sciatica_details_left_out(qtbot: QtBot) -> None:
    dialog = CaseDialog(new_id())
    qtbot.addWidget(dialog)
    dialog.show()
    other = dialog.condition_combo.count() - 1
    dialog.condition_combo.setCurrentIndex(other)
    dialog.condition_combo.activated.emit(other)
    assert dialog.condition_combo.currentText() == ""
    qtbot.keyClicks(dialog.condition_combo.lineEdit(), "Tennis elbow")
    assert not dialog.radiating.isChecked()
    dialog.radiation_combo.setCurrentIndex(dialog.radiation_combo.findData(Radiation.FOOT))
    qtbot.keyClicks(dialog.title_edit, "Right tennis elbow")
    _click_ok(qtbot, dialog)
    case = dialog.case()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert (case.condition, case.title, case.radiation) == (
        "Tennis elbow",
        "Right tennis elbow",
        None,
    )


def test_case_without_a_condition_is_refused(qtbot: QtBot) -> None:
    dialog = CaseDialog(new_id())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.condition_combo.setEditText("")
    _click_ok(qtbot, dialog)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.error_label.isVisible()
    assert "condition" in dialog.error_label.text()


def test_editing_a_case_round_trips_every_field(qtbot: QtBot) -> None:
    case = Case(
        patient_id=new_id(),
        title="Neck pain after whiplash",
        condition="whiplash",
        side=CaseSide.CENTRAL,
        suspected_cause="bone spur",
        onset_date=date(2024, 2, 1),
        radiation=Radiation.BUTTOCK,
        numbness=False,
        style=AcupunctureStyle.JAPANESE,
        rationale="Local and distal points",
        opened_on=date(2024, 3, 1),
        closed_on=date(2024, 5, 1),
    )
    dialog = CaseDialog(case.patient_id, case)
    qtbot.addWidget(dialog)
    assert dialog.case() == case
