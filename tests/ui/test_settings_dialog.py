"""Clinic settings: name, address, logo, practitioners and caution depths, all or nothing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from acujournal.domain.model import AcupunctureStyle, Practitioner
from acujournal.domain.needle_sizes import NeedleSizeNames
from acujournal.reports.progress import render_progress_report
from acujournal.services.practitioners import add_practitioner, list_practitioners
from acujournal.services.reporting import build_progress_report, read_clinic_header
from acujournal.services.settings import (
    get_caution_depths,
    get_clinic_details,
    get_needle_size_names,
)
from acujournal.services.unit_of_work import read_only
from acujournal.storage.db import Database
from acujournal.ui.main_window import MainWindow
from acujournal.ui.settings_dialog import SettingsDialog
from tests.builders import make_journal
from tests.reports.course import flat, pdf_text, weekly_course


def _dialog(qtbot: QtBot, db: Database) -> SettingsDialog:
    dialog = SettingsDialog(db)
    qtbot.addWidget(dialog)
    return dialog


def _logo(tmp_path: Path) -> Path:
    image = QImage(120, 60, QImage.Format.Format_RGB32)
    image.fill(QColor("#2e7d6b"))
    path = tmp_path / "logo.png"
    assert image.save(str(path))
    return path


def test_clinic_details_reach_the_report_header(qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, db)
    qtbot.keyClicks(dialog.clinic_name, "Nordlys Akupunktur")
    dialog.clinic_address.setPlainText("Storgata 1\n0155 Oslo")
    dialog.logo_path.setText(str(_logo(tmp_path)))
    assert dialog.logo_preview.pixmap() is not None
    assert not dialog.logo_preview.pixmap().isNull()
    assert dialog.save()
    with read_only(db) as repo:
        header = read_clinic_header(repo.session)
    assert header.name == "Nordlys Akupunktur"
    assert header.address == "Storgata 1\n0155 Oslo"
    assert header.logo is not None
    assert header.logo.startswith(b"\x89PNG")


def test_needle_size_names_reach_the_progress_report(qtbot: QtBot, db: Database) -> None:
    course = weekly_course(make_journal(db))
    dialog = _dialog(qtbot, db)
    assert dialog.needle_sizes.currentData() == "mm"
    dialog.needle_sizes.setCurrentIndex(dialog.needle_sizes.findData("chinese"))
    assert dialog.save()
    assert get_needle_size_names(db) is NeedleSizeNames.CHINESE
    data = build_progress_report(db, course.journal.patient.id)
    text = flat(" ".join(pdf_text(render_progress_report(data))))
    assert "2g Needle type: gauge 0.25 mm (32G); length 40 mm (1.5 cun)" in text


def test_a_practitioner_profile_is_edited_and_a_new_one_added(qtbot: QtBot, db: Database) -> None:
    lin = add_practitioner(db, Practitioner(name="Dr Lin", default_gauge_mm=0.25))
    dialog = _dialog(qtbot, db)
    form = dialog.practitioner_form
    assert form.name.text() == "Dr Lin"
    form.qualification.setText("Lic.Ac.")
    form.years.setValue(12)
    form.gauge.setValue(0.30)
    form.style.setCurrentIndex(form.style.findData(AcupunctureStyle.JAPANESE.value))

    dialog.add_practitioner()
    qtbot.keyClicks(form.name, "Kari Nordmann")
    assert dialog.practitioner_list.currentItem().text() == "Kari Nordmann"
    assert dialog.save()

    stored = {p.name: p for p in list_practitioners(db)}
    assert stored["Dr Lin"].id == lin.id
    assert stored["Dr Lin"].qualification == "Lic.Ac."
    assert stored["Dr Lin"].years_in_practice == 12
    assert stored["Dr Lin"].default_gauge_mm == 0.30
    assert stored["Dr Lin"].style is AcupunctureStyle.JAPANESE
    assert stored["Kari Nordmann"].active


def test_caution_depths_are_keyed_by_the_who_code(qtbot: QtBot, db: Database) -> None:
    dialog = _dialog(qtbot, db)
    dialog.add_depth("UB40", 40)
    dialog.add_depth("gb 21", 15.5)
    assert dialog.save()
    assert get_caution_depths(db) == {"BL40": 40.0, "GB21": 15.5}


def test_one_mistake_saves_nothing_and_names_the_field(
    qtbot: QtBot, db: Database, tmp_path: Path
) -> None:
    add_practitioner(db, Practitioner(name="Dr Lin"))
    dialog = _dialog(qtbot, db)
    dialog.show()
    dialog.clinic_name.setText("Nordlys Akupunktur")
    dialog.practitioner_form.name.clear()
    dialog.add_depth("XX99", 20)
    dialog.add_depth("BL40", 900)
    dialog.logo_path.setText(str(tmp_path / "nowhere.png"))

    dialog.accept()

    assert dialog.isVisible(), "the dialog stays open"
    assert dialog.error.isVisible()
    text = dialog.error.text()
    assert "Practitioner (new), name: a practitioner needs a name" in text
    assert 'Caution depth of XX99: "XX99" names no point' in text
    assert "Caution depth of BL40: 900 mm is outside the allowed range" in text
    assert "Clinic logo: there is no file" in text
    assert get_clinic_details(db).name == ""
    assert [p.name for p in list_practitioners(db)] == ["Dr Lin"]
    assert get_caution_depths(db) == {}


def test_the_main_window_opens_settings_and_lists_new_practitioners(
    qtbot: QtBot, db: Database
) -> None:
    window = MainWindow(db)
    qtbot.addWidget(window)
    assert window.settings_action.shortcut().toString()
    dialog = window.edit_settings()
    dialog.add_practitioner()
    qtbot.keyClicks(dialog.practitioner_form.name, "Kari Nordmann")
    dialog.accept()
    assert not dialog.isVisible()
    names = [
        window.practitioner_combo.itemText(i) for i in range(window.practitioner_combo.count())
    ]
    assert names == ["Kari Nordmann"]
    assert dialog.practitioner_list.item(0).data(Qt.ItemDataRole.UserRole) is not None
